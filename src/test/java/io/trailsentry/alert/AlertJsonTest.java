package io.trailsentry.alert;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The alert's small records make one flat JSON object (README "Alert format"), read back as they were written. */
class AlertJsonTest {

    @Test
    void everyAlertIsOneFlatObjectWithTheContractFieldsAndReadsBackEqual() throws Exception {
        for (Alert alert : SampleAlerts.all()) {
            JsonNode json = AlertJson.mapper().valueToTree(alert);
            for (String field : List.of("alertId", "ruleId", "ruleName", "ruleVersion", "buildingBlock", "falsePositives", "severity", "baseSeverity",
                    "severityReason", "suppressed", "score", "stages", "mitre", "principalId", "principalArn", "accountId", "userName",
                    "name", "upnSuffix", "windowStart", "windowEnd", "count", "sourceIp", "sourceIps", "eventNames", "errorCodes",
                    "errorMessages", "regions", "userAgents", "contexts", "displayName", "description", "evidence", "entities",
                    "customDetails", "detectedAt", "actorKey", "actorName", "accessKeyIds", "incidentId", "scoreBreakdown", "signals",
                    "linkedIdentities", "evidenceEvents", "unknownSourceIps")) {
                assertThat(json.has(field)).as(field + " in " + json).isTrue();
            }
            assertThat(json.get("severity").isTextual()).isTrue();
            String written = AlertJson.mapper().writeValueAsString(alert);
            assertThat(AlertJson.mapper().writeValueAsString(AlertJson.mapper().readValue(written, Alert.class)))
                    .as("read back and written again").isEqualTo(written);
        }
    }

    @Test
    void theAlertFileGivesBackItsNewestAlertsAfterARestart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("alerts.jsonl");
        List<Alert> alerts = SampleAlerts.all();
        try (JsonlAlertSink sink = new JsonlAlertSink(file)) {
            alerts.forEach(sink::emit);
        }
        try (JsonlAlertSink reopened = new JsonlAlertSink(file, 5)) {
            assertThat(reopened.recentAlerts()).extracting(Alert::alertId)
                    .containsExactlyElementsOf(alerts.subList(alerts.size() - 5, alerts.size()).stream().map(Alert::alertId).toList());
            AlertStore store = new AlertStore(100);
            store.restore(reopened.recentAlerts());
            assertThat(store.find(new AlertStore.AlertQuery(null, null, null, null, 100, java.util.EnumSet.allOf(AlertKind.class))))
                    .as("newest first").first().extracting(Alert::alertId).isEqualTo(alerts.get(alerts.size() - 1).alertId());
        }
    }
}
