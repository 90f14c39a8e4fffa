package io.trailsentry.context;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Policy documents in the shapes CloudTrail logs them. Cases marked "stratus" are copied from the
 * Stratus Red Team detonation logs; the CloudTrail bucket policy is AWS's documented one.
 */
class PolicyDocumentsTest {

    static final String OWN = "111122223333";

    /** aws.persistence.iam-backdoor-role (UpdateAssumeRolePolicy.policyDocument, as logged, with its newlines). */
    static final String STRATUS_BACKDOOR_TRUST = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n"
            + "      \"Effect\": \"Allow\",\n      \"Principal\": {\n        \"Service\": \"ec2.amazonaws.com\"\n      },\n"
            + "      \"Action\": \"sts:AssumeRole\"\n    },\n    {\n      \"Effect\": \"Allow\",\n      \"Principal\": {\n"
            + "        \"AWS\": \"arn:aws:iam::193672423079:root\"\n      },\n      \"Action\": \"sts:AssumeRole\"\n    }\n  ]\n}";
    /** aws.persistence.sts-federation-token (GetFederationToken.policy). */
    static final String STRATUS_FEDERATION_ADMIN = "{\n\t\t\"Version\": \"2012-10-17\",\n\t\t\"Statement\": [\n\t\t\t{\n"
            + "\t\t\t\t\"Effect\": \"Allow\",\n\t\t\t\t\"Action\": \"*\",\n\t\t\t\t\"Resource\": \"*\"\n\t\t\t}\n\t\t]\n\t}";
    /** The bucket policy a trail needs (PutBucketPolicy.bucketPolicy as requestParameter gives it: compact JSON). */
    static final String CLOUDTRAIL_BUCKET = "{\"Version\":\"2012-10-17\",\"Statement\":["
            + "{\"Sid\":\"AWSCloudTrailAclCheck\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},"
            + "\"Action\":\"s3:GetBucketAcl\",\"Resource\":\"arn:aws:s3:::trail-bucket\","
            + "\"Condition\":{\"StringEquals\":{\"aws:SourceArn\":\"arn:aws:cloudtrail:us-east-1:111122223333:trail/main\"}}},"
            + "{\"Sid\":\"AWSCloudTrailWrite\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"cloudtrail.amazonaws.com\"},"
            + "\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::trail-bucket/AWSLogs/111122223333/*\","
            + "\"Condition\":{\"StringEquals\":{\"s3:x-amz-acl\":\"bucket-owner-full-control\",\"aws:SourceArn\":\"arn:aws:cloudtrail:us-east-1:111122223333:trail/main\"}}}]}";

