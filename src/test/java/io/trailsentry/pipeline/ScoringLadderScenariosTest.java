package io.trailsentry.pipeline;

import io.trailsentry.alert.Alert;
import io.trailsentry.context.RulesAllowlist;
import io.trailsentry.engine.CompiledRules;
import io.trailsentry.engine.ScoringLadder;
import io.trailsentry.engine.Severity;
import io.trailsentry.ingest.CloudTrailEvent;
import io.trailsentry.scoring.ScoreItem;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scorer reads the ladder it is given, nothing else: the same attack chain is Critical on the
 * shipped ladder and High on one that wants five stages for Critical; points come from the file; a
 * ladder swapped in with a reload re-scores the open incident from its next signal, history kept; and
 * the rules folder's allowlist suppresses like the operator's.
 */
class ScoringLadderScenariosTest {

    static final String SHIPPED = read(Path.of("epl", "scoring.yaml"));

    @Test
    void theChainIsCriticalOnTheShippedLadderAndHighOnOneThatWantsFiveStages() throws Exception {
        PipelineFixture shipped = new PipelineFixture();
        shipped.run(ScoringScenariosTest.attackChain());
        Alert before = last(shipped.incidents());
        assertThat(before.rating().severity()).isEqualTo(Severity.Critical);
        assertThat(before.rating().severityReason()).startsWith("4 stages (");

        ScoringLadder fiveStages = ScoringLadder.parse("scoring.yaml", SHIPPED
                .replace("stages: 3", "stages: 5")
                .replace("      tiers: [critical]\n      stages: 2\n", "      tiers: [critical]\n      stages: 5\n")
                .replace("lineage: 10", "lineage: 40")
                .replace("signal: {Informational: 1, Low: 3, Medium: 5, High: 10, Critical: 15}",
                        "signal: {Informational: 0, Low: 0, Medium: 0, High: 0, Critical: 0}"));
        PipelineFixture changed = fixture(with(fiveStages, RulesAllowlist.NONE));
        changed.run(ScoringScenariosTest.attackChain());
        Alert after = last(changed.incidents());
        assertThat(after.incident().incidentId()).isEqualTo(before.incident().incidentId());
        assertThat(after.stages()).isEqualTo(before.stages());
        assertThat(after.rating().severity()).isEqualTo(Severity.High);
        assertThat(after.rating().severityReason()).startsWith("a high-tier stage (");
        assertThat(after.incident().scoreBreakdown()).filteredOn(i -> i.kind().equals("lineage")).extracting(ScoreItem::points).containsExactly(40);
        assertThat(after.incident().scoreBreakdown()).filteredOn(i -> i.kind().equals("signal")).extracting(ScoreItem::points).containsOnly(0);
    }

    @Test
    void aLadderSwappedInMidIncidentRescoresItFromTheNextSignalWithItsHistoryKept() throws Exception {
        List<CloudTrailEvent> chain = ScoringScenariosTest.attackChain();
        // The burst and CreateUser (discovery, persistence), then the reload, then the rest of the chain.
        int reloadAt = chain.indexOf(chain.stream().filter(e -> e.getEventName().equals("AttachUserPolicy")).findFirst().orElseThrow());
        ScoringLadder everythingLow = ScoringLadder.parse("scoring.yaml", """
                suspicious-contexts: [unknown_ip, off_hours, non_admin]
                signal:
                  allowlisted: {severity: Informational}
                  nothing-suspicious: {levels: -1, floor: Informational}
                incident:
                  ladder:
                    - {severity: Medium, stages: 6, reason: "{count} stages"}
                    - {severity: Low, reason: "only {stages}"}
                  allowlisted: {levels: -2, floor: Informational}
                  nothing-suspicious: {levels: -1, floor: Low, unless-only-tiers: [low]}
                points:
                  signal: {Informational: 1, Low: 3, Medium: 5, High: 10, Critical: 15}
                  context: {}
                  lineage: 10
                """);
        PipelineFixture fixture = new PipelineFixture();
        chain.subList(0, reloadAt).forEach(fixture.pipeline::accept);
        fixture.pipeline.flush();
        Alert beforeReload = last(fixture.incidents());
        assertThat(beforeReload.rating().severity()).isEqualTo(Severity.High);

        assertThat(fixture.pipeline.reloadRules(with(everythingLow, RulesAllowlist.NONE)).ok()).isTrue();
        assertThat(fixture.pipeline.ladder()).isSameAs(everythingLow);
        fixture.run(chain.subList(reloadAt, chain.size()));

        Alert afterReload = last(fixture.incidents());
        assertThat(afterReload.incident().incidentId()).as("the same incident, kept open").isEqualTo(beforeReload.incident().incidentId());
        assertThat(afterReload.stages()).as("its stages from before the reload are kept").containsAll(beforeReload.stages());
        assertThat(afterReload.incident().signals().size()).isGreaterThan(beforeReload.incident().signals().size());
        assertThat(afterReload.rating().severity()).as("re-scored on the new ladder").isEqualTo(Severity.Low);
        assertThat(afterReload.incident().scoreBreakdown()).filteredOn(i -> i.kind().equals("context"))
                .as("the new ladder gives contexts no points").isNotEmpty().extracting(ScoreItem::points).containsOnly(0);
    }

    @Test
    void theRulesFolderAllowlistSuppressesLikeTheOperatorsAndFollowsAReload() throws Exception {
        PipelineFixture fixture = fixture(with(ScoringLadder.bundled(),
                new RulesAllowlist(List.of("arn:aws:iam::*:user/mallory"), List.of())));
        fixture.run(ScoringScenariosTest.attackChain());
        List<Alert> mallory = fixture.signals().stream()
                .filter(a -> "arn:aws:iam::111122223333:user/mallory".equals(a.actor().principalArn())).toList();
        assertThat(mallory).isNotEmpty().allMatch(a -> a.rating().suppressed() && a.rating().severity() == Severity.Informational);
        assertThat(fixture.incidents()).isNotEmpty();
    }

    private static PipelineFixture fixture(CompiledRules rules) throws Exception {
        return new PipelineFixture(PipelineFixture.defaultContext(), rules);
    }

    static CompiledRules with(ScoringLadder ladder, RulesAllowlist allowlist) throws Exception {
        CompiledRules shipped = PipelineFixture.rules();
        return new CompiledRules(shipped.rulesDir(), shipped.files(), shipped.stages(), ladder, allowlist, shipped.refused());
    }

    private static Alert last(List<Alert> alerts) {
        assertThat(alerts).isNotEmpty();
        return alerts.get(alerts.size() - 1);
    }

    private static String read(Path path) {
        try {
            return Files.readString(path);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
