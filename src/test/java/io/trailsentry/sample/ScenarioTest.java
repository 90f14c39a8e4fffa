package io.trailsentry.sample;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each scenario injected into a real background, then read back from the generated JSON. */
class ScenarioTest {

    private static final Instant NIGHT = Instant.parse("2026-01-21T02:00:00Z");

    private static List<JsonNode> generate(Scenario scenario) {
        return Records.of(new SampleSpec(11, NIGHT, Duration.ofMinutes(40), 12, 0.5, List.of(scenario)));
    }

    private static List<JsonNode> byUser(List<JsonNode> records, String user) {
        return records.stream().filter(r -> Records.userArn(user).equals(Records.arn(r))).toList();
    }

    @Test
    void enumerationBurstHasExactlyItsCallsInItsWindow() {
        EnumerationBurst burst = new EnumerationBurst("build-bot", NIGHT.plusSeconds(600), "203.0.113.42");
        List<JsonNode> mine = byUser(generate(burst), "build-bot");
        List<JsonNode> inWindow = mine.stream().filter(Records::isSentinelEnumeration)
                .filter(r -> !Records.time(r).isBefore(burst.start()) && Records.time(r).isBefore(burst.end()))
                .toList();
        assertEquals(EnumerationBurst.DEFAULT_COUNT, inWindow.size());
        assertEquals(EnumerationBurst.DEFAULT_COUNT, mine.size(), "the burst is all the actor does");
        assertEquals(4, inWindow.stream().filter(r -> "AccessDenied".equals(r.path("errorCode").asText())).count());
        assertEquals(Set.of("203.0.113.42", "203.0.113.43"), field(inWindow, "sourceIPAddress"));
        assertTrue(inWindow.stream().map(r -> r.get("userAgent").asText().split("/")[0]).distinct().count() >= 2);
        assertTrue(field(inWindow, "eventName").size() >= 5, "should use most of the six names");
    }

    @Test
    void straddlingBurstSplits32And32AcrossTheBinEdge() {
        Instant edge = NIGHT.plusSeconds(1200);
        List<JsonNode> mine = byUser(generate(new StraddlingBurst("legacy-reporting", edge, "203.0.113.57")),
                "legacy-reporting");
        assertTrue(mine.stream().allMatch(Records::isSentinelEnumeration));
        long before = mine.stream().filter(r -> Records.time(r).isBefore(edge)).count();
        long after = mine.stream().filter(r -> !Records.time(r).isBefore(edge)).count();
        assertEquals(32, before);
        assertEquals(32, after);
        assertTrue(mine.stream().allMatch(r -> Duration.between(Records.time(r), edge).abs().toMinutes() < 2
                || Records.time(r).equals(edge.minusSeconds(120))));
        assertThrows(IllegalArgumentException.class,
                () -> new StraddlingBurst("x", edge.plusSeconds(60), "203.0.113.57"));
    }

    @Test
    void privilegeEscalationChainLeadsToTheNewKeysUse() {
        PrivilegeEscalationChain chain = new PrivilegeEscalationChain("marketing-uploader", NIGHT.plusSeconds(300),
                "203.0.113.99");
        List<JsonNode> records = generate(chain);
        List<JsonNode> attacker = byUser(records, "marketing-uploader");
        assertEquals(PrivilegeEscalationChain.ENUMERATION_CALLS,
                attacker.stream().filter(Records::isSentinelEnumeration).count());

        JsonNode created = only(attacker, "CreateUser");
        JsonNode attached = only(attacker, "AttachUserPolicy");
        JsonNode key = only(attacker, "CreateAccessKey");
        assertEquals("support-automation", created.at("/responseElements/user/userName").asText());
        assertEquals(CallFactory.ADMIN_POLICY_ARN, attached.at("/requestParameters/policyArn").asText());
        assertTrue(Records.time(created).isBefore(Records.time(attached)));
        assertTrue(Records.time(attached).isBefore(Records.time(key)));

        String newKey = key.at("/responseElements/accessKey/accessKeyId").asText();
        List<JsonNode> newUser = byUser(records, "support-automation");
        assertEquals(1 + PrivilegeEscalationChain.OBJECT_READS, newUser.size());
        assertEquals(Set.of("ListBuckets", "GetObject"), field(newUser, "eventName"));
        for (JsonNode r : newUser) {
            assertEquals(newKey, r.at("/userIdentity/accessKeyId").asText());
            assertTrue(Records.time(r).isAfter(Records.time(key)));
        }
        for (JsonNode r : records) {
            if (Records.arn(r) != null && Records.arn(r).endsWith("user/marketing-uploader")) {
                Instant t = Records.time(r);
                assertTrue(!t.isBefore(chain.start()) && t.isBefore(chain.end()), t.toString());
            }
        }
        assertEquals(Set.of("203.0.113.99"), field(attacker, "sourceIPAddress"));
    }

    @Test
    void lowAndSlowStaysUnderTheThresholdThenAttachesAPolicy() {
        LowAndSlow slow = new LowAndSlow("qa-readonly", NIGHT.plusSeconds(120), "203.0.113.150");
        List<JsonNode> mine = byUser(generate(slow), "qa-readonly").stream()
                .sorted((a, b) -> Records.time(a).compareTo(Records.time(b))).toList();
        assertEquals(LowAndSlow.DISCOVERY_CALLS + 1, mine.size());
        assertTrue(mine.stream().filter(Records::isSentinelEnumeration).count() < SampleOrg.SENTINEL_THRESHOLD);
        JsonNode last = mine.get(mine.size() - 1);
        assertEquals("AttachRolePolicy", last.get("eventName").asText());
        assertEquals("ops-automation-role", last.at("/requestParameters/roleName").asText());
        Duration discovery = Duration.between(Records.time(mine.get(0)), Records.time(mine.get(mine.size() - 2)));
        assertTrue(discovery.toMinutes() >= 9, "spread over about 10 minutes, was " + discovery);
    }

    private static JsonNode only(List<JsonNode> records, String eventName) {
        List<JsonNode> found = records.stream().filter(r -> r.get("eventName").asText().equals(eventName)).toList();
        assertEquals(1, found.size(), eventName);
        return found.get(0);
    }

    private static Set<String> field(List<JsonNode> records, String name) {
        return records.stream().map(r -> r.get(name).asText()).collect(Collectors.toSet());
    }
}
