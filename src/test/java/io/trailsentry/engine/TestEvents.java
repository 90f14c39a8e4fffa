package io.trailsentry.engine;

import io.trailsentry.ingest.CloudTrailEvent;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds normalised events for engine tests without going through JSON. */
public final class TestEvents {

    public static final List<String> SIX_LIST_CALLS = List.of("ListAttachedRolePolicies", "ListRoles",
            "ListGroupsForUser", "ListAttachedUserPolicies", "ListAccessKeys", "ListUsers");

    private TestEvents() {
    }

    public static CloudTrailEvent.Builder call(String eventName, Instant time, String principalId, String ip) {
        return CloudTrailEvent.builder()
                .eventTime(time)
                .eventName(eventName)
                .eventSource("iam.amazonaws.com")
                .awsRegion("us-east-1")
                .sourceIPAddress(ip)
                .userAgent("aws-cli/2.15.28")
                .eventID(principalId + "-" + eventName + "-" + time.toEpochMilli() + "-" + ip)
                .userIdentityType("IAMUser")
                .principalId(principalId)
                .arn("arn:aws:iam::123456789012:user/" + principalId)
                .accountId("123456789012")
                .recipientAccountId("123456789012");
    }

    /** Moves each event by a random amount, keeping every event within {@code bound} of its true position. */
    public static List<CloudTrailEvent> shuffleWithin(List<CloudTrailEvent> sorted, java.time.Duration bound, long seed) {
        java.util.Random random = new java.util.Random(seed);
        record Keyed(double key, CloudTrailEvent event) {
        }
        List<Keyed> keyed = new ArrayList<>();
        for (CloudTrailEvent e : sorted) {
            keyed.add(new Keyed(e.getEventTimeMillis() + random.nextDouble() * bound.toMillis(), e));
        }
        keyed.sort(java.util.Comparator.comparingDouble(Keyed::key));
        return keyed.stream().map(Keyed::event).toList();
    }

    /** {@code n} List* calls by one principal, one every {@code stepSeconds}, cycling the six names. */
    public static List<CloudTrailEvent> burst(String principalId, Instant start, int n, int stepSeconds, String... ips) {
        List<CloudTrailEvent> events = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String ip = ips[i % ips.length];
            events.add(call(SIX_LIST_CALLS.get(i % SIX_LIST_CALLS.size()), start.plusSeconds((long) i * stepSeconds), principalId, ip)
                    .eventID(principalId + "-" + start.toEpochMilli() + "-" + i)
                    .build());
        }
        return events;
    }
}
