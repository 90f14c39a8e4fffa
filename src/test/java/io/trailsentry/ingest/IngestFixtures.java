package io.trailsentry.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;

/** The two records every shape fixture under {@code src/test/resources/ingest/} is made of, built by hand. */
final class IngestFixtures {

    private IngestFixtures() {
    }

    /** {@code full-record.json}: every normalised field set, including sessionIssuer and invokedBy. */
    static CloudTrailEvent full() {
        return CloudTrailEvent.builder()
                .eventTime(Instant.parse("2024-08-01T13:33:28Z"))
                .eventName("CreateAccessKey")
                .eventSource("iam.amazonaws.com")
                .eventType("AwsApiCall")
                .awsRegion("us-east-1")
                .sourceIPAddress("cloudformation.amazonaws.com")
                .userAgent("cloudformation.amazonaws.com")
                .errorCode("LimitExceeded")
                .errorMessage("Cannot exceed quota for AccessKeysPerUser: 2")
                .readOnly(false)
                .eventID("3f0b2c1a-0000-4000-8000-00000000000a")
                .recipientAccountId("123456789012")
                .requestParameters("{\"userName\":\"bob\",\"tags\":[{\"key\":\"team\",\"value\":\"réd \\\"x\\\"\"}],"
                        + "\"maxItems\":100,\"ratio\":1.10,\"enabled\":true,\"nothing\":null}")
                .responseElements(null)
                .userIdentityType("AssumedRole")
                .principalId("AROAEXAMPLEROLEID:alice-session")
                .arn("arn:aws:sts::123456789012:assumed-role/Admin/alice-session")
                .accountId("123456789012")
                .accessKeyId("ASIAEXAMPLEKEY00001")
                .userName(null)
                .sessionIssuerArn("arn:aws:iam::123456789012:role/Admin")
                .sessionIssuerUserName("Admin")
                .invokedBy("cloudformation.amazonaws.com")
                .build();
    }

    /** The second record: fractional eventTime, readOnly as a string, recipientAccountID spelling. */
    static CloudTrailEvent second() {
        return CloudTrailEvent.builder()
                .eventTime(Instant.parse("2024-08-01T13:34:00.250Z"))
                .eventName("ListBuckets")
                .eventSource("s3.amazonaws.com")
                .eventType("AwsApiCall")
                .awsRegion("eu-west-1")
                .sourceIPAddress("203.0.113.7")
                .userAgent("aws-cli/2.15.0")
                .readOnly(true)
                .eventID("3f0b2c1a-0000-4000-8000-00000000000b")
                .recipientAccountId("123456789012")
                .requestParameters("{\"Host\":\"s3.eu-west-1.amazonaws.com\"}")
                .responseElements("{\"ok\":[1,2]}")
                .userIdentityType("IAMUser")
                .principalId("AIDAEXAMPLEUSER")
                .arn("arn:aws:iam::123456789012:user/bob")
                .accountId("123456789012")
                .accessKeyId("AKIAEXAMPLEKEY00002")
                .userName("bob")
                .build();
    }

    static byte[] resource(String name) {
        try (InputStream in = IngestFixtures.class.getResourceAsStream("/ingest/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test resource ingest/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
