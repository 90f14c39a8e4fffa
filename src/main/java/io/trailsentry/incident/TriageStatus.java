package io.trailsentry.incident;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * Where an analyst has taken an incident. A later escalation keeps {@code acknowledged} (someone is
 * on it; the timeline shows what changed) but reopens a {@code resolved} incident: the attack went on.
 */
public enum TriageStatus {
    OPEN,
    ACKNOWLEDGED,
    RESOLVED;

    /** The name in JSON, SQL and query parameters. */
    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException naming the accepted values */
    public static TriageStatus parse(String text) {
        if (text != null) {
            for (TriageStatus s : values()) {
                if (s.wireName().equalsIgnoreCase(text.trim())) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException("status '" + text + "' is not one of open, acknowledged, resolved");
    }
}
