package io.trailsentry.alert.ocsf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailsentry.alert.Alert;
import io.trailsentry.alert.SampleAlerts;
import io.trailsentry.engine.Severity;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Alerts as OCSF 1.1 Detection Findings, on the real alerts of the bundled sample (signals and the
 * escalating incidents): every required attribute present with its type, nothing the class does not
 * define, and the alert fields where a SOC looks for them.
 */
class OcsfDetectionFindingTest {

    static final String COMPAT = "cfaaf0bc-16d1-48df-ac8b-9d901bbd516a";
    final OcsfFindingMapper mapper = new OcsfFindingMapper("1.2.3-test");

    @Test
    void everySignalAndIncidentAlertOfTheSampleIsAValidDetectionFinding() throws Exception {
        List<Alert> alerts = SampleAlerts.all();
        assertThat(SampleAlerts.signals()).isNotEmpty();
        assertThat(SampleAlerts.incidents()).isNotEmpty();

        for (Alert alert : alerts) {
            JsonNode finding = json(alert);
            assertThat(Ocsf11Schema.violations(finding)).as("alert %s (%s)", alert.alertId(), alert.rule().ruleName()).isEmpty();
            assertThat(finding.get("class_uid").asInt()).isEqualTo(2004);
            assertThat(finding.get("category_uid").asInt()).isEqualTo(2);
            assertThat(finding.get("activity_id").asInt()).isIn(1, 2);
            assertThat(finding.get("type_uid").asLong()).isEqualTo(2004L * 100 + finding.get("activity_id").asInt());
            assertThat(finding.get("severity_id").asInt()).isEqualTo(alert.rating().severity().ordinal() + 1);
            assertThat(finding.get("severity").asText()).isEqualTo(alert.rating().severity().name());
            assertThat(finding.get("time").asLong()).isEqualTo(alert.window().detectedAt().toEpochMilli());
            assertThat(finding.at("/metadata/version").asText()).isEqualTo("1.1.0");
            assertThat(finding.at("/metadata/uid").asText()).isEqualTo(alert.alertId());
            assertThat(finding.at("/metadata/product/name").asText()).isEqualTo("TrailSentry");
            assertThat(finding.at("/metadata/product/version").asText()).isEqualTo("1.2.3-test");
            assertThat(finding.at("/metadata/profiles/0").asText()).isEqualTo("cloud");
            assertThat(finding.at("/cloud/provider").asText()).isEqualTo("AWS");
            assertThat(finding.get("risk_score").asInt()).isEqualTo(alert.score());
            assertThat(finding.at("/finding_info/analytic/uid").asText()).isEqualTo(alert.rule().ruleId());
            assertThat(finding.at("/finding_info/analytic/type_id").asInt()).isEqualTo(1);
            assertThat(finding.has("attacks")).as("attacks of %s", alert.rule().ruleName()).isTrue();
        }
    }

