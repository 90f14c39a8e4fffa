package io.trailsentry.engine.sigma;

import io.trailsentry.engine.DetectionEngine;
import io.trailsentry.engine.EngineSettings;
import io.trailsentry.engine.EsperEngine;
import io.trailsentry.engine.RuleHit;
import io.trailsentry.engine.TestEvents;
import io.trailsentry.ingest.CloudTrailEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Correlation semantics on event time that the sample files do not spell out: each count condition
 * (a lower bound fires on arrival, an upper bound when the window ends), value_count over several
 * fields, and chains of correlations.
 */
class SigmaCorrelationTest {

    static final Instant T0 = Instant.parse("2024-08-01T10:00:00Z");

    static final String BASE = """
            title: Users listed
            name: users_listed
            logsource: {product: aws, service: cloudtrail}
            detection:
                selection: {eventName: ListUsers}
                condition: selection
            tags: [attack.discovery]
            """;

    static String countRule(String condition) {
        return """
                title: Users listed by a principal
                id: dddddddd-1111-4222-8333-444444444444
                correlation:
                    type: event_count
                    rules: [users_listed]
                    group-by: [userIdentity.principalId]
                    timespan: 10m
                    condition: %s
                level: medium
                ---
                """.formatted(condition) + BASE;
    }

    static List<RuleHit> run(Path dir, String rules, List<CloudTrailEvent> events) throws Exception {
        Files.writeString(dir.resolve("discovery_rule.yml"), rules);
        List<RuleHit> hits = new ArrayList<>();
        var compiled = EsperEngine.compile(dir);
        assertThat(compiled.refused()).isEmpty();
        try (DetectionEngine engine = new DetectionEngine(EngineSettings.defaults(dir), compiled, hits::add)) {
            events.stream().sorted(Comparator.comparingLong(CloudTrailEvent::getEventTimeMillis)).forEach(engine::accept);
            engine.finish();
        }
        return hits;
    }

