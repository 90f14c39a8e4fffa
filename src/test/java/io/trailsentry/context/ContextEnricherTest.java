package io.trailsentry.context;

import io.trailsentry.ingest.CloudTrailEvent;
import io.trailsentry.context.StageCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ContextEnricherTest {

    static final Path STAGES = Path.of("epl", "stages.yaml");
    static final Instant TUESDAY_10 = Instant.parse("2024-08-06T10:00:00Z");

    static ContextSettings settings(List<String> knownCidrs, List<String> admins, List<String> allowPrincipals,
                                    List<String> allowAgents, ZoneId zone, Set<LocalDate> holidays, Path baselineFile) {
        return ContextSettings.builder().knownCidrs(knownCidrs).timezone(zone).holidays(holidays).adminPrincipals(admins)
                .allowlistedPrincipals(allowPrincipals).allowlistedUserAgents(allowAgents).baselineFile(baselineFile).maxActors(1000)
                .build();
    }

    static ContextEnricher enricher(ContextSettings s) {
        return new ContextEnricher(s, new Baselines(1000));
    }

    static CloudTrailEvent.Builder user(String name, Instant time, String ip) {
        return CloudTrailEvent.builder().eventTime(time).eventName("ListUsers").eventSource("iam.amazonaws.com").eventID(name + time)
                .sourceIPAddress(ip).userIdentityType("IAMUser").principalId("AIDA" + name)
                .arn("arn:aws:iam::111122223333:user/" + name).accountId("111122223333").userName(name).userAgent("aws-cli/2");
    }

    @Test
    void actorsAreRoleAndSessionForSessionsAndNothingForServiceCalls() {
        CloudTrailEvent sso = CloudTrailEvent.builder().eventTime(TUESDAY_10).eventName("ListUsers").userIdentityType("AssumedRole")
                .arn("arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_Admin_0123/bob@example.org")
                .sessionIssuerArn("arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123").build();
        assertThat(Actor.of(sso)).isEqualTo(new Actor(
                "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_Admin_0123/bob@example.org", "bob@example.org", false));

        CloudTrailEvent ec2 = CloudTrailEvent.builder().eventTime(TUESDAY_10).eventName("DescribeInstances").userIdentityType("AssumedRole")
                .arn("arn:aws:sts::111122223333:assumed-role/app/i-0abc").build();
        assertThat(Actor.of(ec2)).isEqualTo(new Actor("arn:aws:iam::111122223333:role/app/i-0abc", "i-0abc", false));

        assertThat(Actor.of(user("alice", TUESDAY_10, "10.0.0.1").build()).key()).isEqualTo("arn:aws:iam::111122223333:user/alice");
    }

    @Test
    void awsActingOnItsOwnHasNoActor() {
        CloudTrailEvent service = CloudTrailEvent.builder().eventTime(TUESDAY_10).eventName("AssumeRole").userIdentityType("AWSService")
                .invokedBy("lambda.amazonaws.com").sourceIPAddress("lambda.amazonaws.com").build();
        assertThat(Actor.of(service)).isEqualTo(new Actor(null, "lambda.amazonaws.com", true));

        CloudTrailEvent serviceLinked = CloudTrailEvent.builder().eventTime(TUESDAY_10).eventName("DescribeInstances").userIdentityType("AssumedRole")
                .arn("arn:aws:sts::111122223333:assumed-role/AWSServiceRoleForConfig/1722519208")
                .sessionIssuerArn("arn:aws:iam::111122223333:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig")
                .sessionIssuerUserName("AWSServiceRoleForConfig").sourceIPAddress("config.amazonaws.com").build();
        assertThat(Actor.of(serviceLinked)).isEqualTo(new Actor(null, "config.amazonaws.com", true));

        CloudTrailEvent serviceLinkedWithoutIssuer = serviceLinked.toBuilder().sessionIssuerArn(null).sourceIPAddress("AWS Internal").build();
        assertThat(Actor.of(serviceLinkedWithoutIssuer).serviceCall()).isTrue();

        // A customer role that only looks like one: its issuer has no aws-service-role path.
        CloudTrailEvent lookalike = serviceLinked.toBuilder()
                .sessionIssuerArn("arn:aws:iam::111122223333:role/AWSServiceRoleForConfig").sourceIPAddress("198.51.100.7").build();
        assertThat(Actor.of(lookalike).serviceCall()).isFalse();

        ContextEnricher e = enricher(ContextSettings.defaults());
        CloudTrailEvent enriched = e.apply(service);
        assertThat(enriched.isServiceCall()).isTrue();
        assertThat(enriched.getActorKey()).isNull();
        assertThat(enriched.getContexts()).isEmpty();
    }

    @Test
    void aPrincipalActingThroughAServiceKeepsItsActor() {
        // A user's CloudFormation stack deleting a trail is the user's doing.
        CloudTrailEvent stack = user("alice", TUESDAY_10, "cloudformation.amazonaws.com").eventSource("cloudtrail.amazonaws.com")
                .eventName("DeleteTrail").invokedBy("cloudformation.amazonaws.com").build();
        assertThat(Actor.of(stack)).isEqualTo(new Actor("arn:aws:iam::111122223333:user/alice", "alice", false));

        // Root creating an access key in the console.
        CloudTrailEvent console = CloudTrailEvent.builder().eventTime(TUESDAY_10).eventName("CreateAccessKey").eventSource("iam.amazonaws.com")
                .userIdentityType("Root").principalId("111122223333").arn("arn:aws:iam::111122223333:root").accountId("111122223333")
                .invokedBy("signin.amazonaws.com").sourceIPAddress("198.51.100.7").build();
        assertThat(Actor.of(console)).isEqualTo(new Actor("arn:aws:iam::111122223333:root", "root@111122223333", false));

        CloudTrailEvent enriched = enricher(ContextSettings.defaults()).apply(console);
        assertThat(enriched.isServiceCall()).isFalse();
        assertThat(enriched.getActorKey()).isEqualTo("arn:aws:iam::111122223333:root");
        assertThat(enriched.getInvokedBy()).isEqualTo("signin.amazonaws.com");
        assertThat(enriched.getStages()).contains("persistence");
    }

    @Test
    void rootIsAnAdministrator() {
        ContextEnricher e = enricher(ContextSettings.defaults());
        CloudTrailEvent root = CloudTrailEvent.builder().eventTime(TUESDAY_10).eventName("CreateRole").eventSource("iam.amazonaws.com")
                .userIdentityType("Root").principalId("111122223333").arn("arn:aws:iam::111122223333:root").accountId("111122223333")
                .sourceIPAddress("198.51.100.7").build();
        assertThat(e.apply(root).isNonAdmin()).isFalse();
        assertThat(e.apply(root).getContexts()).doesNotContain("non_admin");
        assertThat(e.apply(user("bob", TUESDAY_10, "198.51.100.7").build()).isNonAdmin()).isTrue();
    }

    @Test
    void unknownIpHonoursKnownNetworksIpv6AwsInternalAndTheLearnedBaseline() {
        ContextEnricher e = enricher(settings(List.of("10.0.0.0/8", "2001:db8::/32"), List.of(), List.of(), List.of(),
                ZoneId.of("UTC"), Set.of(), null));
        assertThat(e.apply(user("a", TUESDAY_10, "10.1.2.3").build()).isUnknownIp()).isFalse();
        assertThat(e.apply(user("a", TUESDAY_10, "2001:db8:1::5").build()).isUnknownIp()).isFalse();
        assertThat(e.apply(user("a", TUESDAY_10, "2001:db9::5").build()).isUnknownIp()).isTrue();
        assertThat(e.apply(user("a", TUESDAY_10, "AWS Internal").build()).isUnknownIp()).isFalse();
        assertThat(e.apply(user("a", TUESDAY_10, "ec2.amazonaws.com").build()).isUnknownIp()).isFalse();

        // learned: seen today is still unknown (learning delay), seen two days ago and again now is known
        assertThat(e.apply(user("b", TUESDAY_10, "198.51.100.1").build()).isUnknownIp()).isTrue();
        assertThat(e.apply(user("b", TUESDAY_10.plusSeconds(60), "198.51.100.1").build()).isUnknownIp()).isTrue();
        assertThat(e.apply(user("b", TUESDAY_10.plus(Duration.ofDays(2)), "198.51.100.1").build()).isUnknownIp()).isFalse();
        // per actor: the same IP is new for someone else
        assertThat(e.apply(user("c", TUESDAY_10.plus(Duration.ofDays(2)), "198.51.100.1").build()).isUnknownIp()).isTrue();
        // forgotten after the IP memory
        assertThat(e.apply(user("b", TUESDAY_10.plus(Duration.ofDays(20)), "198.51.100.1").build()).isUnknownIp()).isTrue();
    }

    static CloudTrailEvent instance(String region, String ip) {
        return CloudTrailEvent.builder().eventTime(TUESDAY_10).eventName("UpdateInstanceInformation").eventSource("ssm.amazonaws.com")
                .awsRegion(region).sourceIPAddress(ip).userAgent("aws-sdk-go/1.44.260 (go1.20.10; linux; amd64) amazon-ssm-agent/3.2.1705.0")
                .eventID(region + ip).userIdentityType("AssumedRole").principalId("AROAEXAMPLEROLE00001:i-0abc123def4567890")
                .arn("arn:aws:sts::111122223333:assumed-role/app-role/i-0abc123def4567890").accountId("111122223333")
                .sessionIssuerArn("arn:aws:iam::111122223333:role/app-role").build();
    }

    @Test
    void anInstanceSessionFromAnEc2AddressOfItsOwnRegionIsNotUnknown() {
        ContextEnricher e = enricher(ContextSettings.defaults()); // the bundled offline ranges: 18.236.0.0/15 is EC2 us-west-2
        CloudTrailEvent own = e.apply(instance("us-west-2", "18.236.12.34"));
        assertThat(own.isAwsIp()).isTrue();
        assertThat(own.isEc2IpInRegion()).isTrue();
        assertThat(own.isExternalIp()).isTrue();
        assertThat(own.isUnknownIp()).isFalse();

        CloudTrailEvent otherRegion = e.apply(instance("us-east-1", "18.236.12.35"));
        assertThat(otherRegion.isAwsIp()).isTrue();
        assertThat(otherRegion.isEc2IpInRegion()).isFalse();
        assertThat(otherRegion.isUnknownIp()).isTrue();

        CloudTrailEvent outside = e.apply(instance("us-west-2", "198.51.100.99"));
        assertThat(outside.isAwsIp()).isFalse();
        assertThat(outside.isUnknownIp()).isTrue();

        // Only the instance's own session is excused: a person's session from an EC2 address is still unknown.
        CloudTrailEvent person = e.apply(user("mallory", TUESDAY_10, "18.236.12.36").awsRegion("us-west-2").build());
        assertThat(person.isEc2IpInRegion()).isTrue();
        assertThat(person.isUnknownIp()).isTrue();
    }

    @Test
    void theAwsRangesFileIsConfigurable(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ip-ranges.json");
        java.nio.file.Files.writeString(file, AwsIpRangesTest.RANGES);
        ContextSettings d = ContextSettings.defaults();
        ContextSettings s = d.toBuilder().awsIpRangesFile(file).build();
        ContextEnricher e = enricher(s);
        assertThat(e.awsIpRanges().file()).isEqualTo(file);
        assertThat(e.apply(instance("us-east-1", "52.95.245.7")).isUnknownIp()).isFalse();
        assertThat(e.apply(instance("us-east-1", "3.5.140.9")).isAwsIp()).isTrue();
        assertThat(e.apply(instance("us-east-1", "3.5.140.9")).isUnknownIp()).as("AWS, but not EC2").isTrue();
    }

    @Test
    void offHoursUsesTheZoneDaysHolidaysAndTheActorsUsualHours() {
        ContextEnricher e = enricher(settings(List.of(), List.of(), List.of(), List.of(), ZoneId.of("Europe/Berlin"),
                Set.of(LocalDate.parse("2024-08-07")), null));
        assertThat(e.apply(user("a", Instant.parse("2024-08-06T10:00:00Z"), "1.1.1.1").build()).isOffHours()).isFalse(); // 12:00 Berlin
        assertThat(e.apply(user("a", Instant.parse("2024-08-06T16:30:00Z"), "1.1.1.1").build()).isOffHours()).isTrue();  // 18:30 Berlin
        assertThat(e.apply(user("a", Instant.parse("2024-08-06T06:30:00Z"), "1.1.1.1").build()).isOffHours()).isFalse(); // 08:30 Berlin
        assertThat(e.apply(user("a", Instant.parse("2024-08-07T10:00:00Z"), "1.1.1.1").build()).isOffHours()).isTrue();  // holiday
        assertThat(e.apply(user("a", Instant.parse("2024-08-10T10:00:00Z"), "1.1.1.1").build()).isOffHours()).isTrue();  // Saturday

        // a night worker: after three nights at 23:00 Berlin, the fourth is usual
        for (int day = 0; day < 3; day++) {
            assertThat(e.apply(user("owl", Instant.parse("2024-08-12T21:00:00Z").plus(Duration.ofDays(day)), "1.1.1.1").build()).isOffHours()).isTrue();
        }
        assertThat(e.apply(user("owl", Instant.parse("2024-08-15T21:00:00Z"), "1.1.1.1").build()).isOffHours()).isFalse();
        assertThat(e.apply(user("owl", Instant.parse("2024-08-15T01:00:00Z"), "1.1.1.1").build()).isOffHours()).isTrue();
    }

    @Test
    void adminsByPatternOrLearnedPrivilegedWritesAndAllowlists() {
        ContextEnricher e = enricher(settings(List.of(), List.of("arn:aws:iam::*:user/admin-*"), List.of("arn:aws:iam::*:role/prowler-*"),
                List.of("*Prowler*"), ZoneId.of("UTC"), Set.of(), null));
        assertThat(e.apply(user("admin-alice", TUESDAY_10, "1.1.1.1").build()).isNonAdmin()).isFalse();
        assertThat(e.apply(user("bob", TUESDAY_10, "1.1.1.1").build()).isNonAdmin()).isTrue();
        // bob attaches a policy; the next day he is an administrator, not on the same day
        CloudTrailEvent attach = user("bob", TUESDAY_10.plusSeconds(60), "1.1.1.1").eventName("AttachUserPolicy").build();
        assertThat(e.apply(attach).isNonAdmin()).isTrue();
        assertThat(e.apply(user("bob", TUESDAY_10.plusSeconds(120), "1.1.1.1").build()).isNonAdmin()).isTrue();
        assertThat(e.apply(user("bob", TUESDAY_10.plus(Duration.ofDays(2)), "1.1.1.1").build()).isNonAdmin()).isFalse();

        CloudTrailEvent scannerSession = CloudTrailEvent.builder().eventTime(TUESDAY_10).eventName("ListRoles").userIdentityType("AssumedRole")
                .arn("arn:aws:sts::111122223333:assumed-role/prowler-scan/s1")
                .sessionIssuerArn("arn:aws:iam::111122223333:role/prowler-scan").sourceIPAddress("1.1.1.1").build();
        assertThat(e.apply(scannerSession).isAllowlisted()).isTrue();
        assertThat(e.apply(user("carol", TUESDAY_10, "1.1.1.1").userAgent("Prowler/4.2").build()).isAllowlisted()).isTrue();
        assertThat(e.apply(user("carol", TUESDAY_10, "1.1.1.1").build()).getContexts()).containsExactly("unknown_ip", "non_admin");
    }

    @Test
    void stagesComeFromTheCatalogIncludingConditions() {
        ContextEnricher e = enricher(ContextSettings.defaults());
        CloudTrailEvent.Builder ssm = user("a", TUESDAY_10, "1.1.1.1").eventSource("ssm.amazonaws.com").eventName("GetParameters");
        assertThat(e.apply(ssm.requestParameters("{\"names\":[\"x\"],\"withDecryption\":true}").build()).getStages()).containsExactly("credential_access");
        assertThat(e.apply(ssm.requestParameters("{\"names\":[\"x\"]}").build()).getStages()).isEmpty();
        assertThat(e.apply(user("a", TUESDAY_10, "1.1.1.1").eventName("UpdateAssumeRolePolicy").build()).getStages())
                .containsExactly("privilege_escalation", "persistence");
        assertThat(e.apply(user("a", TUESDAY_10, "1.1.1.1").eventSource("lambda.amazonaws.com").eventName("UpdateFunctionCode20150331v2").build())
                .getStages()).containsExactly("persistence");
    }

    @Test
    void baselinesSurviveARestart(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("baselines.json");
        ContextSettings s = settings(List.of(), List.of(), List.of(), List.of(), ZoneId.of("UTC"), Set.of(), file);
        ContextEnricher first = ContextEnricher.create(s, StageCatalog.bundled());
        first.apply(user("b", TUESDAY_10, "198.51.100.1").build());
        first.apply(user("b", TUESDAY_10, "198.51.100.1").eventName("CreateUser").build());
        first.save();

        ContextEnricher restarted = ContextEnricher.create(s, StageCatalog.bundled());
        CloudTrailEvent later = restarted.apply(user("b", TUESDAY_10.plus(Duration.ofDays(2)), "198.51.100.1").build());
        assertThat(later.isUnknownIp()).isFalse();
        assertThat(later.isNonAdmin()).isFalse();
        assertThat(restarted.baselines().actorCount()).isEqualTo(1);
    }
}
