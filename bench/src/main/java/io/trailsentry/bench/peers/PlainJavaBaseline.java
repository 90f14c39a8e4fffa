package io.trailsentry.bench.peers;

import io.trailsentry.ingest.CloudTrailEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The two rules written by hand, the obvious efficient way, for events already in event-time order:
 * a count per group for the open bin (bins close when time enters the next one), and each actor's
 * latest discovery time (a discovery call in the last 15 minutes exists exactly when the latest one
 * is that recent). Entries older than the follow-up window are dropped once a minute of event time,
 * so memory is bounded as the engines' windows are. No reordering, no dedup, no evidence kept:
 * the floor an engine's overhead is measured against.
 */
final class PlainJavaBaseline implements PeerEngine {

    private static final long PURGE_EVERY_MILLIS = 60_000L;

    @Override
    public String name() {
        return "plain Java baseline";
    }

    @Override
    public String description() {
        return "hand-written: HashMap of counts for the open bin, HashMap of each actor's latest discovery time";
    }

    @Override
    public Session open() {
        return new BaselineSession();
    }

    private record Group(String principalId, String arn, String accountId) {
    }

    private static final class BaselineSession implements Session {
        private final List<AlertKey> alerts = new ArrayList<>();
        private final Map<Group, int[]> binCounts = new HashMap<>();
        private final Map<String, Long> latestDiscovery = new HashMap<>();
        private long openBin = Long.MIN_VALUE;
        private long lastTime = Long.MIN_VALUE;
        private long nextPurge = Long.MIN_VALUE;

        @Override
        public void accept(CloudTrailEvent e) {
            long time = e.getEventTimeMillis();
            if (time < lastTime) {
                throw new IllegalArgumentException("the baseline takes events in event-time order; " + e.getEventID()
                        + " at " + e.getEventTime() + " comes after " + lastTime);
            }
            lastTime = time;
            long bin = RuleSemantics.binStart(time);
            if (bin != openBin) {
                closeBin();
                openBin = bin;
            }
            if (RuleSemantics.ENUMERATION_EVENTS.contains(e.getEventName())) {
                binCounts.computeIfAbsent(new Group(e.getPrincipalId(), e.getArn(), e.getAccountId()), g -> new int[1])[0]++;
            }
            String actor = e.getActorKey();
            if (!e.isServiceCall() && actor != null) {
                // Checked before this call's own discovery is recorded: a call is never its own precursor.
                if (e.isInPrivilegeEscalation() || e.isInPersistence()) {
                    Long latest = latestDiscovery.get(actor);
                    if (latest != null && time - latest < RuleSemantics.FOLLOW_UP_MILLIS) {
                        alerts.add(AlertKey.privilegeAfterDiscovery(actor, e.getEventID()));
                    }
                }
                if (e.isInDiscovery()) {
                    latestDiscovery.put(actor, time);
                }
            }
            if (time >= nextPurge) {
                latestDiscovery.values().removeIf(t -> time - t >= RuleSemantics.FOLLOW_UP_MILLIS);
                nextPurge = time + PURGE_EVERY_MILLIS;
            }
        }

        private void closeBin() {
            for (Map.Entry<Group, int[]> entry : binCounts.entrySet()) {
                int count = entry.getValue()[0];
                if (count > RuleSemantics.ENUMERATION_THRESHOLD) {
                    Group g = entry.getKey();
                    alerts.add(AlertKey.enumerationBin(g.principalId(), g.arn(), g.accountId(), openBin, count));
                }
            }
            binCounts.clear();
        }

        @Override
        public void finish() {
            closeBin();
            latestDiscovery.clear();
        }

        @Override
        public List<AlertKey> alerts() {
            return alerts;
        }

        @Override
        public void close() {
        }
    }
}
