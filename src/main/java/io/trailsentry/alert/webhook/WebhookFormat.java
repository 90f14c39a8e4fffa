package io.trailsentry.alert.webhook;

import java.util.Locale;

/** What a webhook POST carries. */
public enum WebhookFormat {
    /** The alert JSON exactly as the alert file holds it. */
    ALERT,
    /** The alert as an OCSF 1.1 Detection Finding. */
    OCSF,
    /** A chat message: {@code text} plus a coloured attachment (Slack, Mattermost; Teams reads the text). */
    SLACK;

    /** Case-insensitive; names the accepted values when the text is none of them. */
    public static WebhookFormat parse(String text) {
        if (text != null) {
            for (WebhookFormat format : values()) {
                if (format.name().equalsIgnoreCase(text.trim())) {
                    return format;
                }
            }
        }
        throw new IllegalArgumentException("webhook format '" + text + "' is not one of alert, ocsf, slack");
    }

    public String lowerCase() {
        return name().toLowerCase(Locale.ROOT);
    }
}
