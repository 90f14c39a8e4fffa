package io.trailsentry.bench.peers;

import io.trailsentry.ingest.CloudTrailEvent;
import io.trailsentry.sample.SampleOrg;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TrailSentry, Siddhi and the plain-Java baseline give exactly the same alerts for the two
 * benchmarked rules: on a generated stream with attacks throughout, and on hand-made edge cases
 * whose answer is known (window and bin boundaries to the millisecond, an older discovery call
 * expiring under a newer one, same-millisecond order, service calls). No timing is asserted here; {@code bench --peers} measures.
 */
class PeersAgreementTest {

    private static final Path RULES = Path.of("epl");
    private static final String ACCOUNT = SampleOrg.ACCOUNT_ID;
    private static List<PeerEngine> engines;

    @BeforeAll
    static void engines() throws Exception {
        TrailSentryEnginePath trailSentry = TrailSentryEnginePath.compile(RULES);
        List<PeerEngine> all = new ArrayList<>(List.of(trailSentry, trailSentry.esperAlone()));
        all.addAll(SiddhiPeer.both());
        all.add(new PlainJavaBaseline());
        engines = List.copyOf(all);
    }

    @Test
    void allImplementationsAgreeOnAGeneratedStreamAndBothRulesFire() throws Exception {
        // ~24 minutes of event time at 14 events/s from 200 principals: three bins, windows that
        // expire, an attack every five minutes (bursts, the escalation chain, low-and-slow, a burst
        // straddling a bin edge), and a privilege call after one in 200 calls.
        PreparedStream stream = PreparedStream.parse(PreparedStream.rawChunks(PreparedStream.spec(7L, 20_000, 14, 200)),
                RULES.resolve("stages.yaml"), List.of(), 200);
        assertThat(stream.rejected()).isZero();

        List<AlertKey> reference = EngineRun.measure(engines.get(0), stream.events(), false).alerts();
        assertThat(reference).extracting(AlertKey::rule)
                .contains(RuleSemantics.ENUMERATION_RULE, RuleSemantics.SEQUENCE_RULE);
        for (PeerEngine engine : engines.subList(1, engines.size())) {
            Agreement agreement = Agreement.of(reference, EngineRun.measure(engine, stream.events(), false).alerts());
            assertThat(agreement.agrees()).as(engine.name() + ": " + agreement + " missing " + agreement.missing()
                    + " extra " + agreement.extra()).isTrue();
        }
    }

    /** The cut-down rules of {@code bench --peers --rules src/test/resources/peers/keys-only} give the production rules' answer. */
    @Test
    void theKeysOnlyRulesAgreeWithTheProductionRules() throws Exception {
        PreparedStream stream = PreparedStream.parse(PreparedStream.rawChunks(PreparedStream.spec(8L, 20_000, 14, 200)),
                RULES.resolve("stages.yaml"), List.of(), 200);
        List<AlertKey> production = EngineRun.measure(engines.get(0), stream.events(), false).alerts();
        TrailSentryEnginePath keysOnly = TrailSentryEnginePath.compile(Path.of("src/test/resources/peers/keys-only"));
        Agreement agreement = Agreement.of(production, EngineRun.measure(keysOnly, stream.events(), false).alerts());
        assertThat(production).isNotEmpty();
        assertThat(agreement.agrees()).as(agreement + " missing " + agreement.missing() + " extra " + agreement.extra()).isTrue();
    }

