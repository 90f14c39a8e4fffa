package io.trailsentry.alert;

import io.trailsentry.engine.CompiledRules;
import io.trailsentry.engine.DetectionEngine;
import io.trailsentry.engine.EngineSettings;
import io.trailsentry.engine.EsperEngine;
import io.trailsentry.engine.TestRules;
import io.trailsentry.ingest.CloudTrailEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Sentinel rule, worked by hand on a small fixture, against what the compat rule emits:
 * <pre>
 * summarize count(), make_set(...) by bin(TimeGenerated, 10m), UserIdentityPrincipalid, UserIdentityArn, UserIdentityAccountId
 * | where count_ > 50 | mv-expand set_SourceIpAddress
 * | extend UserName = substring(P, indexof_regex(P, ":") + 1)
 * | extend Name = split(UserName,'@')[0], UpnSuffix = split(UserName,'@')[1]
 * </pre>
 */
class CompatRuleKqlSemanticsTest {

    static final String COMPAT = "cfaaf0bc-16d1-48df-ac8b-9d901bbd516a";
    static final String ACCOUNT = "111122223333";

    /** One output row of the KQL query, in its own column names. */
    record KqlRow(Instant bin, String principalId, String arn, String accountId, long count,
                  List<String> regions, List<String> userAgents, String sourceIp, List<String> errorCodes,
                  List<String> errorMessages, List<String> eventNames, String userName, String name, String upnSuffix,
                  String displayName, String description, Map<String, Object> customDetails) {
    }

    @Test
    void compatOutputMatchesHandWorkedKqlRowForRow(@TempDir Path dir) throws Exception {
        List<CloudTrailEvent> fixture = fixture();
        // Only the compat rule's alerts are compared, so only it is deployed.
        CompiledRules rules = EsperEngine.compile(TestRules.copyOf(dir, "discovery_iam_enumeration_compat.epl"));
        List<Alert> alerts = new ArrayList<>();
        AlertFactory factory = new AlertFactory();
        try (DetectionEngine engine = new DetectionEngine(EngineSettings.defaults(Path.of("epl")), rules,
                hit -> alerts.addAll(factory.create(io.trailsentry.scoring.Signal.of(hit, io.trailsentry.engine.ScoringLadder.bundled()))))) {
            fixture.forEach(engine::accept);
            engine.finish();
        }
        List<KqlRow> actual = alerts.stream().filter(a -> a.rule().ruleId().equals(COMPAT)).map(CompatRuleKqlSemanticsTest::row)
                .sorted(Comparator.comparing((KqlRow r) -> r.bin()).thenComparing(KqlRow::principalId).thenComparing(KqlRow::sourceIp))
                .toList();

        assertThat(actual).containsExactlyElementsOf(expectedRows());
        assertThat(alerts.stream().filter(a -> a.rule().ruleId().equals(COMPAT)).map(Alert::alertId).distinct()).hasSize(4);
    }

