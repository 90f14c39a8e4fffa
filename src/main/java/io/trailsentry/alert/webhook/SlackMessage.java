package io.trailsentry.alert.webhook;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertJson;

import java.util.List;

/**
 * An alert as a chat message: a one-line {@code text} (what a notification shows, and all Microsoft
 * Teams' incoming webhooks read) and one attachment coloured by severity with the fields an analyst
 * triages on (severity, actor, rule, stages, MITRE, source IPs, contexts) and a link back. The
 * attachment format is the one Slack, Mattermost and Rocket.Chat all accept.
 */
final class SlackMessage {

    /** Slack truncates an attachment's text around here; a cut is marked rather than left to Slack. */
    static final int MAX_TEXT = 3000;
    private static final int MAX_LISTED = 10;

    private SlackMessage() {
    }

    /** @param link where the message links to, or null */
    static ObjectNode of(Alert alert, String link) {
        String actor = alert.actor().actorName() != null ? alert.actor().actorName() : alert.actor().name();
        String headline = "[" + alert.rating().severity() + "] " + alert.rule().ruleName() + " — " + actor
                + (alert.actor().accountId() != null ? " (" + alert.actor().accountId() + ")" : "");
        ObjectNode message = AlertJson.mapper().createObjectNode();
        message.put("text", escape(headline) + (link != null ? " <" + link + "|open>" : ""));
        ArrayNode attachments = message.putArray("attachments");
        ObjectNode attachment = attachments.addObject();
        // Every text Slack renders is escaped: the title and fallback carry the rule's display name,
        // which templates fill with attacker-chosen values (a user name, an ARN).
        attachment.put("fallback", escape(headline));
        attachment.put("color", color(alert.rating().severity().name()));
        attachment.put("title", escape(truncate(alert.displayName() != null ? alert.displayName() : alert.rule().ruleName())));
        if (link != null) {
            attachment.put("title_link", link);
        }
        if (alert.description() != null) {
            attachment.put("text", escape(truncate(alert.description())));
        }
        ArrayNode fields = attachment.putArray("fields");
        field(fields, "Severity", alert.rating().severity() + " (score " + alert.score() + ")", true);
        field(fields, "Actor", actor + (alert.actor().principalArn() != null ? "\n" + alert.actor().principalArn() : ""), true);
        field(fields, "Rule", alert.rule().ruleName() + (alert.rule().ruleVersion() != null ? " v" + alert.rule().ruleVersion() : ""), true);
        field(fields, "Stages", join(alert.stages()), true);
        if (alert.mitre() != null && alert.mitre().tacticId() != null) {
            field(fields, "MITRE ATT&CK", alert.mitre().tactic() + " (" + alert.mitre().tacticId() + ")"
                    + (alert.mitre().techniqueId() != null ? " · " + alert.mitre().techniqueId() : ""), true);
        }
        field(fields, "Source IPs", alert.evidence().sourceIp() != null ? alert.evidence().sourceIp() : join(alert.evidence().sourceIps()), true);
        field(fields, "Contexts", join(alert.evidence().contexts()), true);
        field(fields, "Events", Long.toString(alert.window().count()), true);
        if (alert.incident().incidentId() != null) {
            field(fields, "Incident", alert.incident().incidentId(), false);
        }
        attachment.put("footer", escape("TrailSentry · alert " + alert.alertId()));
        if (alert.window().detectedAt() != null) {
            attachment.put("ts", alert.window().detectedAt().getEpochSecond());
        }
        return message;
    }

    /** Slack's colour bar: the further up the ladder, the hotter. */
    static String color(String severity) {
        return switch (severity) {
            case "Critical" -> "#7b0000";
            case "High" -> "#d62728";
            case "Medium" -> "#ff7f0e";
            case "Low" -> "#f2c744";
            default -> "#9e9e9e";
        };
    }

    /** Slack reads {@code &}, {@code <} and {@code >} as markup: an ARN or a user agent must not become a link. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void field(ArrayNode fields, String title, String value, boolean isShort) {
        if (value == null || value.isEmpty()) {
            return;
        }
        ObjectNode field = fields.addObject();
        field.put("title", title);
        field.put("value", escape(truncate(value)));
        field.put("short", isShort);
    }

    private static String join(List<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        String shown = String.join(", ", values.subList(0, Math.min(values.size(), MAX_LISTED)));
        return values.size() > MAX_LISTED ? shown + " … (" + values.size() + ")" : shown;
    }

    private static String truncate(String text) {
        return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 1) + "…";
    }
}