    @Test
    void aSignalCarriesItsActorAttackSourceAndEvidence() throws Exception {
        Alert alert = SampleAlerts.signals().stream()
                .filter(a -> a.rule().ruleId().equals(COMPAT) && "203.0.113.42".equals(a.evidence().sourceIp())).findFirst().orElseThrow();
        JsonNode f = json(alert);

        assertThat(f.get("activity_id").asInt()).isEqualTo(1);
        assertThat(f.at("/finding_info/uid").asText()).isEqualTo(alert.alertId());
        assertThat(f.at("/finding_info/title").asText()).isEqualTo(alert.displayName());
        assertThat(f.at("/finding_info/desc").asText()).isEqualTo(alert.description());
        assertThat(f.at("/finding_info/types/0").asText()).isEqualTo("discovery");
        assertThat(f.at("/finding_info/first_seen_time").asLong()).isEqualTo(alert.window().windowStart().toEpochMilli());
        assertThat(f.at("/finding_info/last_seen_time").asLong()).isEqualTo(alert.window().windowEnd().toEpochMilli());
        assertThat(f.at("/finding_info/analytic/name").asText()).isEqualTo("AWSCloudTrail - User IAM Enumeration");
        assertThat(f.at("/finding_info/analytic/version").asText()).isEqualTo(alert.rule().ruleVersion());
        assertThat(f.at("/metadata/correlation_uid").asText()).isEqualTo(alert.incident().incidentId()).isNotEmpty();
        assertThat(f.get("count").asLong()).isEqualTo(alert.window().count());

        assertThat(f.at("/attacks/0/tactic/uid").asText()).isEqualTo("TA0007");
        assertThat(f.at("/attacks/0/tactic/name").asText()).isEqualTo("Discovery");
        assertThat(f.at("/attacks/0/technique/uid").asText()).isEqualTo("T1580");
        assertThat(f.at("/finding_info/attacks")).isEqualTo(f.get("attacks"));

        assertThat(f.at("/actor/user/name").asText()).isEqualTo("build-bot");
        assertThat(f.at("/actor/user/uid").asText()).isEqualTo(alert.actor().principalId());
        assertThat(f.at("/actor/user/uid_alt").asText()).isEqualTo("arn:aws:iam::123456789012:user/build-bot");
        assertThat(f.at("/actor/user/type").asText()).isEqualTo("IAMUser");
        assertThat(f.at("/actor/user/type_id").asInt()).isEqualTo(1);
        assertThat(f.at("/actor/user/account/uid").asText()).isEqualTo("123456789012");
        assertThat(f.at("/actor/user/account/type").asText()).isEqualTo("AWS Account");
        assertThat(f.at("/cloud/account/uid").asText()).isEqualTo("123456789012");
        assertThat(f.at("/cloud/region").asText()).isEqualTo("us-east-1");
        if (alert.actor().accessKeyIds().size() == 1) {
            assertThat(f.at("/actor/user/credential_uid").asText()).isEqualTo(alert.actor().accessKeyIds().get(0));
        }

        // this alert is the compat rule's row for one source IP: that IP is its evidence, not the other
        List<String> ips = values(f.get("evidences"), "/src_endpoint/ip");
        assertThat(ips).containsExactly("203.0.113.42");
        assertThat(values(f.get("observables"), "/value")).contains("203.0.113.42", "build-bot");
        assertThat(values(f.get("evidences"), "/api/operation")).containsExactlyElementsOf(alert.evidence().eventNames());
        assertThat(values(f.at("/finding_info/related_events"), "/uid")).containsExactlyElementsOf(alert.evidence().eventIds());
        assertThat(f.at("/unmapped/sourceIp").asText()).isEqualTo("203.0.113.42");
        assertThat(f.at("/unmapped/contexts")).isNotEmpty();
        assertThat(f.at("/unmapped/customDetails/EventCount").asLong()).isEqualTo(alert.window().count());
    }

    @Test
    void anIncidentIsOneFindingCreatedThenUpdatedAtEachEscalation() throws Exception {
        List<Alert> chain = SampleAlerts.incidents().stream().filter(a -> "marketing-uploader".equals(a.actor().actorName())).toList();
        assertThat(chain).hasSizeGreaterThan(1);

        List<JsonNode> findings = new ArrayList<>();
        for (Alert alert : chain) {
            findings.add(json(alert));
        }
        assertThat(findings).extracting(f -> f.get("activity_id").asInt()).first().isEqualTo(1);
        assertThat(findings.subList(1, findings.size())).allSatisfy(f -> {
            assertThat(f.get("activity_id").asInt()).isEqualTo(2);
            assertThat(f.get("activity_name").asText()).isEqualTo("Update");
            assertThat(f.get("type_uid").asLong()).isEqualTo(200402L);
        });
        assertThat(findings).extracting(f -> f.at("/finding_info/uid").asText()).containsOnly(chain.get(0).incident().incidentId());
        assertThat(findings).extracting(f -> f.at("/metadata/uid").asText()).doesNotHaveDuplicates();
        assertThat(findings).extracting(f -> f.at("/metadata/correlation_uid").asText()).containsOnly(chain.get(0).incident().incidentId());

        Alert last = chain.get(chain.size() - 1);
        JsonNode f = findings.get(findings.size() - 1);
        assertThat(f.get("severity_id").asInt()).isEqualTo(5);
        assertThat(f.at("/finding_info/analytic/uid").asText()).isEqualTo(Alert.INCIDENT_RULE_ID);
        // every stage reached is an ATT&CK tactic of the finding
        assertThat(values(f.get("attacks"), "/tactic/uid")).contains("TA0007", "TA0003", "TA0004", "TA0009").doesNotHaveDuplicates();
        assertThat(f.at("/unmapped/scoreBreakdown").size()).isEqualTo(last.incident().scoreBreakdown().size());
        assertThat(f.at("/unmapped/signals").size()).isEqualTo(last.incident().signals().size());
        assertThat(f.at("/unmapped/linkedIdentities")).isNotEmpty();
        // an incident's eventNames are rule names, not API operations: they are not evidence
        assertThat(values(f.get("evidences"), "/api/operation")).isEmpty();
        assertThat(values(f.get("evidences"), "/src_endpoint/ip")).contains("203.0.113.99");
    }

