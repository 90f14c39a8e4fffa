package io.trailsentry.context;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request analyses behind the collection, exfiltration and impact rules, each on the
 * {@code requestParameters} CloudTrail logs (compact JSON). Cases marked "stratus" are the Stratus Red
 * Team detonation logs' requests or its technique documentation; the others follow the AWS API
 * reference and the community rules' test events (Panther, elastic/integrations) quoted in the
 * research notes. Every analysis is total: null and junk give false / null.
 */
class ExposureRequestAnalysesTest {

    static final String OWN = "111122223333";

    static Stream<Arguments> readTargets() {
        return Stream.of(
                Arguments.of("GetObject", "{\"bucketName\":\"finance\",\"key\":\"2024/q1.csv\",\"Host\":\"finance.s3.amazonaws.com\"}", "s3://finance/2024/q1.csv"),
                Arguments.of("SelectObjectContent", "{\"bucketName\":\"logs\",\"key\":\"a.json\"}", "s3://logs/a.json"),
                Arguments.of("GetObject", "{\"bucketName\":[\"finance\"],\"key\":[\"q1.csv\"]}", "s3://finance/q1.csv"),
                Arguments.of("CopyObject", "{\"bucketName\":\"target bucket\",\"x-amz-copy-source\":\"target bucket/target file.txt\",\"key\":\"target file.txt\"}",
                        "s3://target bucket/target file.txt"),
                Arguments.of("CopyObject", "{\"bucketName\":\"evil\",\"x-amz-copy-source\":\"/finance/q%201.csv?versionId=abc\",\"key\":\"x\"}", "s3://finance/q 1.csv"),
                Arguments.of("GetSecretValue", "{\"secretId\":\"prod/db-password\"}", "secret:prod/db-password"),
                Arguments.of("BatchGetSecretValue", "{\"secretIdList\":[\"a\",\"b\"]}", "secret:a, secret:b"),
                Arguments.of("BatchGetSecretValue", "{\"filters\":[{\"key\":\"tag-key\",\"values\":[\"prod\"]}]}", "secrets matching filters"),
                Arguments.of("GetParameter", "{\"name\":\"/app/db\",\"withDecryption\":true}", "parameter:/app/db"),
                Arguments.of("GetParameters", "{\"names\":[\"/a\",\"/b\"],\"withDecryption\":true}", "parameter:/a, parameter:/b"),
                Arguments.of("GetParametersByPath", "{\"path\":\"/app\",\"withDecryption\":true}", "parameters:/app/*"),
                Arguments.of("Scan", "{\"tableName\":\"customers\"}", "dynamodb:customers"),
                // no target field, another call, junk: the event name
                Arguments.of("GetObject", "{}", "GetObject"),
                Arguments.of("GetDownloadUrlForLayer", "{\"repositoryName\":\"r\"}", "GetDownloadUrlForLayer"),
                Arguments.of("GetSecretValue", "{{", "GetSecretValue"),
                Arguments.of(null, "{}", null));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("readTargets")
    void dataReadTarget(String eventName, String request, String expected) {
        assertThat(DataReadTargets.target(eventName, request)).isEqualTo(expected);
    }

    static Stream<Arguments> grantees() {
        return Stream.of(
                // name, request, sharedWith, outside own account, removes, unsharedFrom
                Arguments.of("stratus EBS snapshot to an account",
                        "{\"attributeType\":\"CREATE_VOLUME_PERMISSION\",\"createVolumePermission\":{\"add\":{\"items\":[{\"userId\":\"098797384747\"}]}},\"snapshotId\":\"snap-041993b54a9b3af6f\"}",
                        "098797384747", true, false, null),
                Arguments.of("stratus AMI to an account",
                        "{\"attributeType\":\"launchPermission\",\"imageId\":\"ami-de1fbCab6ccB03e6D\",\"launchPermission\":{\"add\":{\"items\":[{\"userId\":\"846424999548\"}]}}}",
                        "846424999548", true, false, null),
                Arguments.of("stratus RDS snapshot to an account",
                        "{\"attributeName\":\"restore\",\"dBSnapshotIdentifier\":\"exfiltration\",\"valuesToAdd\":[\"503161813013\"]}",
                        "503161813013", true, false, null),
                Arguments.of("AMI public", "{\"launchPermission\":{\"add\":{\"items\":[{\"group\":\"all\"}]}}}", "all", true, false, null),
                Arguments.of("AMI to an organisation", "{\"launchPermission\":{\"add\":{\"items\":[{\"organizationArn\":\"arn:aws:organizations::999988887777:organization/o-abc\"}]}}}",
                        "arn:aws:organizations::999988887777:organization/o-abc", true, false, null),
                Arguments.of("query form add", "{\"operationType\":\"add\",\"userIds\":{\"items\":[\"999988887777\"]}}", "999988887777", true, false, null),
                Arguments.of("own account and another", "{\"valuesToAdd\":[\"" + OWN + "\",\"999988887777\"],\"attributeName\":\"restore\"}",
                        OWN + ",999988887777", true, false, null),
                // near misses for sharing
                Arguments.of("own account only", "{\"createVolumePermission\":{\"add\":{\"items\":[{\"userId\":\"" + OWN + "\"}]}}}", OWN, false, false, null),
                Arguments.of("EBS permission removed", "{\"createVolumePermission\":{\"remove\":{\"items\":[{\"userId\":\"098797384747\"}]}},\"snapshotId\":\"snap-1\"}",
                        null, false, true, "098797384747"),
                Arguments.of("AMI made private", "{\"launchPermission\":{\"remove\":{\"items\":[{\"group\":\"all\"}]}}}", null, false, true, "all"),
                Arguments.of("RDS access removed", "{\"attributeName\":\"restore\",\"valuesToRemove\":[\"503161813013\"]}", null, false, true, "503161813013"),
                Arguments.of("query form remove", "{\"operationType\":\"remove\",\"userIds\":{\"items\":[\"999988887777\"]}}", null, false, true, "999988887777"),
                Arguments.of("empty add", "{\"launchPermission\":{\"add\":{}}}", null, false, false, null),
                Arguments.of("RDS empty add", "{\"attributeName\":\"restore\",\"valuesToAdd\":[]}", null, false, false, null),
                Arguments.of("AMI description", "{\"attributeType\":\"description\",\"description\":{\"value\":\"web\"}}", null, false, false, null),
                Arguments.of("null", null, null, false, false, null),
                Arguments.of("junk", "[", null, false, false, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("grantees")
    void resourceGrantees(String name, String request, String sharedWith, boolean outside, boolean removes, String unsharedFrom) {
        assertThat(ResourceGrantees.sharedWith(request)).isEqualTo(sharedWith);
        assertThat(ResourceGrantees.sharesOutsideAccount(request, OWN)).isEqualTo(outside);
        assertThat(ResourceGrantees.removesSharing(request)).isEqualTo(removes);
        assertThat(ResourceGrantees.unsharedFrom(request)).isEqualTo(unsharedFrom);
    }

    static Stream<Arguments> replication() {
        String rule = "{\"ReplicationConfiguration\":{\"Role\":\"arn:aws:iam::" + OWN + ":role/s3-replication\",\"Rule\":%s},\"bucketName\":\"data\",\"replication\":\"\"}";
        String sameAccount = "{\"Status\":\"Enabled\",\"Priority\":1,\"Destination\":{\"Bucket\":\"arn:aws:s3:::data-replica\"},\"Filter\":{\"Prefix\":\"\"}}";
        String external = "{\"Status\":\"Enabled\",\"Destination\":{\"Bucket\":\"arn:aws:s3:::attacker-drop\",\"Account\":\"999988887777\","
                + "\"AccessControlTranslation\":{\"Owner\":\"Destination\"}}}";
        String disabledExternal = external.replace("Enabled", "Disabled");
        String ownNamed = "{\"Status\":\"Enabled\",\"Destination\":{\"Bucket\":\"arn:aws:s3:::dr\",\"Account\":\"" + OWN + "\"}}";
        return Stream.of(
                Arguments.of("elastic/integrations same-account destination", String.format(rule, sameAccount), false, null, "data-replica"),
                Arguments.of("destination account and owner override", String.format(rule, external), true, "999988887777", "attacker-drop"),
                Arguments.of("one rule of two goes out", String.format(rule, "[" + sameAccount + "," + external + "]"), true, "999988887777", "data-replica,attacker-drop"),
                Arguments.of("disabled external rule", String.format(rule, disabledExternal), false, null, null),
                Arguments.of("own account named", String.format(rule, ownNamed), false, OWN, "dr"),
                Arguments.of("null", null, false, null, null),
                Arguments.of("junk", "}", false, null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replication")
    void s3Replication(String name, String request, boolean other, String accounts, String buckets) {
        assertThat(S3Replication.replicatesToOtherAccount(request, OWN)).isEqualTo(other);
        assertThat(S3Replication.destinationAccounts(request)).isEqualTo(accounts);
        assertThat(S3Replication.destinationBuckets(request)).isEqualTo(buckets);
    }

    static Stream<Arguments> launches() {
        return Stream.of(
                Arguments.of("stratus p2.xlarge x10",
                        "{\"instanceType\":\"p2.xlarge\",\"instancesSet\":{\"items\":[{\"imageId\":\"ami-1\",\"maxCount\":10,\"minCount\":1}]},\"subnetId\":\"subnet-1\"}", true, 10),
                Arguments.of("g5 from the console", "{\"instanceType\":\"g5.48xlarge\",\"instancesSet\":{\"items\":[{\"imageId\":\"ami-1\",\"minCount\":1,\"maxCount\":1}]}}", true, 1),
                Arguments.of("g4dn", "{\"instanceType\":\"g4dn.12xlarge\"}", true, null),
                Arguments.of("inferentia", "{\"instanceType\":\"inf2.48xlarge\"}", true, null),
                Arguments.of("trainium", "{\"instanceType\":\"trn1.32xlarge\"}", true, null),
                Arguments.of("counts as text, two sets", "{\"instanceType\":\"t3.micro\",\"instancesSet\":{\"items\":[{\"maxCount\":\"3\"},{\"minCount\":2}]}}", false, 5),
                // near misses
                Arguments.of("general purpose", "{\"instanceType\":\"m5.large\",\"instancesSet\":{\"items\":[{\"maxCount\":1,\"minCount\":1}]}}", false, 1),
                Arguments.of("graviton is not GPU", "{\"instanceType\":\"c7g.16xlarge\"}", false, null),
                Arguments.of("launch template, no type", "{\"launchTemplate\":{\"launchTemplateId\":\"lt-1\"}}", false, null),
                Arguments.of("null", null, false, null),
                Arguments.of("junk", "{", false, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("launches")
    void instanceLaunches(String name, String request, boolean accelerated, Integer count) {
        assertThat(InstanceLaunches.acceleratedType(request)).isEqualTo(accelerated);
        assertThat(InstanceLaunches.count(request)).isEqualTo(count);
    }

    static Stream<Arguments> taskDefinitions() {
        String td = "{\"family\":\"f\",\"cpu\":%s,\"memory\":\"32768\",\"requiresCompatibilities\":[\"FARGATE\"],\"containerDefinitions\":[%s]}";
        return Stream.of(
                Arguments.of("bare Docker Hub image at 16 vCPU", String.format(td, "\"16384\"", "{\"name\":\"c\",\"image\":\"ubuntu:22.04\"}"), true, "ubuntu:22.04"),
                Arguments.of("ghcr.io image at 8 vCPU (text)", String.format(td, "\"8 vCPU\"", "{\"name\":\"c\",\"image\":\"ghcr.io/someone/tool:latest\"}"), true,
                        "ghcr.io/someone/tool:latest"),
                Arguments.of("container-level cpu", String.format(td, "null", "{\"name\":\"c\",\"image\":\"docker.io/library/alpine\",\"cpu\":8192}"), true,
                        "docker.io/library/alpine"),
                Arguments.of("known miner at any size", String.format(td, "\"256\"", "{\"name\":\"c\",\"image\":\"private.example.com/xmrig/xmrig:6\"}"), true,
                        "private.example.com/xmrig/xmrig:6"),
                // near misses
                Arguments.of("own ECR image at 16 vCPU", String.format(td, "\"16384\"", "{\"name\":\"c\",\"image\":\"" + OWN + ".dkr.ecr.us-east-1.amazonaws.com/etl:1\"}"),
                        false, OWN + ".dkr.ecr.us-east-1.amazonaws.com/etl:1"),
                Arguments.of("public image, small task", String.format(td, "\"1024\"", "{\"name\":\"c\",\"image\":\"nginx:1.25\"}"), false, "nginx:1.25"),
                Arguments.of("no containers", "{\"family\":\"f\",\"cpu\":\"16384\"}", false, null),
                Arguments.of("null", null, false, null),
                Arguments.of("junk", "[[", false, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("taskDefinitions")
    void ecsTaskDefinitions(String name, String request, boolean miner, String images) {
        assertThat(EcsTaskDefinitions.looksLikeMiner(request)).isEqualTo(miner);
        assertThat(EcsTaskDefinitions.images(request)).isEqualTo(images);
    }

    static Stream<Arguments> encryption() {
        String foreignKey = "arn:aws:kms:us-east-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab";
        String ownKey = "arn:aws:kms:us-east-1:" + OWN + ":key/1234abcd-12ab-34cd-56ef-1234567890ab";
        String bucketDefault = "{\"bucketName\":\"b\",\"ServerSideEncryptionConfiguration\":{\"Rule\":{\"ApplyServerSideEncryptionByDefault\":"
                + "{\"SSEAlgorithm\":\"aws:kms\",\"KMSMasterKeyID\":\"%s\"},\"BucketKeyEnabled\":true}},\"encryption\":\"\"}";
        return Stream.of(
                // name, request, SSE-C, other account's key, keys named
                Arguments.of("stratus SSE-C CopyObject", "{\"bucketName\":\"target bucket\",\"x-amz-server-side-encryption-customer-algorithm\":\"AES256\","
                        + "\"x-amz-copy-source\":\"target bucket/target file.txt\",\"key\":\"target file.txt\"}", true, false, null),
                Arguments.of("SSE-C header as a list", "{\"bucketName\":\"b\",\"key\":\"k\",\"x-amz-server-side-encryption-customer-algorithm\":[\"AES256\"]}", true, false, null),
                Arguments.of("object written with another account's key", "{\"bucketName\":\"b\",\"key\":\"k\",\"x-amz-server-side-encryption\":\"aws:kms\","
                        + "\"x-amz-server-side-encryption-aws-kms-key-id\":\"" + foreignKey + "\"}", false, true, foreignKey),
                Arguments.of("bucket default set to another account's key", String.format(bucketDefault, foreignKey), false, true, foreignKey),
                // near misses
                Arguments.of("own key ARN", String.format(bucketDefault, ownKey), false, false, ownKey),
                Arguments.of("key id without ARN", "{\"x-amz-server-side-encryption-aws-kms-key-id\":\"1234abcd-12ab-34cd-56ef-1234567890ab\"}", false, false,
                        "1234abcd-12ab-34cd-56ef-1234567890ab"),
                Arguments.of("alias", "{\"x-amz-server-side-encryption-aws-kms-key-id\":\"alias/app\"}", false, false, "alias/app"),
                Arguments.of("SSE-S3", "{\"bucketName\":\"b\",\"key\":\"k\",\"x-amz-server-side-encryption\":\"AES256\"}", false, false, null),
                Arguments.of("empty SSE-C header", "{\"x-amz-server-side-encryption-customer-algorithm\":\"\"}", false, false, null),
                Arguments.of("null", null, false, false, null),
                Arguments.of("junk", "nope", false, false, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encryption")
    void s3Encryption(String name, String request, boolean customerKey, boolean otherAccountKey, String keys) {
        assertThat(S3Encryption.customerKey(request)).isEqualTo(customerKey);
        assertThat(S3Encryption.kmsKeyOfOtherAccount(request, OWN)).isEqualTo(otherAccountKey);
        assertThat(S3Encryption.kmsKeyOfOtherAccount(request, null)).isFalse();
        assertThat(S3Encryption.kmsKeysNamed(request)).isEqualTo(keys);
    }

    static Stream<Arguments> notes() {
        return Stream.of(
                Arguments.of("FILES-DELETED.txt", true),               // stratus s3-ransomware-* note
                Arguments.of("backups/HOW_TO_DECRYPT_FILES.txt", true),
                Arguments.of("RANSOM_NOTE.html", true),
                Arguments.of("README_FOR_DECRYPT.txt", true),
                Arguments.of("recover-your-files.md", true),
                Arguments.of("YOUR_DATA_HAS_BEEN_ENCRYPTED", true),
                Arguments.of("payment_instructions.txt", true),
                // near misses
                Arguments.of("README.md", false),
                Arguments.of("docs/how-it-works.md", false),
                Arguments.of("install-instructions.txt", false),
                Arguments.of("reports/info.txt", false),
                Arguments.of("decrypt-tool.zip", false),
                Arguments.of("AWSLogs/111122223333/CloudTrail/us-east-1/2024/08/01/file_recovery.txt", false),
                Arguments.of("", false),
                Arguments.of(null, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notes")
    void ransomNotes(String key, boolean expected) {
        assertThat(RansomNotes.looksLikeNote(key)).isEqualTo(expected);
    }
}