    @Test
    void edgeCasesGiveTheKnownAnswerOnEveryImplementation() throws Exception {
        Instant t = Instant.parse("2026-01-21T10:00:00Z");
        List<CloudTrailEvent> events = new ArrayList<>();
        // Sequence: a discovery call exactly 15 minutes earlier has left the window; 1 ms less has not.
        events.add(call("edge-expired", "ListUsers", t, "expired-list"));
        events.add(call("edge-expired", "AttachUserPolicy", t.plus(Duration.ofMinutes(15)), "expired-attach"));
        events.add(call("edge-inside", "ListUsers", t, "inside-list"));
        events.add(call("edge-inside", "AttachUserPolicy", t.plus(Duration.ofMinutes(15)).minusMillis(1), "inside-attach"));
        // The older of two discovery calls leaving the window does not take the newer one with it.
        events.add(call("edge-renewed", "ListUsers", t, "renewed-list-1"));
        events.add(call("edge-renewed", "ListRoles", t.plus(Duration.ofMinutes(10)), "renewed-list-2"));
        events.add(call("edge-renewed", "PutRolePolicy", t.plus(Duration.ofMinutes(16)), "renewed-put"));
        // Same millisecond: (eventTime, eventID) order decides; a call before the discovery has none.
        Instant same = t.plus(Duration.ofMinutes(20));
        events.add(call("edge-same-ms", "CreateUser", same, "same-1-create"));
        events.add(call("edge-same-ms", "ListRoles", same, "same-2-list"));
        events.add(call("edge-same-ms", "CreateAccessKey", same, "same-3-key"));
        // A call AWS made on its own (an AWSService identity) is not the principal's.
        events.add(call("edge-service", "ListRoles", same, "service-list"));
        events.add(call("edge-service", "AttachRolePolicy", same.plusSeconds(60), "service-attach").toBuilder()
                .userIdentityType("AWSService").invokedBy("cloudformation.amazonaws.com").build());

        // Bins: 51 calls fire; 50 plus one on the next bin's first millisecond do not; 50 plus one
        // on the bin's last millisecond do; other IAM calls do not count.
        Instant bin = Instant.parse("2026-01-21T11:00:00Z");
        events.addAll(listCalls("edge-burst", bin.plusSeconds(5), 51));
        events.addAll(listCalls("edge-edge", bin.plusSeconds(5), 50));
        events.add(call("edge-edge", "ListUsers", bin.plus(Duration.ofMinutes(10)), "edge-edge-next"));
        events.addAll(listCalls("edge-last-ms", bin.plusSeconds(5), 50));
        events.add(call("edge-last-ms", "ListUsers", bin.plus(Duration.ofMinutes(10)).minusMillis(1), "edge-last-ms-last"));
        for (int i = 0; i < 60; i++) {
            events.add(call("edge-other-calls", "GetUser", bin.plusSeconds(5 + i), "other-" + i));
        }
        List<CloudTrailEvent> prepared = PreparedStream.parse(List.of(), RULES.resolve("stages.yaml"), events, 0).events();

        Set<AlertKey> expected = Set.of(
                AlertKey.privilegeAfterDiscovery(arn("edge-inside"), "inside-attach"),
                AlertKey.privilegeAfterDiscovery(arn("edge-renewed"), "renewed-put"),
                AlertKey.privilegeAfterDiscovery(arn("edge-same-ms"), "same-3-key"),
                AlertKey.enumerationBin("AIDA-edge-burst", arn("edge-burst"), ACCOUNT, bin.toEpochMilli(), 51),
                AlertKey.enumerationBin("AIDA-edge-last-ms", arn("edge-last-ms"), ACCOUNT, bin.toEpochMilli(), 51));
        for (PeerEngine engine : engines) {
            List<AlertKey> alerts = EngineRun.measure(engine, prepared, false).alerts();
            assertThat(new TreeSet<>(alerts)).as(engine.name()).containsExactlyElementsOf(new TreeSet<>(expected));
            assertThat(alerts).as(engine.name() + " fires each once").hasSameSizeAs(expected);
        }
    }

    private static String arn(String user) {
        return "arn:aws:iam::" + ACCOUNT + ":user/" + user;
    }

    private static CloudTrailEvent call(String user, String eventName, Instant time, String eventId) {
        return CloudTrailEvent.builder()
                .eventTime(time).eventName(eventName).eventSource("iam.amazonaws.com").awsRegion("us-east-1")
                .sourceIPAddress("203.0.113.7").userAgent("aws-cli/2.15.28").eventID(eventId)
                .userIdentityType("IAMUser").principalId("AIDA-" + user).arn(arn(user)).accountId(ACCOUNT)
                .userName(user).recipientAccountId(ACCOUNT).build();
    }

    private static List<CloudTrailEvent> listCalls(String user, Instant start, int n) {
        List<CloudTrailEvent> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = SampleOrg.SENTINEL_ENUMERATION_EVENTS.get(i % SampleOrg.SENTINEL_ENUMERATION_EVENTS.size());
            calls.add(call(user, name, start.plusSeconds(10L * i), user + "-" + i));
        }
        return calls;
    }
}
