package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The request analyses on the Stratus Red Team detonation logs themselves (not copies): every attack
 * request they hold is recognised, read from {@code requestParameters} as compact JSON like the event
 * keeps it.
 */
class StratusRequestShapesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path corpus() {
        return Stream.of(Path.of("..", "shared", "data", "stratus-detonation-logs"), Path.of("/work/shared/data/stratus-detonation-logs"))
                .filter(Files::isDirectory).findFirst().orElse(null);
    }

    private static List<JsonNode> records(String technique) throws IOException {
        Path corpus = corpus();
        assumeTrue(corpus != null, "Stratus detonation logs not beside the checkout");
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(corpus.resolve(technique + ".json").toFile()).forEach(out::add);
        return out;
    }

    private static List<JsonNode> calls(String technique, String eventName) throws IOException {
        List<JsonNode> calls = records(technique).stream().filter(r -> r.path("eventName").asText().equals(eventName)).toList();
        assertThat(calls).as(technique + " " + eventName).isNotEmpty();
        return calls;
    }

    private static String request(JsonNode record) {
        return record.get("requestParameters").toString(); // compact, as CloudTrailEvent keeps it
    }

    @Test
    void sharingTechniquesShareWithAnotherAccountButNotPublicly() throws IOException {
        for (String[] technique : new String[][] {
                {"aws.exfiltration.ec2-share-ebs-snapshot", "ModifySnapshotAttribute"},
                {"aws.exfiltration.ec2-share-ami", "ModifyImageAttribute"},
                {"aws.exfiltration.rds-share-snapshot", "ModifyDBSnapshotAttribute"}}) {
            for (JsonNode call : calls(technique[0], technique[1])) {
                assertThat(ResourceSharing.sharesWithOthers(request(call))).as(technique[0]).isTrue();
                assertThat(ResourceSharing.sharesPublicly(request(call))).as(technique[0]).isFalse();
            }
        }
    }

    @Test
    void theOpenedPortIsSshToTheWorld() throws IOException {
        for (JsonNode call : calls("aws.exfiltration.ec2-security-group-open-port-22-ingress", "AuthorizeSecurityGroupIngress")) {
            assertThat(IngressRules.openToWorld(request(call))).isTrue();
            assertThat(IngressRules.openPorts(request(call))).isEqualTo("22/tcp");
            assertThat(IngressRules.openToWorldOn(request(call), "22")).isTrue();
        }
    }

    @Test
    void theEventSelectorsReduceLogging() throws IOException {
        for (JsonNode call : calls("aws.defense-evasion.cloudtrail-event-selectors", "PutEventSelectors")) {
            assertThat(LoggingChanges.eventSelectorsReduceLogging(request(call))).isTrue();
        }
    }

    @Test
    void backdooredTrustPoliciesGrantAnotherAccountAndTheFederationPolicyIsAdmin() throws IOException {
        for (JsonNode call : calls("aws.persistence.iam-backdoor-role", "UpdateAssumeRolePolicy")) {
            String policy = call.at("/requestParameters/policyDocument").asText();
            assertThat(PolicyDocuments.grantsOtherAccount(policy, call.path("recipientAccountId").asText())).isTrue();
            assertThat(PolicyDocuments.allowsPublic(policy)).isFalse();
        }
        for (JsonNode call : calls("aws.persistence.iam-create-backdoor-role", "CreateRole")) {
            String policy = call.at("/requestParameters/assumeRolePolicyDocument").asText();
            assertThat(PolicyDocuments.grantsOtherAccount(policy, call.path("recipientAccountId").asText())).isTrue();
        }
        for (JsonNode call : calls("aws.persistence.sts-federation-token", "GetFederationToken")) {
            assertThat(PolicyDocuments.grantsAdmin(call.at("/requestParameters/policy").asText())).isTrue();
        }
    }
}