    /**
     * Hand-worked from {@link #fixture()}:
     * <ul>
     *   <li>IAM user AIDA…: 55 List* calls in bin 10:00 (and 100 GetUser, not in the event list) from two IPs
     *       → count 55 > 50 → two rows, one per IP; no ':' so UserName = Name = the whole id, UpnSuffix empty;</li>
     *   <li>SSO session AROA…:bob@example.org: 51 calls in bin 10:10 → one row; Name bob, UpnSuffix example.org;</li>
     *   <li>CI session AROA…:ci-deploy: 50 calls in bin 10:10 (not > 50: no row), then 60 in bin 10:20 → one row;</li>
     *   <li>40 Access Analyzer (AWSService) calls → below 50, nothing.</li>
     * </ul>
     */
    static List<KqlRow> expectedRows() {
        Instant bin1000 = Instant.parse("2024-08-01T10:00:00Z");
        Instant bin1010 = Instant.parse("2024-08-01T10:10:00Z");
        Instant bin1020 = Instant.parse("2024-08-01T10:20:00Z");
        String userId = "AIDAJQABLZS4A3QDU576Q";
        String userArn = "arn:aws:iam::" + ACCOUNT + ":user/mallory";
        String bobId = "AROAEXAMPLEROLEID001:bob@example.org";
        String bobArn = "arn:aws:sts::" + ACCOUNT + ":assumed-role/AWSReservedSSO_Admin_0123/bob@example.org";
        String ciId = "AROAEXAMPLEROLEID002:ci-deploy";
        String ciArn = "arn:aws:sts::" + ACCOUNT + ":assumed-role/ci-deployer/ci-deploy";
        List<String> allSix = List.of("ListAccessKeys", "ListAttachedRolePolicies", "ListAttachedUserPolicies",
                "ListGroupsForUser", "ListRoles", "ListUsers");
        return List.of(
                row(bin1000, userId, userArn, 55, List.of("eu-west-1", "us-east-1"),
                        List.of("aws-cli/2.15.28 Python/3.11.6", "python-requests/2.31"), "198.51.100.20",
                        List.of("AccessDenied"), List.of("User is not authorized to perform iam:ListRoles"), allSix,
                        userId, userId, null),
                row(bin1000, userId, userArn, 55, List.of("eu-west-1", "us-east-1"),
                        List.of("aws-cli/2.15.28 Python/3.11.6", "python-requests/2.31"), "203.0.113.10",
                        List.of("AccessDenied"), List.of("User is not authorized to perform iam:ListRoles"), allSix,
                        userId, userId, null),
                row(bin1010, bobId, bobArn, 51, List.of("us-east-1"), List.of("Boto3/1.34.0"), "192.0.2.55",
                        List.of(), List.of(), List.of("ListRoles", "ListUsers"), "bob@example.org", "bob", "example.org"),
                row(bin1020, ciId, ciArn, 60, List.of("us-west-2"), List.of("terraform/1.7.0"), "10.20.30.40",
                        List.of(), List.of(), List.of("ListAttachedRolePolicies"), "ci-deploy", "ci-deploy", null));
    }

    static KqlRow row(Instant bin, String principalId, String arn, long count, List<String> regions, List<String> agents,
                      String ip, List<String> errors, List<String> messages, List<String> names,
                      String userName, String name, String upn) {
        return new KqlRow(bin, principalId, arn, ACCOUNT, count, regions, agents, ip, errors, messages, names, userName, name, upn,
                "IAM enumeration detected - " + count + " API calls by " + principalId,
                "User " + principalId + " performed " + count + " IAM enumeration API calls within a 10-minute window from account " + ACCOUNT + ".",
                Map.of("EventCount", count, "AWSAccountId", ACCOUNT, "PrincipalId", principalId));
    }

    static KqlRow row(Alert a) {
        assertThat(a.window().windowEnd()).isEqualTo(a.window().windowStart().plusSeconds(600));
        assertThat(a.evidence().entities()).containsExactly(
                Alert.Entity.account(a.actor().name(), a.actor().upnSuffix(), a.actor().accountId(), a.actor().principalArn()),
                Alert.Entity.ip(a.evidence().sourceIp()));
        return new KqlRow(a.window().windowStart(), a.actor().principalId(), a.actor().principalArn(), a.actor().accountId(), a.window().count(), a.evidence().regions(), a.evidence().userAgents(),
                a.evidence().sourceIp(), a.evidence().errorCodes(), a.evidence().errorMessages(), a.evidence().eventNames(), a.actor().userName(), a.actor().name(), a.actor().upnSuffix(),
                a.displayName(), a.description(), a.evidence().customDetails());
    }