    @Test
    void aSubTechniqueIsKeptApartFromItsTechnique() throws Exception {
        Alert alert = SampleAlerts.signals().stream()
                .filter(a -> a.mitre().techniqueId().contains(".")).findFirst().orElseThrow();
        JsonNode f = json(alert);
        String id = alert.mitre().techniqueId();

        assertThat(f.at("/attacks/0/technique/uid").asText()).isEqualTo(id.substring(0, id.indexOf('.')));
        assertThat(f.at("/attacks/0/sub_technique/uid").asText()).isEqualTo(id);
    }

    @Test
    void sourcesThatAreNotAddressesBecomeServiceOrNamedEndpoints() {
        assertThat(OcsfFindingMapper.endpoint("2001:db8::7")).isEqualTo(new OcsfDetectionFinding.NetworkEndpoint("2001:db8::7", null, null));
        assertThat(OcsfFindingMapper.endpoint("ec2.amazonaws.com"))
                .isEqualTo(new OcsfDetectionFinding.NetworkEndpoint(null, "ec2.amazonaws.com", null));
        assertThat(OcsfFindingMapper.endpoint("AWS Internal")).isEqualTo(new OcsfDetectionFinding.NetworkEndpoint(null, null, "AWS Internal"));
    }

    @Test
    void theSameAlertAlwaysGivesTheSameFinding() throws Exception {
        for (Alert alert : SampleAlerts.all()) {
            assertThat(OcsfJson.write(mapper.map(alert))).isEqualTo(OcsfJson.write(new OcsfFindingMapper("1.2.3-test").map(alert)));
        }
    }

    /** The checker above must be able to fail: broken findings are caught, each for its reason. */
    @Test
    void theSchemaCheckCatchesMissingRequiredWrongTypedAndUnknownAttributes() throws Exception {
        JsonNode valid = json(SampleAlerts.signals().get(0));

        ObjectNode noUid = valid.deepCopy();
        ((ObjectNode) noUid.get("finding_info")).remove("uid");
        assertThat(Ocsf11Schema.violations(noUid)).containsExactly("/finding_info/uid: required by finding_info but missing");

        ObjectNode textTime = valid.deepCopy();
        textTime.put("time", "2026-01-20T17:40:00Z");
        assertThat(Ocsf11Schema.violations(textTime)).singleElement().asString().startsWith("/time: must be LONG");

        ObjectNode topLevelSource = valid.deepCopy();
        topLevelSource.putObject("src_endpoint").put("ip", "203.0.113.42");
        assertThat(Ocsf11Schema.violations(topLevelSource)).containsExactly("/src_endpoint: not an attribute of detection_finding in OCSF 1.1.0");

        ObjectNode emptyEvidence = valid.deepCopy();
        emptyEvidence.putArray("evidences").addObject();
        assertThat(Ocsf11Schema.violations(emptyEvidence)).singleElement().asString().contains("needs at least one of");

        ObjectNode noMetadata = valid.deepCopy();
        noMetadata.remove("metadata");
        assertThat(Ocsf11Schema.violations(noMetadata)).containsExactly("/metadata: required by detection_finding but missing");
    }

    @Test
    void theFindingsFileHoldsEachFindingEventOnceAcrossReplays(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("findings.ocsf.jsonl");
        List<Alert> alerts = SampleAlerts.all();
        long forAnalysts = alerts.stream().filter(Alert::forAnalyst).count();
        assertThat(forAnalysts).as("the sample has building blocks to leave out").isLessThan(alerts.size());
        try (OcsfFileSink sink = new OcsfFileSink(file, mapper)) {
            alerts.forEach(sink::emit);
            assertThat(sink.count()).as("findings are for people: building blocks stay in the alert file").isEqualTo(forAnalysts);
        }
        try (OcsfFileSink again = new OcsfFileSink(file, mapper)) {
            alerts.forEach(again::emit);
            assertThat(again.count()).isZero();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertThat(lines).hasSize((int) forAnalysts);
        for (String line : lines) {
            assertThat(Ocsf11Schema.violations(OcsfJson.mapper().readTree(line))).isEmpty();
        }
    }

    private JsonNode json(Alert alert) throws Exception {
        return OcsfJson.mapper().readTree(OcsfJson.write(mapper.map(alert)));
    }

    private static List<String> values(JsonNode array, String pointer) {
        if (array == null || array.isMissingNode()) {
            return List.of();
        }
        return StreamSupport.stream(array.spliterator(), false).map(n -> n.at(pointer))
                .filter(n -> !n.isMissingNode()).map(JsonNode::asText).toList();
    }
}
