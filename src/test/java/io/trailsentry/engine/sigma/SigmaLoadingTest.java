package io.trailsentry.engine.sigma;

import io.trailsentry.engine.CompiledRules;
import io.trailsentry.engine.EsperEngine;
import io.trailsentry.engine.RuleHit;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.engine.RuleMetadata;
import io.trailsentry.ingest.CloudTrailEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Sigma files in the rules folder load beside the EPL rules, reload and swap like them, and a
 * refused Sigma rule is reported on its own while the rest of the set runs.
 */
class SigmaLoadingTest {

    static final String LOGGING_TAMPERING = "defense_evasion_cloudtrail_stopped_or_deleted.epl";

    static final String ROOT_RULE = """
            title: Root account used
            id: aaaaaaaa-1111-4222-8333-444444444444
            logsource: {product: aws, service: cloudtrail}
            detection:
                selection:
                    userIdentity.type: Root
                condition: selection
            tags: [attack.privilege-escalation, attack.t1078.004]
            level: high
            """;

    static final String KEYWORDS_RULE = """
            title: Keyword search
            id: bbbbbbbb-1111-4222-8333-444444444444
            logsource: {product: aws, service: cloudtrail}
            detection:
                keywords:
                    - mimikatz
                condition: keywords
            tags: [attack.credential-access]
            level: high
            """;

    static Path folder(Path dir) throws Exception {
        Files.copy(Path.of("epl", LOGGING_TAMPERING), dir.resolve(LOGGING_TAMPERING));
        Files.copy(Path.of("epl", "stages.yaml"), dir.resolve("stages.yaml"));
        Files.writeString(dir.resolve("privilege_escalation_root_used.yml"), ROOT_RULE);
        Files.writeString(dir.resolve("privilege_escalation_root_used.tests.yaml"), "rule: aaaaaaaa-1111-4222-8333-444444444444\ncases: []\n");
        return dir;
    }

    static CloudTrailEvent call(String name, String identityType, Instant at) {
        return CloudTrailEvent.builder().eventTime(at).eventName(name).eventSource("s3.amazonaws.com").eventID(name + at)
                .userIdentityType(identityType).principalId("P").arn("arn:aws:iam::111122223333:root").accountId("111122223333").build();
    }

    @Test
    void sigmaRulesLoadBesideEplRulesAndDataFilesAreNotTakenForSigma(@TempDir Path dir) throws Exception {
        CompiledRules rules = EsperEngine.compile(folder(dir));
        assertThat(rules.refused()).isEmpty();
        assertThat(rules.files()).extracting(CompiledRules.CompiledFile::relativePath)
                .containsExactly(LOGGING_TAMPERING, "privilege_escalation_root_used.yml");
        List<RuleHit> hits = new ArrayList<>();
        try (EsperEngine engine = new EsperEngine(hits::add)) {
            engine.deploy(rules, Map.of());
            assertThat(engine.rules()).extracting(RuleMetadata::id).contains("aaaaaaaa-1111-4222-8333-444444444444");
            engine.send(call("ListBuckets", "Root", Instant.parse("2024-08-01T10:00:00Z")));
            engine.send(call("ListBuckets", "IAMUser", Instant.parse("2024-08-01T10:00:01Z")));
        }
        assertThat(hits).extracting(h -> h.rule().id()).containsExactly("aaaaaaaa-1111-4222-8333-444444444444");
    }

    @Test
    void aRefusedSigmaRuleIsReportedAndTheOthersDeploy(@TempDir Path dir) throws Exception {
        Files.writeString(folder(dir).resolve("credential_access_keywords.yml"), KEYWORDS_RULE);
        CompiledRules rules = EsperEngine.compile(dir);
        assertThat(rules.refused()).singleElement().satisfies(e -> {
            assertThat(e.file()).isEqualTo("credential_access_keywords.yml");
            assertThat(e.line()).isEqualTo(5);
            assertThat(e.describe()).startsWith("credential_access_keywords.yml:5:5: keywords: ");
        });
        try (EsperEngine engine = new EsperEngine(h -> { })) {
            engine.deploy(rules, Map.of());
            assertThat(engine.rules()).extracting(RuleMetadata::file).contains(LOGGING_TAMPERING, "privilege_escalation_root_used.yml");
        }
    }