    static List<CloudTrailEvent> fixture() {
        List<CloudTrailEvent> events = new ArrayList<>();
        List<String> six = List.of("ListAttachedRolePolicies", "ListRoles", "ListGroupsForUser",
                "ListAttachedUserPolicies", "ListAccessKeys", "ListUsers");
        Instant t = Instant.parse("2024-08-01T10:00:30Z");
        for (int i = 0; i < 55; i++) {
            boolean denied = i % 11 == 0;
            events.add(base("u" + i, t.plusSeconds(i * 10L), six.get(i % 6), "IAMUser", "AIDAJQABLZS4A3QDU576Q",
                    "arn:aws:iam::" + ACCOUNT + ":user/mallory")
                    .sourceIPAddress(i % 2 == 0 ? "203.0.113.10" : "198.51.100.20")
                    .awsRegion(i % 3 == 0 ? "eu-west-1" : "us-east-1")
                    .userAgent(i % 4 == 0 ? "python-requests/2.31" : "aws-cli/2.15.28 Python/3.11.6")
                    .errorCode(denied ? "AccessDenied" : null)
                    .errorMessage(denied ? "User is not authorized to perform iam:ListRoles" : null)
                    .build());
        }
        for (int i = 0; i < 100; i++) {
            events.add(base("g" + i, t.plusSeconds(i * 5L), "GetUser", "IAMUser", "AIDAJQABLZS4A3QDU576Q",
                    "arn:aws:iam::" + ACCOUNT + ":user/mallory").sourceIPAddress("203.0.113.10").build());
        }
        Instant t2 = Instant.parse("2024-08-01T10:10:00Z");
        for (int i = 0; i < 51; i++) {
            events.add(base("b" + i, t2.plusSeconds(i * 11L), i % 2 == 0 ? "ListRoles" : "ListUsers", "AssumedRole",
                    "AROAEXAMPLEROLEID001:bob@example.org",
                    "arn:aws:sts::" + ACCOUNT + ":assumed-role/AWSReservedSSO_Admin_0123/bob@example.org")
                    .sourceIPAddress("192.0.2.55").userAgent("Boto3/1.34.0").build());
        }
        for (int i = 0; i < 50; i++) {
            events.add(ci("c" + i, t2.plusSeconds(i * 11L)));
        }
        Instant t3 = Instant.parse("2024-08-01T10:20:00Z");
        for (int i = 0; i < 60; i++) {
            events.add(ci("d" + i, t3.plusSeconds(i * 9L)));
        }
        // An AWS service listing roles for Access Analyzer, under the threshold.
        for (int i = 0; i < 40; i++) {
            events.add(base("s" + i, t3.plusSeconds(i * 3L), "ListRoles", "AWSService", null, null)
                    .invokedBy("access-analyzer.amazonaws.com").sourceIPAddress("access-analyzer.amazonaws.com")
                    .eventTime(t3.plusSeconds(i * 9L)).build());
        }
        // Out of order by up to 4 minutes (within the 5-minute allowed lateness), as CloudTrail delivers it.
        events.sort(Comparator.comparingLong(e -> e.getEventTimeMillis() + Math.floorMod(e.getEventID().hashCode(), 240_000)));
        return events;
    }

    private static CloudTrailEvent ci(String id, Instant time) {
        return base(id, time, "ListAttachedRolePolicies", "AssumedRole", "AROAEXAMPLEROLEID002:ci-deploy",
                "arn:aws:sts::" + ACCOUNT + ":assumed-role/ci-deployer/ci-deploy")
                .sourceIPAddress("10.20.30.40").awsRegion("us-west-2").userAgent("terraform/1.7.0").build();
    }

    private static CloudTrailEvent.Builder base(String id, Instant time, String name, String type, String principalId, String arn) {
        return CloudTrailEvent.builder().eventID(id).eventTime(time).eventName(name).eventSource("iam.amazonaws.com")
                .awsRegion("us-east-1").userAgent("aws-cli/2.15.28 Python/3.11.6").userIdentityType(type)
                .principalId(principalId).arn(arn).accountId(principalId == null ? null : ACCOUNT)
                .recipientAccountId(ACCOUNT);
    }
}
