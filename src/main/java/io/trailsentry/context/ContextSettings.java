package io.trailsentry.context;

import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

/**
 * What the context stage needs; see {@code trailsentry.context.*} in docs/rules.md.
 *
 * @param knownCidrs            corporate / VPN / NAT networks: calls from them are never "unknown IP"
 * @param ipMemory              an IP not seen for an actor within this long is unknown again (default 14 days)
 * @param learningDelay         what an actor did less than this long ago does not yet count as its normal
 *                              (so an attacker's first hour cannot teach the baseline that it is normal)
 * @param businessStart         start of business hours, local time
 * @param businessEnd           end of business hours (exclusive), local time
 * @param businessDays          working days
 * @param timezone              the time zone business hours are in
 * @param holidays              dates that are off-hours all day
 * @param usualHourMinDays      a learned hour counts as the actor's usual once active in it on this many distinct days
 * @param adminPrincipals       globs of administrators' ARNs (user, role behind a session, or session)
 * @param allowlistedPrincipals globs of authorised scanners' / automation's ARNs
 * @param allowlistedUserAgents globs of authorised scanners' user agents
 * @param baselineFile          where learned baselines persist across restarts, or null to keep them in memory
 * @param maxActors             learned actors kept at most (least recently seen dropped first)
 * @param lineageHorizon        how long a created user or key stays linked to its creator (the incident horizon)
 * @param awsIpRangesFile       AWS's {@code ip-ranges.json} (re-read when it changes), or null for the bundled
 *                              offline subset ({@link AwsIpRanges#OFFLINE_RESOURCE})
 * @param maxLineageLinks       created users and keys remembered at most (least recently used dropped first)
 */