    static String statement(String body) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{" + body + "}]}";
    }

    static Stream<Arguments> publicCases() {
        return Stream.of(
                Arguments.of("Principal *", statement("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\""), true),
                Arguments.of("AWS *", statement("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"s3:GetObject\",\"Resource\":\"*\""), true),
                Arguments.of("* in a list", statement("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam::111122223333:root\",\"*\"]},\"Action\":\"sqs:*\""), true),
                Arguments.of("any account's role", statement("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::*:role/x\"},\"Action\":\"sts:AssumeRole\""), true),
                Arguments.of("Allow with NotPrincipal", statement("\"Effect\":\"Allow\",\"NotPrincipal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"s3:*\""), true),
                Arguments.of("single statement object", "{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\"}}", true),
                Arguments.of("condition on a key that does not narrow the caller",
                        statement("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"true\"}}"), true),
                Arguments.of("negated org condition lets everyone else in",
                        statement("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Condition\":{\"StringNotEquals\":{\"aws:PrincipalOrgID\":\"o-abc\"}}"), true),
                Arguments.of("wildcard source ARN narrows nothing",
                        statement("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"sns:Publish\",\"Condition\":{\"ArnLike\":{\"aws:SourceArn\":\"*\"}}"), true),
                Arguments.of("URL-encoded", URLEncoder.encode(statement("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\""), StandardCharsets.UTF_8), true),
                Arguments.of("JSON string holding the policy", "\"" + statement("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\"").replace("\"", "\\\"") + "\"", true),
                // near misses
                Arguments.of("CloudTrail's bucket policy (service principal)", CLOUDTRAIL_BUCKET, false),
                Arguments.of("stratus backdoor trust (one account)", STRATUS_BACKDOOR_TRUST, false),
                Arguments.of("Deny *", statement("\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}"), false),
                Arguments.of("* narrowed by org", statement("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalOrgID\":\"o-abc\"}}"), false),
                Arguments.of("* narrowed by source account (any case)", statement("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sns:Publish\",\"Condition\":{\"StringEquals\":{\"AWS:SourceAccount\":\"111122223333\"}}"), false),
                Arguments.of("* narrowed by VPC endpoint", statement("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Condition\":{\"StringEquals\":{\"aws:SourceVpce\":\"vpce-1a2b3c4d\"}}"), false),
                Arguments.of("* narrowed by source IP", statement("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Condition\":{\"IpAddress\":{\"aws:SourceIp\":\"203.0.113.0/24\"}}"), false),
                Arguments.of("KMS caller account", statement("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"kms:Decrypt\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"kms:CallerAccount\":\"111122223333\",\"kms:ViaService\":\"ec2.us-east-1.amazonaws.com\"}}"), false),
                Arguments.of("null", null, false),
                Arguments.of("empty", "", false),
                Arguments.of("junk", "{\"Statement\":", false),
                Arguments.of("not a policy", "{\"userName\":\"bob\"}", false),
                Arguments.of("statement is a number", "{\"Statement\":42}", false),
                Arguments.of("bad URL escape", "%7B%zz", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("publicCases")
    void allowsPublic(String name, String policy, boolean expected) {
        assertThat(PolicyDocuments.allowsPublic(policy)).isEqualTo(expected);
    }

    static Stream<Arguments> otherAccountCases() {
        return Stream.of(
                Arguments.of("stratus backdoor trust", STRATUS_BACKDOOR_TRUST, OWN, true),
                Arguments.of("bare account id", statement("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"999988887777\"},\"Action\":\"s3:GetObject\""), OWN, true),
                Arguments.of("another account's user in a list", statement("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"arn:aws:iam::111122223333:root\",\"arn:aws:iam::999988887777:user/x\"]},\"Action\":\"s3:GetObject\""), OWN, true),
                Arguments.of("STS session ARN of another account", statement("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:sts::999988887777:assumed-role/r/s\"},\"Action\":\"s3:GetObject\""), OWN, true),
                // near misses
                Arguments.of("own account only", statement("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":\"sts:AssumeRole\""), OWN, false),
                Arguments.of("CloudTrail's bucket policy", CLOUDTRAIL_BUCKET, OWN, false),
                Arguments.of("service principal", statement("\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"lambda.amazonaws.com\"},\"Action\":\"sts:AssumeRole\""), OWN, false),
                Arguments.of("federated provider", statement("\"Effect\":\"Allow\",\"Principal\":{\"Federated\":\"arn:aws:iam::999988887777:saml-provider/x\"},\"Action\":\"sts:AssumeRoleWithSAML\""), OWN, false),
                Arguments.of("public is not an account", statement("\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\""), OWN, false),
                Arguments.of("Deny to another account", statement("\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"999988887777\"},\"Action\":\"s3:*\""), OWN, false),
                Arguments.of("unique id of a deleted principal", statement("\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"AIDAEXAMPLE1234567890\"},\"Action\":\"s3:*\""), OWN, false),
                Arguments.of("own account unknown", STRATUS_BACKDOOR_TRUST, null, false),
                Arguments.of("junk", "[", OWN, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherAccountCases")
    void grantsOtherAccount(String name, String policy, String own, boolean expected) {
        assertThat(PolicyDocuments.grantsOtherAccount(policy, own)).isEqualTo(expected);
    }

    static Stream<Arguments> adminCases() {
        return Stream.of(
                Arguments.of("stratus federation token *", STRATUS_FEDERATION_ADMIN, true),
                Arguments.of("*:* on * in lists", statement("\"Effect\":\"Allow\",\"Action\":[\"*:*\"],\"Resource\":[\"*\"]"), true),
                Arguments.of("NotAction on *", statement("\"Effect\":\"Allow\",\"NotAction\":\"iam:*\",\"Resource\":\"*\""), true),
                Arguments.of("* on NotResource", statement("\"Effect\":\"Allow\",\"Action\":\"*\",\"NotResource\":\"arn:aws:s3:::audit/*\""), true),
                Arguments.of("admin behind MFA is admin", statement("\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:MultiFactorAuthPresent\":\"true\"}}"), true),
                // near misses
                Arguments.of("service wildcard", statement("\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\""), false),
                Arguments.of("* on one bucket", statement("\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"arn:aws:s3:::b/*\""), false),
                Arguments.of("Deny *", statement("\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\""), false),
                Arguments.of("trust policy (no Resource)", STRATUS_BACKDOOR_TRUST, false),
                Arguments.of("null", null, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("adminCases")
    void grantsAdmin(String name, String policy, boolean expected) {
        assertThat(PolicyDocuments.grantsAdmin(policy)).isEqualTo(expected);
    }
}
