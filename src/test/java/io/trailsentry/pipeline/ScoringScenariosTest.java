package io.trailsentry.pipeline;

import io.trailsentry.alert.Alert;
import io.trailsentry.context.ContextSettings;
import io.trailsentry.engine.Severity;
import io.trailsentry.ingest.CloudTrailEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The scorer end to end on generated streams: the incidents a SOC should and should not escalate. */
class ScoringScenariosTest {

    static final String ACCOUNT = "111122223333";
    static final List<String> SIX = List.of("ListAttachedRolePolicies", "ListRoles", "ListGroupsForUser",
            "ListAttachedUserPolicies", "ListAccessKeys", "ListUsers");
    /** A Saturday, 02:00 UTC: off-hours under the default business hours. */
    static final Instant NIGHT = Instant.parse("2024-08-03T02:00:00Z");
    /** A Tuesday, 10:00 UTC. */
    static final Instant DAY = Instant.parse("2024-08-06T10:00:00Z");

    @Test
    void fullChainEscalatesToCriticalAndLinksTheNewUser() throws Exception {
        PipelineFixture fixture = new PipelineFixture();
        fixture.run(attackChain());

        List<Alert> incidents = fixture.incidents();
        Alert last = incidents.get(incidents.size() - 1);
        assertThat(last.rating().severity()).isEqualTo(Severity.Critical);
        assertThat(last.stages()).contains("discovery", "persistence", "privilege_escalation", "collection");
        assertThat(last.evidence().contexts()).contains("unknown_ip", "off_hours", "non_admin");
        assertThat(last.incident().linkedIdentities()).contains("arn:aws:iam::" + ACCOUNT + ":user/backdoor", "AKIANEWKEY0000000001");
        assertThat(last.incident().scoreBreakdown()).isNotEmpty();
        assertThat(last.score()).isEqualTo(Math.min(100, last.incident().scoreBreakdown().stream().mapToInt(i -> i.points()).sum()));
        // the ladder, one alert per step up: it did not jump straight to the end
        assertThat(incidents).extracting(a -> a.rating().severity().name()).first().isNotEqualTo("Critical");
        assertThat(incidents.stream().map(a -> a.incident().incidentId()).distinct()).hasSize(1);
        // the new user's own signal joined the attacker's incident
        assertThat(fixture.signals()).filteredOn(a -> "arn:aws:iam::111122223333:user/backdoor".equals(a.actor().principalArn()))
                .isNotEmpty().allMatch(a -> last.incident().incidentId().equals(a.incident().incidentId()));
    }

    @Test
    void theSameChainShuffledWithinFiveMinutesGivesTheSameIncidents() throws Exception {
        List<CloudTrailEvent> sorted = attackChain();
        PipelineFixture inOrder = new PipelineFixture();
        inOrder.run(sorted);
        PipelineFixture shuffled = new PipelineFixture();
        shuffled.run(io.trailsentry.engine.TestEvents.shuffleWithin(sorted, Duration.ofMinutes(5), 7));

        assertThat(ids(shuffled.incidents())).isEqualTo(ids(inOrder.incidents()));
        assertThat(ids(shuffled.signals())).isEqualTo(ids(inOrder.signals()));
    }

    @Test
    void allowlistedScannerBurstInBusinessHoursStaysBelowMedium() throws Exception {
        ContextSettings d = PipelineFixture.defaultContext();
        ContextSettings context = d.toBuilder()
                .allowlistedPrincipals(List.of("arn:aws:iam::*:role/prowler-*"))
                .allowlistedUserAgents(List.of("*prowler*"))
                .build();
        PipelineFixture fixture = new PipelineFixture(context);
        List<CloudTrailEvent> events = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            events.add(roleCall("scan-" + i, DAY.plusMillis(i * 500L), SIX.get(i % 6), "prowler-scanner", "prowler-session", "52.0.0.10"));
        }
        fixture.run(events);

