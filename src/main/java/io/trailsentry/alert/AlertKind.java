package io.trailsentry.alert;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * Who an alert is for. {@link #ALERT}s reach people (webhook, Kafka alerts topic, OCSF, the default
 * {@code GET /alerts}); {@link #BUILDING_BLOCK}s (signals of rules that only feed incidents) and
 * {@link #SUPPRESSED} ones (every call allowlisted) are kept, scored and shown on request.
 */
public enum AlertKind {
    ALERT, BUILDING_BLOCK, SUPPRESSED;

    public static AlertKind of(Alert alert) {
        if (alert.rating().suppressed()) {
            return SUPPRESSED;
        }
        return alert.rule().buildingBlock() ? BUILDING_BLOCK : ALERT;
    }

    /** {@code building-block} in query strings and metrics tags ({@code building_block} there). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * {@code GET /alerts?include=…}: a comma-separated list of {@code building-blocks},
     * {@code suppressed} or {@code all}; alerts for people are always included.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Set<AlertKind> parseInclude(String include) {
        Set<AlertKind> kinds = EnumSet.of(ALERT);
        if (include == null || include.isBlank()) {
            return kinds;
        }
        for (String part : include.split(",")) {
            switch (part.trim().toLowerCase(Locale.ROOT)) {
                case "building-blocks", "building-block" -> kinds.add(BUILDING_BLOCK);
                case "suppressed" -> kinds.add(SUPPRESSED);
                case "all" -> kinds.addAll(EnumSet.allOf(AlertKind.class));
                case "" -> {
                }
                default -> throw new IllegalArgumentException("include '" + part.trim()
                        + "' is not one of building-blocks, suppressed, all");
            }
        }
        return kinds;
    }
}
