package io.trailsentry.alert.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertJson;
import io.trailsentry.alert.ocsf.OcsfFindingMapper;
import io.trailsentry.alert.ocsf.OcsfJson;

import java.nio.charset.StandardCharsets;

/** Renders the request body of one alert in the configured format. */
final class WebhookPayload {

    private final WebhookFormat format;
    private final OcsfFindingMapper ocsf;
    private final String linkTemplate;

    WebhookPayload(WebhookFormat format, OcsfFindingMapper ocsf, String linkTemplate) {
        this.format = format;
        this.ocsf = ocsf;
        this.linkTemplate = linkTemplate;
    }

    byte[] render(Alert alert) {
        try {
            String json = switch (format) {
                case ALERT -> AlertJson.mapper().writeValueAsString(alert);
                case OCSF -> OcsfJson.write(ocsf.map(alert));
                case SLACK -> AlertJson.mapper().writeValueAsString(SlackMessage.of(alert, link(alert)));
            };
            return json.getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render alert " + alert.alertId() + " as " + format.lowerCase() + ": " + e.getMessage(), e);
        }
    }

    /** The configured link with {@code {alertId}} and {@code {incidentId}} filled in, or null when none is configured. */
    String link(Alert alert) {
        if (linkTemplate == null || linkTemplate.isBlank()) {
            return null;
        }
        return linkTemplate.replace("{alertId}", alert.alertId())
                .replace("{incidentId}", alert.incident().incidentId() != null ? alert.incident().incidentId() : "");
    }
}
