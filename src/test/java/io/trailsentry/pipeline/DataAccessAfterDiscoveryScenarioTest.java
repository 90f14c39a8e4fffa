package io.trailsentry.pipeline;

import io.trailsentry.alert.Alert;
import io.trailsentry.engine.Severity;
import io.trailsentry.ingest.CloudTrailEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue #15 item 6 end to end: a stolen EC2 instance role that lists buckets and then reads two objects
 * from outside becomes an incident whose signal names the objects read, with no enumeration burst
 * and no privilege call in sight; the same instance reading from its own address without listing first
 * does not.
 */
class DataAccessAfterDiscoveryScenarioTest {

    static final String ACCOUNT = "111122223333";
    static final String RULE = "77ffbb11-1df8-42df-a139-2c5816d86e5f";
    static final Instant NIGHT = Instant.parse("2024-08-03T02:00:00Z");

    @Test
    void stolenInstanceRoleListingBucketsThenReadingTwoObjectsIsAnIncident() throws Exception {
        PipelineFixture fixture = new PipelineFixture();
        String outside = "198.51.100.7";
        fixture.run(List.of(
                instanceCall("list", NIGHT, "ListBuckets", outside, "us-east-1", "{\"Host\":\"s3.us-east-1.amazonaws.com\"}"),
                instanceCall("get-1", NIGHT.plusSeconds(40), "GetObject", outside, "us-east-1",
                        "{\"bucketName\":\"finance-prod\",\"key\":\"payroll/2024-07.csv\"}"),
                instanceCall("get-2", NIGHT.plusSeconds(52), "GetObject", outside, "us-east-1",
                        "{\"bucketName\":\"finance-prod\",\"key\":\"keys/deploy.pem\"}")));

        List<Alert> ours = fixture.signals().stream().filter(a -> a.rule().ruleId().equals(RULE)).toList();
        assertThat(ours).hasSize(1);
        Alert signal = ours.get(0);
        assertThat(signal.forAnalyst()).isTrue();
        assertThat(signal.displayName()).contains("s3://finance-prod/payroll/2024-07.csv", "s3://finance-prod/keys/deploy.pem");
        assertThat(signal.evidence().customDetails()).containsEntry("Read", "s3://finance-prod/payroll/2024-07.csv, s3://finance-prod/keys/deploy.pem");
        assertThat(signal.evidence().eventIds()).containsExactlyInAnyOrder("list", "get-1", "get-2");
        assertThat(signal.evidence().contexts()).contains("unknown_ip", "off_hours");

        assertThat(fixture.incidents()).isNotEmpty();
        Alert last = fixture.incidents().get(fixture.incidents().size() - 1);
        assertThat(last.incident().incidentId()).isEqualTo(signal.incident().incidentId());
        assertThat(last.stages()).contains("discovery", "collection");
        assertThat(last.rating().severity().ordinal()).isGreaterThanOrEqualTo(Severity.Medium.ordinal());
        assertThat(last.incident().signals()).extracting(s -> s.ruleId()).contains(RULE);
    }

    @Test
    void theInstanceReadingFromItsOwnAddressWithoutListingOpensNoIncident() throws Exception {
        PipelineFixture fixture = new PipelineFixture();
        // 18.236.0.0/15 is an EC2 range of us-west-2 in the bundled AWS ranges: the instance's own public IP.
        String own = "18.236.10.20";
        fixture.run(List.of(
                instanceCall("get-1", NIGHT.plusSeconds(40), "GetObject", own, "us-west-2",
                        "{\"bucketName\":\"finance-prod\",\"key\":\"payroll/2024-07.csv\"}"),
                instanceCall("get-2", NIGHT.plusSeconds(52), "GetObject", own, "us-west-2",
                        "{\"bucketName\":\"finance-prod\",\"key\":\"reports/2024-07-summary.csv\"}")));

        assertThat(fixture.signals()).extracting(a -> a.rule().ruleId()).doesNotContain(RULE);
        assertThat(fixture.incidents()).isEmpty();
    }

    static CloudTrailEvent instanceCall(String id, Instant time, String name, String ip, String region, String request) {
        String role = "web-app-role";
        String session = "i-0a1b2c3d4e5f67890";
        return CloudTrailEvent.builder().eventID(id).eventTime(time).eventName(name).eventSource("s3.amazonaws.com")
                .awsRegion(region).sourceIPAddress(ip).userAgent("aws-cli/2.15.28").userIdentityType("AssumedRole")
                .principalId("AROAEXAMPLEROLE00001:" + session)
                .arn("arn:aws:sts::" + ACCOUNT + ":assumed-role/" + role + "/" + session).accountId(ACCOUNT)
                .accessKeyId("ASIAEXAMPLEKEY000001")
                .sessionIssuerArn("arn:aws:iam::" + ACCOUNT + ":role/" + role).sessionIssuerUserName(role)
                .recipientAccountId(ACCOUNT).requestParameters(request).build();
    }
}