    static List<CloudTrailEvent> listUsers(String principal, Instant start, int n, int stepSeconds) {
        List<CloudTrailEvent> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(TestEvents.call("ListUsers", start.plusSeconds((long) i * stepSeconds), principal, "203.0.113.1")
                    .eventID(principal + "-" + start.getEpochSecond() + "-" + i).build());
        }
        return out;
    }

    @Test
    void aLowerBoundFiresOnArrivalAtTheBound(@TempDir Path dir) throws Exception {
        List<RuleHit> hits = run(dir, countRule("{gte: 3}"), listUsers("P1", T0, 5, 10));
        assertThat(hits).singleElement().satisfies(h -> {
            assertThat(h.count()).isEqualTo(3);
            assertThat(h.engineTime()).isEqualTo(T0.plusSeconds(20).toEpochMilli());
        });
    }

    @Test
    void equalityIsJudgedWhenTheWindowEnds(@TempDir Path dir) throws Exception {
        List<CloudTrailEvent> events = new ArrayList<>(listUsers("EXACT", T0, 3, 10));
        events.addAll(listUsers("MORE", T0, 4, 10));
        events.addAll(listUsers("FEWER", T0, 2, 10));
        List<RuleHit> hits = run(dir, countRule("{eq: 3}"), events);
        assertThat(hits).singleElement().satisfies(h -> {
            assertThat(h.principalId()).isEqualTo("EXACT");
            assertThat(h.engineTime()).isEqualTo(T0.plusSeconds(600).toEpochMilli());
        });
    }

    @Test
    void fewerThanAndOtherThanAreJudgedWhenTheWindowEnds(@TempDir Path dir) throws Exception {
        List<CloudTrailEvent> events = new ArrayList<>(listUsers("ONE", T0, 1, 10));
        events.addAll(listUsers("THREE", T0, 3, 10));
        assertThat(run(dir, countRule("{lt: 2}"), events)).extracting(RuleHit::principalId).containsExactly("ONE");
        assertThat(run(dir, countRule("{neq: 3}"), events)).extracting(RuleHit::principalId).containsExactly("ONE");
    }

    @Test
    void eachGroupsWindowStartsAtItsFirstMatchWhenJudgedAtTheEnd(@TempDir Path dir) throws Exception {
        // Two calls at 10:00 and two at 10:12: two windows of two, never one of four.
        List<CloudTrailEvent> events = new ArrayList<>(listUsers("P", T0, 2, 10));
        events.addAll(listUsers("P", T0.plusSeconds(720), 2, 10));
        assertThat(run(dir, countRule("{gte: 2, lte: 3}"), events)).hasSize(2);
        assertThat(run(dir, countRule("{gte: 4, lte: 5}"), events)).isEmpty();
    }

    @Test
    void aMatchWithoutTheGroupByFieldBelongsToNoGroup(@TempDir Path dir) throws Exception {
        String rule = countRule("{gte: 3}").replace("group-by: [userIdentity.principalId]", "group-by: [userIdentity.userName]");
        List<CloudTrailEvent> events = new ArrayList<>(listUsers("ROLE", T0, 5, 10));
        assertThat(run(dir, rule, events)).isEmpty();
        events.replaceAll(e -> e.toBuilder().userName("alice").build());
        assertThat(run(dir, rule, events)).hasSize(1);
    }

    @Test
    void valueCountOverSeveralFieldsCountsDistinctCombinations(@TempDir Path dir) throws Exception {
        String rule = """
                title: Calls from many agent and address pairs
                id: eeeeeeee-1111-4222-8333-444444444444
                correlation:
                    type: value_count
                    rules: [users_listed]
                    group-by: [userIdentity.principalId]
                    timespan: 10m
                    condition:
                        field: [sourceIPAddress, userAgent]
                        gte: 3
                level: medium
                ---
                """ + BASE;
        List<CloudTrailEvent> events = new ArrayList<>();
        String[][] pairs = {{"203.0.113.1", "a"}, {"203.0.113.1", "b"}, {"203.0.113.2", "a"}, {"203.0.113.1", "a"}};
        for (int i = 0; i < pairs.length; i++) {
            events.add(TestEvents.call("ListUsers", T0.plusSeconds(i * 10L), "P", pairs[i][0]).userAgent(pairs[i][1]).eventID("pair-" + i).build());
        }
        assertThat(run(dir, rule, events)).singleElement().satisfies(h -> assertThat(h.engineTime()).isEqualTo(T0.plusSeconds(20).toEpochMilli()));
        assertThat(run(dir, rule, events.subList(0, 2))).isEmpty();
    }

    @Test
    void aChainOfThreeCorrelationsCarriesTheEvidenceOfTheFirst(@TempDir Path dir) throws Exception {
        String rules = """
                title: Repeated bursts
                id: ffffffff-1111-4222-8333-444444444444
                correlation:
                    type: event_count
                    rules: [burst]
                    group-by: [userIdentity.principalId]
                    timespan: 1h
                    condition: {gte: 2}
                level: high
                ---
                title: Burst
                name: burst
                correlation:
                    type: event_count
                    rules: [users_listed]
                    group-by: [userIdentity.principalId]
                    timespan: 1m
                    condition: {gte: 3}
                ---
                """ + BASE;
        List<CloudTrailEvent> events = new ArrayList<>(listUsers("P", T0, 3, 5));
        events.addAll(listUsers("P", T0.plusSeconds(1200), 3, 5));
        events.addAll(listUsers("Q", T0, 3, 5));
        List<RuleHit> hits = run(dir, rules, events);
        assertThat(hits).singleElement().satisfies(h -> {
            assertThat(h.principalId()).isEqualTo("P");
            assertThat(h.events()).hasSize(6);
            assertThat(h.engineTime()).isEqualTo(T0.plusSeconds(1210).toEpochMilli());
        });
    }

    @Test
    void temporalOrderedStartsOverAfterItFires(@TempDir Path dir) throws Exception {
        String rules = """
                title: Listed then created
                id: 12121212-1111-4222-8333-444444444444
                correlation:
                    type: temporal_ordered
                    rules: [users_listed, user_created]
                    group-by: [userIdentity.principalId]
                    timespan: 10m
                level: high
                ---
                title: User created
                name: user_created
                logsource: {product: aws, service: cloudtrail}
                detection:
                    selection: {eventName: CreateUser}
                    condition: selection
                tags: [attack.persistence]
                ---
                """ + BASE;
        List<CloudTrailEvent> events = new ArrayList<>(listUsers("P", T0, 1, 1));
        events.add(TestEvents.call("CreateUser", T0.plusSeconds(60), "P", "203.0.113.1").eventID("c1").build());
        events.add(TestEvents.call("CreateUser", T0.plusSeconds(120), "P", "203.0.113.1").eventID("c2").build());
        events.addAll(listUsers("P", T0.plusSeconds(180), 1, 1));
        events.add(TestEvents.call("CreateUser", T0.plusSeconds(240), "P", "203.0.113.1").eventID("c3").build());
        assertThat(run(dir, rules, events)).extracting(RuleHit::engineTime)
                .containsExactly(T0.plusSeconds(60).toEpochMilli(), T0.plusSeconds(240).toEpochMilli());
    }
}