        assertThat(fixture.signals()).extracting(a -> a.rule().ruleId()).contains("cfaaf0bc-16d1-48df-ac8b-9d901bbd516a"); // Sentinel still fires
        assertThat(fixture.signals()).allMatch(a -> a.evidence().contexts().contains("allowlisted"));
        assertThat(fixture.incidents()).isNotEmpty().allMatch(a -> a.rating().severity().ordinal() < Severity.Medium.ordinal());
    }

    @Test
    void knownAdminDaytimeBurstPlusCreateUserStaysBelowHigh() throws Exception {
        ContextSettings d = PipelineFixture.defaultContext();
        ContextSettings context = d.toBuilder()
                .knownCidrs(List.of("10.0.0.0/8"))
                .adminPrincipals(List.of("arn:aws:iam::*:user/admin-*"))
                .build();
        PipelineFixture fixture = new PipelineFixture(context);
        List<CloudTrailEvent> events = new ArrayList<>(burst("admin-alice", "AIDAADMINALICE000001", DAY, 64, "10.1.2.3"));
        events.add(userCall("alice-create", DAY.plusSeconds(400), "iam", "CreateUser", "admin-alice", "AIDAADMINALICE000001", "10.1.2.3")
                .requestParameters("{\"userName\":\"svc-reporting\"}").build());
        fixture.run(events);

        assertThat(fixture.signals()).extracting(a -> a.rule().ruleId()).contains("3f5c2a9e-7b1d-4e8a-9c6f-1a2b3c4d5e6f");
        assertThat(fixture.incidents()).isNotEmpty().allMatch(a -> a.rating().severity().ordinal() < Severity.High.ordinal());
    }

    @Test
    void lowAndSlowSequenceReachesAtLeastMediumWithDiscoveryAndPrivilegeEscalation() throws Exception {
        PipelineFixture fixture = new PipelineFixture();
        List<CloudTrailEvent> events = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            events.add(userCall("slow-" + i, NIGHT.plusSeconds(i * 20L), "iam", SIX.get(i % 6), "mallory", "AIDAMALLORY000000001", "203.0.113.66").build());
        }
        events.add(userCall("slow-attach", NIGHT.plusSeconds(660), "iam", "AttachRolePolicy", "mallory", "AIDAMALLORY000000001", "203.0.113.66")
                .requestParameters("{\"roleName\":\"app\",\"policyArn\":\"arn:aws:iam::aws:policy/AdministratorAccess\"}").build());
        fixture.run(events);

        Alert last = fixture.incidents().get(fixture.incidents().size() - 1);
        assertThat(last.rating().severity().ordinal()).isGreaterThanOrEqualTo(Severity.Medium.ordinal());
        assertThat(last.stages()).contains("discovery", "privilege_escalation");
        assertThat(fixture.signals()).extracting(a -> a.rule().ruleId())
                .doesNotContain("cfaaf0bc-16d1-48df-ac8b-9d901bbd516a", "8d3f6a52-4c1e-4b8e-9a57-2f0c7d9e1b34");
    }

    /** Burst → CreateUser → AttachUserPolicy AdministratorAccess → CreateAccessKey → the new key reads S3. */
    static List<CloudTrailEvent> attackChain() {
        String ip = "203.0.113.66";
        List<CloudTrailEvent> events = new ArrayList<>(burst("mallory", "AIDAMALLORY000000001", NIGHT, 64, ip));
        Instant t = NIGHT.plusSeconds(400);
        events.add(userCall("chain-create", t, "iam", "CreateUser", "mallory", "AIDAMALLORY000000001", ip)
                .requestParameters("{\"userName\":\"backdoor\"}")
                .responseElements("{\"user\":{\"userName\":\"backdoor\",\"arn\":\"arn:aws:iam::" + ACCOUNT + ":user/backdoor\"}}").build());
        events.add(userCall("chain-attach", t.plusSeconds(20), "iam", "AttachUserPolicy", "mallory", "AIDAMALLORY000000001", ip)
                .requestParameters("{\"userName\":\"backdoor\",\"policyArn\":\"arn:aws:iam::aws:policy/AdministratorAccess\"}").build());
        events.add(userCall("chain-key", t.plusSeconds(40), "iam", "CreateAccessKey", "mallory", "AIDAMALLORY000000001", ip)
                .requestParameters("{\"userName\":\"backdoor\"}")
                .responseElements("{\"accessKey\":{\"accessKeyId\":\"AKIANEWKEY0000000001\",\"userName\":\"backdoor\",\"status\":\"Active\"}}").build());
        Instant r = t.plusSeconds(300);
        events.add(userCall("chain-lb", r, "s3", "ListBuckets", "backdoor", "AIDABACKDOOR00000001", "198.51.100.5")
                .accessKeyId("AKIANEWKEY0000000001").build());
        for (int i = 0; i < 5; i++) {
            events.add(userCall("chain-get-" + i, r.plusSeconds(10 + i), "s3", "GetObject", "backdoor", "AIDABACKDOOR00000001", "198.51.100.5")
                    .accessKeyId("AKIANEWKEY0000000001").requestParameters("{\"bucketName\":\"finance\",\"key\":\"q" + i + ".csv\"}").build());
        }
        return events;
    }

    static List<CloudTrailEvent> burst(String user, String principalId, Instant start, int n, String ip) {
        List<CloudTrailEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(userCall(user + "-burst-" + i, start.plusSeconds(i * 3L), "iam", SIX.get(i % 6), user, principalId, ip).build());
        }
        return events;
    }

    static CloudTrailEvent.Builder userCall(String id, Instant time, String service, String name, String user, String principalId, String ip) {
        return CloudTrailEvent.builder().eventID(id).eventTime(time).eventName(name).eventSource(service + ".amazonaws.com")
                .awsRegion("us-east-1").sourceIPAddress(ip).userAgent("aws-cli/2.15.28").userIdentityType("IAMUser")
                .principalId(principalId).arn("arn:aws:iam::" + ACCOUNT + ":user/" + user).accountId(ACCOUNT).userName(user)
                .accessKeyId("AKIA" + principalId.substring(4, 20)).recipientAccountId(ACCOUNT);
    }

    static CloudTrailEvent roleCall(String id, Instant time, String name, String role, String session, String ip) {
        return CloudTrailEvent.builder().eventID(id).eventTime(time).eventName(name).eventSource("iam.amazonaws.com")
                .awsRegion("us-east-1").sourceIPAddress(ip).userAgent("prowler/4.2 botocore/1.34").userIdentityType("AssumedRole")
                .principalId("AROAPROWLER000000001:" + session)
                .arn("arn:aws:sts::" + ACCOUNT + ":assumed-role/" + role + "/" + session).accountId(ACCOUNT)
                .sessionIssuerArn("arn:aws:iam::" + ACCOUNT + ":role/" + role).sessionIssuerUserName(role)
                .recipientAccountId(ACCOUNT).build();
    }

    static List<String> ids(List<Alert> alerts) {
        return alerts.stream().map(a -> a.alertId() + " " + a.rating().severity() + " " + a.stages()).sorted().toList();
    }
}
