package io.trailsentry.bench.peers;

import io.trailsentry.context.Baselines;
import io.trailsentry.context.ContextEnricher;
import io.trailsentry.context.ContextSettings;
import io.trailsentry.ingest.CloudTrailEvent;
import io.trailsentry.ingest.CloudTrailReader;
import io.trailsentry.ingest.ReadSummary;
import io.trailsentry.sample.EnumerationBurst;
import io.trailsentry.sample.LowAndSlow;
import io.trailsentry.sample.PrivilegeEscalationChain;
import io.trailsentry.sample.Payloads;
import io.trailsentry.sample.SampleGenerator;
import io.trailsentry.sample.SampleSpec;
import io.trailsentry.sample.Scenario;
import io.trailsentry.sample.StraddlingBurst;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The input every implementation gets: CloudTrail from the sample generator, parsed and context-enriched
 * once (stages, actor key, service call), without repeated eventIDs, in (eventTime, eventID) order —
 * the order TrailSentry's reorder buffer releases events in.
 *
 * @param events     the prepared events
 * @param bytes      size of the raw input
 * @param rejected   records the parser set aside (none expected from the generator)
 * @param duplicates repeated eventIDs dropped
 */
record PreparedStream(List<CloudTrailEvent> events, long bytes, long rejected, long duplicates) {

    static final Instant START = Instant.parse("2026-01-20T08:00:00Z");
    private static final Duration SCENARIO_EVERY = Duration.ofMinutes(5);
    /** (eventTime, eventID): the order the reorder buffer releases events in, so every implementation sees the same sequence. */
    private static final Comparator<CloudTrailEvent> EVENT_ORDER = Comparator.comparingLong(CloudTrailEvent::getEventTimeMillis)
            .thenComparing(CloudTrailEvent::getEventID, Comparator.nullsFirst(Comparator.naturalOrder()));

    /**
     * Background traffic of {@code backgroundEvents} records at about {@code eventsPerSecond} from
     * {@code principals} principals, with an attack every five minutes of it, cycling through an
     * enumeration burst, the privilege-escalation chain, a low-and-slow discovery then
     * AttachRolePolicy, and a burst straddling a bin boundary — each by its own actor — so both rules
     * fire throughout the stream, not once.
     */
    static SampleSpec spec(long seed, long backgroundEvents, double eventsPerSecond, int principals) {
        SampleSpec background = SampleSpec.sizedFor(seed, START, backgroundEvents, eventsPerSecond, principals, List.of());
        List<Scenario> scenarios = new ArrayList<>();
        int k = 0;
        for (Instant at = START.plus(Duration.ofMinutes(2)); at.isBefore(background.end()); at = at.plus(SCENARIO_EVERY), k++) {
            String ip = "203.0.113." + (10 + k % 200);
            scenarios.add(switch (k % 4) {
                case 0 -> new EnumerationBurst("peers-burst-" + k, at, ip);
                case 1 -> new PrivilegeEscalationChain("peers-chain-" + k, at, ip, "peers-created-" + k);
                case 2 -> new LowAndSlow("peers-slow-" + k, at, ip);
                default -> new StraddlingBurst("peers-straddle-" + k, nextBinEdge(at), ip);
            });
        }
        return background.withScenarios(scenarios);
    }

    private static Instant nextBinEdge(Instant t) {
        long bin = RuleSemantics.BIN_MILLIS;
        return Instant.ofEpochMilli((t.toEpochMilli() / bin + 1) * bin);
    }

    /** The spec's records as JSON lines, 1,000 records a chunk (one S3 delivery file's worth), in memory. */
    static List<byte[]> rawChunks(SampleSpec spec) {
        return Payloads.newlineDelimited(new SampleGenerator(spec).recordBytes(), Payloads.DELIVERY_FILE_RECORDS);
    }

    /**
     * Parses and prepares raw chunks, with {@code extra} events (hand-made edge cases) merged in.
     *
     * @param privilegeEvery when positive, one in this many calls by a principal acting for itself is
     *                       followed a second later by a privilege or persistence call from the same
     *                       identity (the role and key changes IaC pipelines make). The generator's
     *                       background has none, so without them the sequence rule's lookups would only
     *                       run for the few injected attacks.
     */
    static PreparedStream parse(List<byte[]> chunks, Path stagesFile, Collection<CloudTrailEvent> extra, int privilegeEvery) {
        List<CloudTrailEvent> parsed = new ArrayList<>();
        CloudTrailReader reader = new CloudTrailReader();
        long rejected = 0;
        long bytes = 0;
        for (byte[] chunk : chunks) {
            ReadSummary summary = reader.read(chunk, "peers-bench", parsed::add, d -> { });
            rejected += summary.rejected();
            bytes += chunk.length;
        }
        if (privilegeEvery > 0) {
            parsed.addAll(privilegeCalls(parsed, privilegeEvery));
        }
        parsed.addAll(extra);
        parsed.sort(EVENT_ORDER);

        // Context in event-time order, as the pipeline computes it; the learned parts (unknown IP,
        // off-hours) are not used by these two rules, only stages, actor and service call.
        ContextEnricher enricher = new ContextEnricher(ContextSettings.defaults(), new Baselines(1_000_000));
        Set<String> seen = new HashSet<>();
        List<CloudTrailEvent> events = new ArrayList<>(parsed.size());
        long duplicates = 0;
        for (CloudTrailEvent e : parsed) {
            if (e.getEventID() != null && !seen.add(e.getEventID())) {
                duplicates++;
                continue;
            }
            events.add(enricher.apply(e));
        }
        return new PreparedStream(List.copyOf(events), bytes, rejected, duplicates);
    }

    /**
     * The same events {@code weeks} weeks later, as a later round of one long run: times moved, eventIDs
     * given a {@code #w<weeks>} suffix so each week's alerts have keys of their own, context kept.
     * Same weekday and time of day, so nothing else about them changes.
     */
    static List<CloudTrailEvent> shifted(List<CloudTrailEvent> events, int weeks) {
        Duration by = Duration.ofDays(7L * weeks);
        List<CloudTrailEvent> copy = new ArrayList<>(events.size());
        for (CloudTrailEvent e : events) {
            copy.add(e.toBuilder()
                    .eventTime(e.getEventTime().plus(by))
                    .eventID(e.getEventID() == null ? null : e.getEventID() + "#w" + weeks)
                    .build());
        }
        copy.sort(EVENT_ORDER); // a suffix can change how two ids of one millisecond compare
        return copy;
    }

    private static final List<String> PRIVILEGE_CALLS = List.of("AttachRolePolicy", "PassRole", "CreateAccessKey", "PutRolePolicy");

    private static List<CloudTrailEvent> privilegeCalls(List<CloudTrailEvent> parsed, int every) {
        List<CloudTrailEvent> calls = new ArrayList<>();
        int own = 0;
        for (CloudTrailEvent e : parsed) {
            boolean actsForItself = e.getInvokedBy() == null
                    && ("IAMUser".equals(e.getUserIdentityType()) || "AssumedRole".equals(e.getUserIdentityType()));
            if (actsForItself && e.getEventID() != null && ++own % every == 0) {
                calls.add(e.toBuilder()
                        .eventTime(e.getEventTime().plusSeconds(1))
                        .eventName(PRIVILEGE_CALLS.get(calls.size() % PRIVILEGE_CALLS.size()))
                        .eventSource("iam.amazonaws.com").eventID(e.getEventID() + "-iac").readOnly(false)
                        .errorCode(null).errorMessage(null).requestParameters(null).responseElements(null)
                        .build());
            }
        }
        return calls;
    }
}