    @Test
    void aBrokenEplFileStillRefusesTheWholeSet(@TempDir Path dir) throws Exception {
        Files.writeString(folder(dir).resolve("broken.epl"), "select * from NoSuchType;");
        assertThatThrownBy(() -> EsperEngine.compile(dir)).isInstanceOf(RuleLoadException.class).hasMessageContaining("broken.epl");
    }

    @Test
    void editingASigmaRuleSwapsOnlyItsFileAndABrokenEditKeepsTheRunningVersion(@TempDir Path dir) throws Exception {
        Path rules = folder(dir);
        Path sigma = rules.resolve("privilege_escalation_root_used.yml");
        List<RuleHit> hits = new ArrayList<>();
        try (EsperEngine engine = new EsperEngine(hits::add)) {
            engine.deploy(EsperEngine.compile(rules), Map.of());

            Files.writeString(sigma, ROOT_RULE.replace("userIdentity.type: Root", "userIdentity.type: AssumedRole"));
            EsperEngine.SwapResult swap = engine.swap(EsperEngine.compile(rules), Map.of());
            assertThat(swap.redeployed()).containsExactly("privilege_escalation_root_used.yml");
            engine.send(call("ListBuckets", "AssumedRole", Instant.parse("2024-08-01T10:00:00Z")));
            assertThat(hits).hasSize(1);

            // Broken: refused, reported, and the edited version keeps running.
            Files.writeString(sigma, ROOT_RULE.replace("userIdentity.type: Root", "userIdentity.type|windash: Root"));
            CompiledRules broken = EsperEngine.compile(rules);
            assertThat(broken.refused()).singleElement().satisfies(e -> assertThat(e.message()).startsWith("|windash: "));
            swap = engine.swap(broken, Map.of());
            assertThat(swap.changedAnything()).isFalse();
            engine.send(call("ListBuckets", "AssumedRole", Instant.parse("2024-08-01T10:00:01Z")));
            assertThat(hits).hasSize(2);

            Files.delete(sigma);
            swap = engine.swap(EsperEngine.compile(rules), Map.of());
            assertThat(swap.removed()).containsExactly("privilege_escalation_root_used.yml");
            assertThat(engine.rules()).extracting(RuleMetadata::file).containsOnly(LOGGING_TAMPERING);
        }
    }

    @Test
    void aCorrelationIsRedeployedWhenARuleItCountsChangesInAnotherFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("base.yml"), """
                title: Bucket listed
                name: bucket_listed
                logsource: {product: aws, service: cloudtrail}
                detection:
                    selection: {eventName: ListBuckets}
                    condition: selection
                tags: [attack.discovery]
                """);
        Files.writeString(dir.resolve("discovery_bucket_listing.yml"), """
                title: Buckets listed twice
                id: cccccccc-1111-4222-8333-444444444444
                correlation:
                    type: event_count
                    rules: [bucket_listed]
                    group-by: [userIdentity.arn]
                    timespan: 1h
                    condition: {gte: 2}
                level: medium
                """);
        List<RuleHit> hits = new ArrayList<>();
        try (EsperEngine engine = new EsperEngine(hits::add)) {
            CompiledRules first = EsperEngine.compile(dir);
            assertThat(first.files()).extracting(CompiledRules.CompiledFile::relativePath).containsExactly("discovery_bucket_listing.yml");
            engine.deploy(first, Map.of());
            Files.writeString(dir.resolve("base.yml"), Files.readString(dir.resolve("base.yml")).replace("ListBuckets", "ListObjects"));
            assertThat(engine.swap(EsperEngine.compile(dir), Map.of()).redeployed()).containsExactly("discovery_bucket_listing.yml");
            engine.send(call("ListObjects", "IAMUser", Instant.parse("2024-08-01T10:00:00Z")));
            engine.send(call("ListObjects", "IAMUser", Instant.parse("2024-08-01T10:00:01Z")));
        }
        assertThat(hits).extracting(RuleHit::count).containsExactly(2L);
    }
}
