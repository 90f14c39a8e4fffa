package io.trailsentry.context;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * EKS control-plane logging, Bedrock invocation logging, S3 Block Public Access and Security Hub
 * finding updates, each on the {@code requestParameters} CloudTrail logs (compact JSON). Shapes follow
 * the AWS API references and the community rules' samples (Falco's public-access-block field paths,
 * Elastic's EKS and Bedrock rules); every table has its near misses: the request that keeps or turns
 * the control on.
 */
class ControlSwitchesTest {

    static Stream<Arguments> eksLogging() {
        return Stream.of(
                Arguments.of("audit and api off", "{\"name\":\"prod\",\"logging\":{\"clusterLogging\":[{\"types\":[\"api\",\"audit\"],\"enabled\":false}]}}", "api,audit"),
                Arguments.of("one entry on, one off", "{\"name\":\"prod\",\"logging\":{\"clusterLogging\":["
                        + "{\"types\":[\"api\"],\"enabled\":true},{\"types\":[\"audit\",\"authenticator\"],\"enabled\":false}]}}", "audit,authenticator"),
                Arguments.of("enabled as text", "{\"logging\":{\"clusterLogging\":[{\"types\":[\"scheduler\"],\"enabled\":\"false\"}]}}", "scheduler"),
                Arguments.of("a single entry object", "{\"logging\":{\"clusterLogging\":{\"types\":[\"audit\"],\"enabled\":false}}}", "audit"),
                // near misses
                Arguments.of("types enabled", "{\"name\":\"prod\",\"logging\":{\"clusterLogging\":[{\"types\":[\"api\",\"audit\"],\"enabled\":true}]}}", null),
                Arguments.of("off with no types", "{\"logging\":{\"clusterLogging\":[{\"types\":[],\"enabled\":false}]}}", null),
                Arguments.of("networking update only", "{\"name\":\"prod\",\"resourcesVpcConfig\":{\"endpointPublicAccess\":false}}", null),
                Arguments.of("null", null, null),
                Arguments.of("junk", "{\"logging\":", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eksLogging")
    void eksLoggingDisabledTypes(String name, String request, String expected) {
        assertThat(ControlSwitches.eksLoggingDisabledTypes(request)).isEqualTo(expected);
    }

    static Stream<Arguments> invocationLogging() {
        return Stream.of(
                Arguments.of("no destination", "{\"loggingConfig\":{\"textDataDeliveryEnabled\":true}}", true),
                Arguments.of("text delivery off", "{\"loggingConfig\":{\"s3Config\":{\"bucketName\":\"ai-logs\"},\"textDataDeliveryEnabled\":false,"
                        + "\"imageDataDeliveryEnabled\":true}}", true),
                Arguments.of("text flag omitted (off by default)", "{\"loggingConfig\":{\"cloudWatchConfig\":{\"logGroupName\":\"/bedrock\","
                        + "\"roleArn\":\"arn:aws:iam::111122223333:role/b\"},\"embeddingDataDeliveryEnabled\":true}}", true),
                Arguments.of("empty bucket name", "{\"loggingConfig\":{\"s3Config\":{\"bucketName\":\"\"},\"textDataDeliveryEnabled\":true}}", true),
                // near misses
                Arguments.of("text to S3", "{\"loggingConfig\":{\"s3Config\":{\"bucketName\":\"ai-logs\",\"keyPrefix\":\"invocations\"},"
                        + "\"textDataDeliveryEnabled\":true,\"imageDataDeliveryEnabled\":false}}", false),
                Arguments.of("text to CloudWatch Logs, flag as text", "{\"loggingConfig\":{\"cloudWatchConfig\":{\"logGroupName\":\"/bedrock\"},"
                        + "\"textDataDeliveryEnabled\":\"true\"}}", false),
                Arguments.of("another request", "{\"guardrailIdentifier\":\"g-1\"}", false),
                Arguments.of("null", null, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invocationLogging")
    void invocationLoggingReduced(String name, String request, boolean expected) {
        assertThat(ControlSwitches.invocationLoggingReduced(request)).isEqualTo(expected);
    }

    static Stream<Arguments> publicAccessBlocks() {
        String bucket = "{\"bucketName\":\"b\",\"publicAccessBlock\":\"\",\"PublicAccessBlockConfiguration\":{"
                + "\"xmlns\":\"http://s3.amazonaws.com/doc/2006-03-01/\",%s}}";
        return Stream.of(
                Arguments.of("all four off (Falco's fields)", String.format(bucket,
                        "\"BlockPublicAcls\":false,\"IgnorePublicAcls\":false,\"BlockPublicPolicy\":false,\"RestrictPublicBuckets\":false"), true),
                Arguments.of("policy block off only", String.format(bucket,
                        "\"BlockPublicAcls\":true,\"IgnorePublicAcls\":true,\"BlockPublicPolicy\":false,\"RestrictPublicBuckets\":true"), true),
                Arguments.of("flags omitted are off", String.format(bucket, "\"BlockPublicAcls\":true"), true),
                Arguments.of("account level, flags as text", "{\"PublicAccessBlockConfiguration\":{\"BlockPublicAcls\":\"true\",\"IgnorePublicAcls\":\"true\","
                        + "\"BlockPublicPolicy\":\"true\",\"RestrictPublicBuckets\":\"false\"}}", true),
                // near misses
                Arguments.of("all four on", String.format(bucket,
                        "\"BlockPublicAcls\":true,\"IgnorePublicAcls\":true,\"BlockPublicPolicy\":true,\"RestrictPublicBuckets\":true"), false),
                Arguments.of("lower-camel exporter, all on", "{\"publicAccessBlockConfiguration\":{\"blockPublicAcls\":true,\"ignorePublicAcls\":true,"
                        + "\"blockPublicPolicy\":true,\"restrictPublicBuckets\":true}}", false),
                Arguments.of("DeleteBucketPublicAccessBlock request (no configuration)", "{\"bucketName\":\"b\",\"publicAccessBlock\":\"\"}", false),
                Arguments.of("null", null, false),
                Arguments.of("junk", "[1,2", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("publicAccessBlocks")
    void publicAccessBlockWeakened(String name, String request, boolean expected) {
        assertThat(ControlSwitches.publicAccessBlockWeakened(request)).isEqualTo(expected);
    }

    static Stream<Arguments> findingUpdates() {
        String ids = "\"FindingIdentifiers\":[{\"Id\":\"f-1\",\"ProductArn\":\"arn:aws:securityhub:us-east-1::product/aws/guardduty\"}]";
        return Stream.of(
                Arguments.of("suppressed", "{" + ids + ",\"Workflow\":{\"Status\":\"SUPPRESSED\"},\"Note\":{\"Text\":\"fp\",\"UpdatedBy\":\"x\"}}", true),
                Arguments.of("resolved, lower-camel keys", "{\"findingIdentifiers\":[{\"id\":\"f-1\"}],\"workflow\":{\"status\":\"resolved\"}}", true),
                Arguments.of("severity set to informational", "{" + ids + ",\"Severity\":{\"Label\":\"INFORMATIONAL\"}}", true),
                Arguments.of("UpdateFindings archives", "{\"Filters\":{\"Id\":[{\"Value\":\"f-1\",\"Comparison\":\"EQUALS\"}]},\"RecordState\":\"ARCHIVED\"}", true),
                // near misses
                Arguments.of("notified (ticket opened)", "{" + ids + ",\"Workflow\":{\"Status\":\"NOTIFIED\"}}", false),
                Arguments.of("note only", "{" + ids + ",\"Note\":{\"Text\":\"looking\",\"UpdatedBy\":\"soc\"}}", false),
                Arguments.of("severity raised", "{" + ids + ",\"Severity\":{\"Label\":\"CRITICAL\"}}", false),
                Arguments.of("UpdateFindings active", "{\"Filters\":{},\"RecordState\":\"ACTIVE\"}", false),
                Arguments.of("null", null, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("findingUpdates")
    void findingUpdateSuppresses(String name, String request, boolean expected) {
        assertThat(ControlSwitches.findingUpdateSuppresses(request)).isEqualTo(expected);
    }
}
