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
        Path awsIpRangesFile) {

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
                ZoneId.of("UTC"), Set.of(), 3, List.of(), List.of(), List.of(), null, 200_000, Duration.ofHours(24), null);
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
