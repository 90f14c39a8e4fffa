package io.trailsentry.context;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * S3 ACLs, resource sharing, ingress rules, trail logging and lifecycle expiry, each on the
 * {@code requestParameters} CloudTrail logs (compact JSON, as the event keeps it). Cases marked
 * "stratus" are the Stratus Red Team detonation logs' requests; the others follow the AWS API
 * reference and the community rules' test events (Panther's short-lifecycle and PutBucketAcl samples).
 */
class RequestAnalysesTest {

    private static final String ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers";

    static Stream<Arguments> acls() {
        String grant = "{\"bucketName\":\"b\",\"acl\":[\"\"],\"AccessControlPolicy\":{\"AccessControlList\":{\"Grant\":%s},"
                + "\"xmlns\":\"http://s3.amazonaws.com/doc/2006-03-01/\",\"Owner\":{\"ID\":\"abc\"}}}";
        String owner = "{\"Grantee\":{\"xsi:type\":\"CanonicalUser\",\"ID\":\"abc\"},\"Permission\":\"FULL_CONTROL\"}";
        String everyone = "{\"Grantee\":{\"xsi:type\":\"Group\",\"URI\":\"" + ALL_USERS + "\"},\"Permission\":\"READ\"}";
        String anyAccount = "{\"Grantee\":{\"xsi:type\":\"Group\",\"URI\":\"http://acs.amazonaws.com/groups/global/AuthenticatedUsers\"},\"Permission\":\"WRITE\"}";
        String logDelivery = "{\"Grantee\":{\"xsi:type\":\"Group\",\"URI\":\"http://acs.amazonaws.com/groups/s3/LogDelivery\"},\"Permission\":\"WRITE\"}";
        return Stream.of(
                Arguments.of("canned public-read header", "{\"bucketName\":\"b\",\"acl\":[\"\"],\"x-amz-acl\":[\"public-read\"]}", true),
                Arguments.of("canned public-read-write as a string", "{\"bucketName\":\"b\",\"x-amz-acl\":\"public-read-write\"}", true),
                Arguments.of("canned authenticated-read", "{\"bucketName\":\"b\",\"x-amz-acl\":[\"authenticated-read\"]}", true),
                Arguments.of("grant header to AllUsers", "{\"bucketName\":\"b\",\"x-amz-grant-read\":[\"uri=" + ALL_USERS + "\"]}", true),
                Arguments.of("body grant to AllUsers among others", String.format(grant, "[" + owner + "," + everyone + "]"), true),
                Arguments.of("body grant to AuthenticatedUsers, single object", String.format(grant, anyAccount), true),
                Arguments.of("lower-camel exporter keys", "{\"accessControlPolicy\":{\"accessControlList\":{\"grant\":[{\"grantee\":{\"uri\":\"" + ALL_USERS + "\"}}]}}}", true),
                // near misses
                Arguments.of("canned private", "{\"bucketName\":\"b\",\"acl\":[\"\"],\"x-amz-acl\":[\"private\"]}", false),
                Arguments.of("canned bucket-owner-full-control", "{\"x-amz-acl\":[\"bucket-owner-full-control\"]}", false),
                Arguments.of("owner only", String.format(grant, owner), false),
                Arguments.of("log delivery group", String.format(grant, "[" + owner + "," + logDelivery + "]"), false),
                Arguments.of("grant header to an account", "{\"x-amz-grant-read\":[\"id=abc123\"]}", false),
                Arguments.of("empty grant list", String.format(grant, "[]"), false),
                Arguments.of("null", null, false),
                Arguments.of("junk", "{{", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("acls")
    void aclGrantsPublic(String name, String request, boolean expected) {
        assertThat(S3Acls.grantsPublic(request)).isEqualTo(expected);
    }

    static Stream<Arguments> sharing() {
        return Stream.of(
                Arguments.of("stratus EBS snapshot to an account",
                        "{\"attributeType\":\"CREATE_VOLUME_PERMISSION\",\"createVolumePermission\":{\"add\":{\"items\":[{\"userId\":\"098797384747\"}]}},\"snapshotId\":\"snap-041993b54a9b3af6f\"}", true, false),
                Arguments.of("EBS snapshot public", "{\"createVolumePermission\":{\"add\":{\"items\":[{\"group\":\"all\"}]}},\"snapshotId\":\"snap-1\"}", true, true),
                Arguments.of("stratus AMI to an account",
                        "{\"attributeType\":\"launchPermission\",\"imageId\":\"ami-de1fbCab6ccB03e6D\",\"launchPermission\":{\"add\":{\"items\":[{\"userId\":\"846424999548\"}]}}}", true, false),
                Arguments.of("AMI public", "{\"imageId\":\"ami-1\",\"launchPermission\":{\"add\":{\"items\":[{\"group\":\"all\"}]}}}", true, true),
                Arguments.of("AMI to an organisation", "{\"imageId\":\"ami-1\",\"launchPermission\":{\"add\":{\"items\":[{\"organizationArn\":\"arn:aws:organizations::111122223333:organization/o-abc\"}]}}}", true, false),
                Arguments.of("AMI public, removing another at once", "{\"launchPermission\":{\"remove\":{\"items\":[{\"userId\":\"1\"}]},\"add\":{\"items\":[{\"group\":\"all\"}]}}}", true, true),
                Arguments.of("query form add", "{\"imageId\":\"ami-1\",\"operationType\":\"add\",\"userIds\":{\"items\":[\"999988887777\"]}}", true, false),
                Arguments.of("stratus RDS snapshot to an account",
                        "{\"attributeName\":\"restore\",\"dBSnapshotIdentifier\":\"exfiltration\",\"valuesToAdd\":[\"503161813013\"]}", true, false),
                Arguments.of("RDS cluster snapshot public", "{\"attributeName\":\"restore\",\"dBClusterSnapshotIdentifier\":\"c\",\"valuesToAdd\":[\"all\"]}", true, true),
                // near misses
                Arguments.of("EBS snapshot permission removed", "{\"createVolumePermission\":{\"remove\":{\"items\":[{\"userId\":\"098797384747\"}]}},\"snapshotId\":\"snap-1\"}", false, false),
                Arguments.of("AMI empty add", "{\"launchPermission\":{\"add\":{}},\"imageId\":\"ami-1\"}", false, false),
                Arguments.of("AMI empty items", "{\"launchPermission\":{\"add\":{\"items\":[]}},\"imageId\":\"ami-1\"}", false, false),
                Arguments.of("AMI description changed", "{\"imageId\":\"ami-1\",\"attributeType\":\"description\",\"description\":{\"value\":\"web\"}}", false, false),
                Arguments.of("RDS restore access removed", "{\"attributeName\":\"restore\",\"dBSnapshotIdentifier\":\"s\",\"valuesToRemove\":[\"all\"]}", false, false),
                Arguments.of("RDS empty add", "{\"attributeName\":\"restore\",\"valuesToAdd\":[]}", false, false),
                Arguments.of("RDS other attribute", "{\"attributeName\":\"something-else\",\"valuesToAdd\":[\"all\"]}", false, false),
                Arguments.of("query form remove", "{\"operationType\":\"remove\",\"userIds\":{\"items\":[\"999988887777\"]}}", false, false),
                Arguments.of("null", null, false, false),
                Arguments.of("junk", "]", false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sharing")
    void sharesWithOthersAndPublicly(String name, String request, boolean withOthers, boolean publicly) {
        assertThat(ResourceSharing.sharesWithOthers(request)).as("with others").isEqualTo(withOthers);
        assertThat(ResourceSharing.sharesPublicly(request)).as("publicly").isEqualTo(publicly);
    }

    static Stream<Arguments> ingress() {
        String permissions = "{\"groupId\":\"sg-1\",\"ipPermissions\":{\"items\":[%s]}}";
        String ssh = "{\"ipProtocol\":\"tcp\",\"fromPort\":22,\"toPort\":22,\"groups\":{},\"ipRanges\":{\"items\":[{\"cidrIp\":\"0.0.0.0/0\"}]},\"ipv6Ranges\":{},\"prefixListIds\":{}}";
        String webV6 = "{\"ipProtocol\":\"tcp\",\"fromPort\":80,\"toPort\":443,\"ipRanges\":{},\"ipv6Ranges\":{\"items\":[{\"cidrIpv6\":\"::/0\"}]}}";
        String office = "{\"ipProtocol\":\"tcp\",\"fromPort\":3389,\"toPort\":3389,\"ipRanges\":{\"items\":[{\"cidrIp\":\"203.0.113.0/24\"}]}}";
        String allTraffic = "{\"ipProtocol\":\"-1\",\"ipRanges\":{\"items\":[{\"cidrIp\":\"0.0.0.0/0\",\"description\":\"any\"}]}}";
        String group = "{\"ipProtocol\":\"tcp\",\"fromPort\":5432,\"toPort\":5432,\"groups\":{\"items\":[{\"groupId\":\"sg-2\"}]}}";
        String icmp = "{\"ipProtocol\":\"icmp\",\"fromPort\":-1,\"toPort\":-1,\"ipRanges\":{\"items\":[{\"cidrIp\":\"0.0.0.0/0\"}]}}";
        String udpAll = "{\"ipProtocol\":\"17\",\"ipRanges\":{\"items\":[{\"cidrIp\":\"0.0.0.0/0\"}]}}";
        return Stream.of(
                Arguments.of("stratus top-level form, anonymised /0",
                        "{\"cidrIp\":\"208.236.235.254/0\",\"fromPort\":22,\"groupId\":\"sg-003dc7f1f1c686164\",\"ipPermissions\":{},\"ipProtocol\":\"tcp\",\"toPort\":22}",
                        true, "22/tcp", true),
                Arguments.of("ssh to the world", String.format(permissions, ssh), true, "22/tcp", true),
                Arguments.of("web over IPv6 beside an office RDP rule", String.format(permissions, office + "," + webV6), true, "80-443/tcp", false),
                Arguments.of("all traffic", String.format(permissions, allTraffic), true, "all", true),
                Arguments.of("udp by number, no ports", String.format(permissions, udpAll), true, "all/udp", true),
                Arguments.of("icmp", String.format(permissions, icmp), true, "icmp", false),
                Arguments.of("two open, in request order", String.format(permissions, webV6 + "," + ssh), true, "80-443/tcp,22/tcp", true),
                Arguments.of("wide range covering 3306",
                        String.format(permissions, "{\"ipProtocol\":\"tcp\",\"fromPort\":1024,\"toPort\":65535,\"ipRanges\":{\"items\":[{\"cidrIp\":\"0.0.0.0/0\"}]}}"),
                        true, "1024-65535/tcp", true),
                Arguments.of("ModifySecurityGroupRules",
                        "{\"ModifySecurityGroupRulesRequest\":{\"GroupId\":\"sg-1\",\"SecurityGroupRule\":{\"SecurityGroupRuleId\":\"sgr-1\","
                                + "\"SecurityGroupRule\":{\"IpProtocol\":\"tcp\",\"FromPort\":3389,\"ToPort\":3389,\"CidrIpv4\":\"0.0.0.0/0\"}}}}",
                        true, "3389/tcp", true),
                // near misses
                Arguments.of("office network only", String.format(permissions, office), false, null, false),
                Arguments.of("another security group", String.format(permissions, group), false, null, false),
                Arguments.of("top-level form, private network", "{\"groupId\":\"sg-1\",\"ipProtocol\":\"tcp\",\"fromPort\":22,\"toPort\":22,\"cidrIp\":\"10.0.0.0/8\"}", false, null, false),
                Arguments.of("egress rule object", "{\"securityGroupRuleSet\":{\"items\":[{\"ipProtocol\":\"-1\",\"isEgress\":true,\"cidrIpv4\":\"0.0.0.0/0\"}]}}", false, null, false),
                Arguments.of("null", null, false, null, false),
                Arguments.of("junk", "{\"ipPermissions\":", false, null, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("ingress")
    void ingressOpenToTheWorld(String name, String request, boolean open, String ports, boolean sensitive) {
        assertThat(IngressRules.openToWorld(request)).as("open").isEqualTo(open);
        assertThat(IngressRules.openPorts(request)).as("ports").isEqualTo(ports);
        assertThat(IngressRules.openToWorldOn(request, "22, 3389,3306,5432,1433,6379,9200,27017")).as("sensitive").isEqualTo(sensitive);
    }

    static Stream<Arguments> portLists() {
        String ssh = "{\"ipProtocol\":\"tcp\",\"fromPort\":22,\"toPort\":22,\"cidrIp\":\"0.0.0.0/0\"}";
        return Stream.of(
                Arguments.of(ssh, "22", true),
                Arguments.of(ssh, "2222", false),
                Arguments.of(ssh, "junk, 22x,", false),
                Arguments.of(ssh, "", false),
                Arguments.of(ssh, null, false),
                Arguments.of(null, "22", false));
    }

    @ParameterizedTest
    @MethodSource("portLists")
    void portListsAreTotal(String request, String ports, boolean expected) {
        assertThat(IngressRules.openToWorldOn(request, ports)).isEqualTo(expected);
    }

    static Stream<Arguments> eventSelectors() {
        return Stream.of(
                Arguments.of("stratus: management events excluded, read-only data events",
                        "{\"eventSelectors\":[{\"dataResources\":[{\"type\":\"AWS::S3::Object\",\"values\":[]},{\"type\":\"AWS::Lambda::Function\",\"values\":[]}],"
                                + "\"excludeManagementEventSources\":[],\"includeManagementEvents\":false,\"readWriteType\":\"ReadOnly\"}],"
                                + "\"trailName\":\"stratus-red-team-ctes-trail-khlvciwdor\"}", true),
                Arguments.of("write-only management", "{\"trailName\":\"t\",\"eventSelectors\":[{\"includeManagementEvents\":true,\"readWriteType\":\"WriteOnly\"}]}", true),
                Arguments.of("KMS events excluded", "{\"trailName\":\"t\",\"eventSelectors\":[{\"includeManagementEvents\":true,\"readWriteType\":\"All\",\"excludeManagementEventSources\":[\"kms.amazonaws.com\"]}]}", true),
                Arguments.of("no selector at all", "{\"trailName\":\"t\",\"eventSelectors\":[]}", true),
                Arguments.of("advanced: data events only",
                        "{\"trailName\":\"t\",\"advancedEventSelectors\":[{\"name\":\"S3\",\"fieldSelectors\":[{\"field\":\"eventCategory\",\"equals\":[\"Data\"]},{\"field\":\"resources.type\",\"equals\":[\"AWS::S3::Object\"]}]}]}", true),
                Arguments.of("advanced: management reads only",
                        "{\"trailName\":\"t\",\"advancedEventSelectors\":[{\"fieldSelectors\":[{\"field\":\"eventCategory\",\"equals\":[\"Management\"]},{\"field\":\"readOnly\",\"equals\":[\"true\"]}]}]}", true),
                Arguments.of("advanced: management minus KMS",
                        "{\"trailName\":\"t\",\"advancedEventSelectors\":[{\"fieldSelectors\":[{\"field\":\"eventCategory\",\"equals\":[\"Management\"]},{\"field\":\"eventSource\",\"notEquals\":[\"kms.amazonaws.com\"]}]}]}", true),
                Arguments.of("advanced: all management, data minus GetObject",
                        "{\"trailName\":\"t\",\"advancedEventSelectors\":[{\"fieldSelectors\":[{\"field\":\"eventCategory\",\"equals\":[\"Management\"]}]},"
                                + "{\"fieldSelectors\":[{\"field\":\"eventCategory\",\"equals\":[\"Data\"]},{\"field\":\"eventName\",\"notEquals\":[\"GetObject\"]}]}]}", true),
                // near misses: selectors that keep or add logging
                Arguments.of("defaults (management, All)", "{\"trailName\":\"t\",\"eventSelectors\":[{\"includeManagementEvents\":true,\"readWriteType\":\"All\"}]}", false),
                Arguments.of("adds S3 data events", "{\"trailName\":\"t\",\"eventSelectors\":[{\"includeManagementEvents\":true,\"readWriteType\":\"All\","
                        + "\"excludeManagementEventSources\":[],\"dataResources\":[{\"type\":\"AWS::S3::Object\",\"values\":[\"arn:aws:s3\"]}]}]}", false),
                Arguments.of("reads and writes in two selectors", "{\"eventSelectors\":[{\"readWriteType\":\"ReadOnly\"},{\"readWriteType\":\"WriteOnly\"}]}", false),
                Arguments.of("flags as text", "{\"eventSelectors\":[{\"includeManagementEvents\":\"true\",\"readWriteType\":\"All\"}]}", false),
                Arguments.of("advanced: all management plus data",
                        "{\"trailName\":\"t\",\"advancedEventSelectors\":[{\"name\":\"mgmt\",\"fieldSelectors\":[{\"field\":\"eventCategory\",\"equals\":[\"Management\"]}]},"
                                + "{\"fieldSelectors\":[{\"field\":\"eventCategory\",\"equals\":[\"Data\"]},{\"field\":\"resources.type\",\"equals\":[\"AWS::S3::Object\"]}]}]}", false),
                Arguments.of("advanced: management reads and writes in two selectors",
                        "{\"advancedEventSelectors\":[{\"fieldSelectors\":[{\"field\":\"eventCategory\",\"equals\":[\"Management\"]},{\"field\":\"readOnly\",\"equals\":[\"true\"]}]},"
                                + "{\"fieldSelectors\":[{\"field\":\"eventCategory\",\"equals\":[\"Management\"]},{\"field\":\"readOnly\",\"equals\":[\"false\"]}]}]}", false),
                Arguments.of("GetEventSelectors-like request", "{\"trailName\":\"t\"}", false),
                Arguments.of("null", null, false),
                Arguments.of("junk", "{\"eventSelectors\":[", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("eventSelectors")
    void eventSelectorsReduceLogging(String name, String request, boolean expected) {
        assertThat(LoggingChanges.eventSelectorsReduceLogging(request)).isEqualTo(expected);
    }

    static Stream<Arguments> trailUpdates() {
        return Stream.of(
                Arguments.of("single region now", "{\"name\":\"main\",\"isMultiRegionTrail\":false}", true, false),
                Arguments.of("global services off", "{\"name\":\"main\",\"includeGlobalServiceEvents\":false}", true, false),
                Arguments.of("validation off (as text)", "{\"name\":\"main\",\"enableLogFileValidation\":\"false\"}", true, false),
                Arguments.of("organisation trail off", "{\"name\":\"main\",\"isOrganizationTrail\":false}", true, false),
                Arguments.of("CloudWatch delivery removed", "{\"name\":\"main\",\"cloudWatchLogsLogGroupArn\":\"\",\"cloudWatchLogsRoleArn\":\"\"}", true, false),
                Arguments.of("logs to another bucket", "{\"name\":\"main\",\"s3BucketName\":\"attacker-bucket\"}", false, true),
                Arguments.of("encryption removed", "{\"name\":\"main\",\"kmsKeyId\":\"\"}", false, true),
                Arguments.of("new prefix and key", "{\"name\":\"main\",\"s3KeyPrefix\":\"x\",\"kmsKeyId\":\"arn:aws:kms:us-east-1:1:key/k\"}", false, true),
                // near misses: the lab account's root setting its trail up
                Arguments.of("turned into a multi-region trail with validation",
                        "{\"name\":\"main\",\"isMultiRegionTrail\":true,\"includeGlobalServiceEvents\":true,\"enableLogFileValidation\":true}", false, false),
                Arguments.of("SNS topic only", "{\"name\":\"main\",\"snsTopicName\":\"trail-notes\"}", false, false),
                Arguments.of("null", null, false, false),
                Arguments.of("junk", "nope", false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("trailUpdates")
    void trailUpdates(String name, String request, boolean reduces, boolean redirects) {
        assertThat(LoggingChanges.trailUpdateReducesLogging(request)).as("reduces").isEqualTo(reduces);
        assertThat(LoggingChanges.trailUpdateRedirectsLogs(request)).as("redirects").isEqualTo(redirects);
    }

    static Stream<Arguments> lifecycles() {
        String rule = "{\"Host\":\"trail.s3.us-west-2.amazonaws.com\",\"bucketName\":\"trail\",\"lifecycle\":\"\","
                + "\"LifecycleConfiguration\":{\"Rule\":%s,\"xmlns\":\"http://s3.amazonaws.com/doc/2006-03-01/\"}}";
        return Stream.of(
                Arguments.of("one-day expiry (Panther's sample)",
                        String.format(rule, "{\"Expiration\":{\"Days\":1},\"Filter\":{\"Prefix\":\"*\"},\"ID\":\"nuke\",\"Status\":\"Enabled\"}"), true, 1),
                Arguments.of("days as text, two rules",
                        String.format(rule, "[{\"Expiration\":{\"Days\":\"30\"},\"Status\":\"Enabled\"},{\"Expiration\":{\"Days\":\"3\"},\"Status\":\"Enabled\"}]"), true, 3),
                Arguments.of("expiry by date", String.format(rule, "{\"Expiration\":{\"Date\":\"2024-12-01T00:00:00Z\"},\"Status\":\"Enabled\"}"), true, null),
                Arguments.of("730 days", String.format(rule, "{\"Expiration\":{\"Days\":730},\"Filter\":\"\",\"NoncurrentVersionExpiration\":{\"NoncurrentDays\":730},\"Status\":\"Enabled\"}"), true, 730),
                // near misses
                Arguments.of("disabled rule", String.format(rule, "{\"Expiration\":{\"Days\":1},\"Status\":\"Disabled\"}"), false, null),
                Arguments.of("transition only", String.format(rule, "{\"Transition\":{\"Days\":30,\"StorageClass\":\"GLACIER\"},\"Status\":\"Enabled\"}"), false, null),
                Arguments.of("noncurrent versions only", String.format(rule, "{\"NoncurrentVersionExpiration\":{\"NoncurrentDays\":1},\"Status\":\"Enabled\"}"), false, null),
                Arguments.of("delete markers only", String.format(rule, "{\"Expiration\":{\"ExpiredObjectDeleteMarker\":true},\"Status\":\"Enabled\"}"), false, null),
                Arguments.of("GetBucketLifecycle", "{\"Host\":\"s3.us-west-2.amazonaws.com\",\"bucketName\":\"trail\",\"lifecycle\":\"\"}", false, null),
                Arguments.of("null", null, false, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lifecycles")
    void lifecycleExpiry(String name, String request, boolean expires, Integer days) {
        assertThat(LifecycleRules.expiresObjects(request)).as("expires").isEqualTo(expires);
        assertThat(LifecycleRules.shortestExpirationDays(request)).as("days").isEqualTo(days);
    }
}