public record ContextSettings(
        List<String> knownCidrs,
        Duration ipMemory,
        Duration learningDelay,
        LocalTime businessStart,
        LocalTime businessEnd,
        Set<DayOfWeek> businessDays,
        ZoneId timezone,
        Set<LocalDate> holidays,
        int usualHourMinDays,
        List<String> adminPrincipals,
        List<String> allowlistedPrincipals,
        List<String> allowlistedUserAgents,
        Path baselineFile,
        int maxActors,
        Duration lineageHorizon,
        Path awsIpRangesFile,
        int maxLineageLinks) {

    public static final int DEFAULT_MAX_LINEAGE_LINKS = 100_000;

    /** The same settings with other caps (the state budget). */
    public ContextSettings withCaps(int maxActors, int maxLineageLinks) {
        return toBuilder().maxActors(maxActors).maxLineageLinks(maxLineageLinks).build();
    }

    public ContextSettings {
        knownCidrs = List.copyOf(knownCidrs);
        businessDays = Set.copyOf(businessDays);
        holidays = Set.copyOf(holidays);
        adminPrincipals = List.copyOf(adminPrincipals);
        allowlistedPrincipals = List.copyOf(allowlistedPrincipals);
        allowlistedUserAgents = List.copyOf(allowlistedUserAgents);
    }

    /** Defaults for tests and tools: 08:00–18:00 Monday to Friday UTC, 14 days of IP memory, nothing allowlisted, offline AWS ranges. */
    public static ContextSettings defaults() {
        return new ContextSettings(List.of(), Duration.ofDays(14), Duration.ofHours(24), LocalTime.of(8, 0), LocalTime.of(18, 0),
                Set.of(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY, DayOfWeek.THURSDAY, DayOfWeek.FRIDAY),
                ZoneId.of("UTC"), Set.of(), 3, List.of(), List.of(), List.of(), null, 200_000, Duration.ofHours(24), null,
                DEFAULT_MAX_LINEAGE_LINKS);
    }


    /** A builder starting from {@link #defaults()}: name only what differs, instead of 17 positional arguments. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.knownCidrs = knownCidrs;
        b.ipMemory = ipMemory;
        b.learningDelay = learningDelay;
        b.businessStart = businessStart;
        b.businessEnd = businessEnd;
        b.businessDays = businessDays;
        b.timezone = timezone;
        b.holidays = holidays;
        b.usualHourMinDays = usualHourMinDays;
        b.adminPrincipals = adminPrincipals;
        b.allowlistedPrincipals = allowlistedPrincipals;
        b.allowlistedUserAgents = allowlistedUserAgents;
        b.baselineFile = baselineFile;
        b.maxActors = maxActors;
        b.lineageHorizon = lineageHorizon;
        b.awsIpRangesFile = awsIpRangesFile;
        b.maxLineageLinks = maxLineageLinks;
        return b;
    }

    /** Settings one named value at a time; {@link #build()} validates them as the constructor does. */
    public static final class Builder {
        private List<String> knownCidrs;
        private Duration ipMemory;
        private Duration learningDelay;
        private LocalTime businessStart;
        private LocalTime businessEnd;
        private Set<DayOfWeek> businessDays;
        private ZoneId timezone;
        private Set<LocalDate> holidays;
        private int usualHourMinDays;
        private List<String> adminPrincipals;
        private List<String> allowlistedPrincipals;
        private List<String> allowlistedUserAgents;
        private Path baselineFile;
        private int maxActors;
        private Duration lineageHorizon;
        private Path awsIpRangesFile;
        private int maxLineageLinks;

        private Builder() {
        }

        public Builder knownCidrs(List<String> knownCidrs) {
            this.knownCidrs = knownCidrs;
            return this;
        }

        public Builder ipMemory(Duration ipMemory) {
            this.ipMemory = ipMemory;
            return this;
        }

        public Builder learningDelay(Duration learningDelay) {
            this.learningDelay = learningDelay;
            return this;
        }

        public Builder businessStart(LocalTime businessStart) {
            this.businessStart = businessStart;
            return this;
        }

        public Builder businessEnd(LocalTime businessEnd) {
            this.businessEnd = businessEnd;
            return this;
        }

        public Builder businessDays(Set<DayOfWeek> businessDays) {
            this.businessDays = businessDays;
            return this;
        }

        public Builder timezone(ZoneId timezone) {
            this.timezone = timezone;
            return this;
        }

        public Builder holidays(Set<LocalDate> holidays) {
            this.holidays = holidays;
            return this;
        }

        public Builder usualHourMinDays(int usualHourMinDays) {
            this.usualHourMinDays = usualHourMinDays;
            return this;
        }

        public Builder adminPrincipals(List<String> adminPrincipals) {
            this.adminPrincipals = adminPrincipals;
            return this;
        }

        public Builder allowlistedPrincipals(List<String> allowlistedPrincipals) {
            this.allowlistedPrincipals = allowlistedPrincipals;
            return this;
        }

        public Builder allowlistedUserAgents(List<String> allowlistedUserAgents) {
            this.allowlistedUserAgents = allowlistedUserAgents;
            return this;
        }

        public Builder baselineFile(Path baselineFile) {
            this.baselineFile = baselineFile;
            return this;
        }

        public Builder maxActors(int maxActors) {
            this.maxActors = maxActors;
            return this;
        }

        public Builder lineageHorizon(Duration lineageHorizon) {
            this.lineageHorizon = lineageHorizon;
            return this;
        }

        public Builder maxLineageLinks(int maxLineageLinks) {
            this.maxLineageLinks = maxLineageLinks;
            return this;
        }

        public Builder awsIpRangesFile(Path awsIpRangesFile) {
            this.awsIpRangesFile = awsIpRangesFile;
            return this;
        }

        /** Business hours as start and end. */
        public Builder businessHours(LocalTime start, LocalTime end) {
            this.businessStart = start;
            this.businessEnd = end;
            return this;
        }

        public ContextSettings build() {
            return new ContextSettings(knownCidrs, ipMemory, learningDelay, businessStart, businessEnd, businessDays, timezone,
                    holidays, usualHourMinDays, adminPrincipals, allowlistedPrincipals, allowlistedUserAgents, baselineFile,
                    maxActors, lineageHorizon, awsIpRangesFile, maxLineageLinks);
        }
    }

    /** {@code 08:00-18:00} → start and end. */
    public static LocalTime[] parseHours(String text) {
        String[] parts = text.trim().split("-");
        if (parts.length != 2) {
            throw new IllegalArgumentException("business-hours must look like 08:00-18:00, was '" + text + "'");
        }
        return new LocalTime[] {LocalTime.parse(parts[0].trim()), LocalTime.parse(parts[1].trim())};
    }

    /** {@code MON-FRI} or {@code MON,TUE,SAT} → days. */
    public static Set<DayOfWeek> parseDays(String text) {
        java.util.EnumSet<DayOfWeek> days = java.util.EnumSet.noneOf(DayOfWeek.class);
        for (String part : text.split(",")) {
            String p = part.trim().toUpperCase(java.util.Locale.ROOT);
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-');
            if (dash > 0) {
                DayOfWeek from = day(p.substring(0, dash));
                DayOfWeek to = day(p.substring(dash + 1));
                for (DayOfWeek d = from; ; d = d.plus(1)) {
                    days.add(d);
                    if (d == to) {
                        break;
                    }
                }
            } else {
                days.add(day(p));
            }
        }
        return days;
    }

    private static DayOfWeek day(String abbreviation) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().startsWith(abbreviation) && abbreviation.length() >= 3) {
                return d;
            }
        }
        throw new IllegalArgumentException("'" + abbreviation + "' is not a day (MON, TUE, … SUN)");
    }
}
