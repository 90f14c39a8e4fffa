package io.trailsentry.sample;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Knows, per API, which service logs it, whether it is read-only or a data event, and what plausible
 * request parameters and response elements look like. Background and scenarios both build calls here so
 * a ListRoles looks the same whoever makes it.
 */
final class CallFactory {

    static final String ADMIN_POLICY_ARN = "arn:aws:iam::aws:policy/AdministratorAccess";

    private final String accountId;

    CallFactory(String accountId) {
        this.accountId = accountId;
    }

    /** A successful call of {@code eventName}; region is ignored for the global IAM and STS endpoints. */
    ApiCall call(String eventName, Principal p, Instant t, String region, String ip, String ua, SeededRandom r) {
        String source = sourceOf(eventName);
        boolean global = source.equals("iam.amazonaws.com") || source.equals("sts.amazonaws.com");
        boolean data = eventName.equals("GetObject") || eventName.equals("PutObject") || eventName.equals("Invoke");
        ApiCall call = new ApiCall(t, p, source, eventName, global ? SampleOrg.HOME_REGION : region, ip, ua,
                requestOf(eventName, p, t, r), null, null, null, isReadOnly(eventName), !data);
        return call.withResponse(responseOf(eventName, call, r));
    }

    /** The same call refused: EC2 and IAM word their refusals differently, as in real trails. */
    ApiCall denied(ApiCall call) {
        String action = call.servicePrefix() + ":" + call.eventName();
        String who = call.principal().arn();
        if (call.eventSource().equals("ec2.amazonaws.com")) {
            return call.withError("Client.UnauthorizedOperation", "You are not authorized to perform this operation. User: "
                    + who + " is not authorized to perform: " + action);
        }
        return call.withError("AccessDenied", "User: " + who + " is not authorized to perform: " + action
                + " on resource: arn:aws:" + call.servicePrefix() + "::" + accountId
                + ":* because no identity-based policy allows the " + action + " action");
    }

    ApiCall createUser(Principal p, Instant t, String ip, String ua, String newUser) {
        Principal created = Principal.iamUser(accountId, newUser);
        Map<String, Object> user = map("path", "/", "userName", newUser, "userId", created.principalId(),
                "arn", created.arn(), "createDate", CloudTrailRecordWriter.consoleDate(t));
        return new ApiCall(t, p, "iam.amazonaws.com", "CreateUser", SampleOrg.HOME_REGION, ip, ua,
                map("userName", newUser), map("user", user), null, null, false, true);
    }

    ApiCall attachUserPolicy(Principal p, Instant t, String ip, String ua, String userName, String policyArn) {
        return new ApiCall(t, p, "iam.amazonaws.com", "AttachUserPolicy", SampleOrg.HOME_REGION, ip, ua,
                map("userName", userName, "policyArn", policyArn), null, null, null, false, true);
    }

    ApiCall attachRolePolicy(Principal p, Instant t, String ip, String ua, String roleName, String policyArn) {
        return new ApiCall(t, p, "iam.amazonaws.com", "AttachRolePolicy", SampleOrg.HOME_REGION, ip, ua,
                map("roleName", roleName, "policyArn", policyArn), null, null, null, false, true);
    }

    /** The response carries the new key id: the thread a correlation rule follows to the key's later use. */
    ApiCall createAccessKey(Principal p, Instant t, String ip, String ua, String userName) {
        Map<String, Object> key = map("userName", userName, "accessKeyId", Principal.accessKeyFor(userName),
                "status", "Active", "createDate", CloudTrailRecordWriter.consoleDate(t));
        return new ApiCall(t, p, "iam.amazonaws.com", "CreateAccessKey", SampleOrg.HOME_REGION, ip, ua,
                map("userName", userName), map("accessKey", key), null, null, false, true);
    }

    static String sourceOf(String eventName) {
        return switch (eventName) {
            case "GetObject", "PutObject", "ListBuckets", "GetBucketAcl", "GetBucketPolicy" -> "s3.amazonaws.com";
            case "DescribeInstances", "DescribeSecurityGroups", "DescribeTags", "DescribeVpcs" -> "ec2.amazonaws.com";
            case "AssumeRole", "GetCallerIdentity" -> "sts.amazonaws.com";
            case "Decrypt", "GenerateDataKey" -> "kms.amazonaws.com";
            case "PutMetricData" -> "monitoring.amazonaws.com";
            case "Invoke", "ListFunctions" -> "lambda.amazonaws.com";
            case "LookupEvents" -> "cloudtrail.amazonaws.com";
            default -> "iam.amazonaws.com";
        };
    }

    private static boolean isReadOnly(String eventName) {
        return eventName.startsWith("Get") || eventName.startsWith("List") || eventName.startsWith("Describe")
                || eventName.equals("LookupEvents") || eventName.equals("Decrypt");
    }

    private Map<String, Object> requestOf(String eventName, Principal p, Instant t, SeededRandom r) {
        return switch (eventName) {
            case "GetObject", "PutObject" -> {
                String bucket = r.pick(SampleOrg.BUCKETS);
                yield map("bucketName", bucket, "Host", bucket + ".s3.amazonaws.com",
                        "key", r.pick(SampleOrg.OBJECT_PREFIXES) + r.hex(12) + ".json");
            }
            case "ListBuckets", "GetCallerIdentity" -> null;
            case "GetBucketAcl", "GetBucketPolicy" -> map("bucketName", r.pick(SampleOrg.BUCKETS), "acl", "");
            case "DescribeInstances" -> map("instancesSet", map(), "filterSet",
                    map("items", List.of(map("name", "instance-state-name",
                            "valueSet", map("items", List.of(map("value", "running")))))));
            case "DescribeSecurityGroups", "DescribeVpcs" -> map("filterSet", map(), "maxResults", 100);
            case "DescribeTags" -> map("filterSet", map("items", List.of(map("name", "resource-id",
                    "valueSet", map("items", List.of(map("value", "i-0" + r.hex(16))))))));
            case "AssumeRole" -> map("roleArn", "arn:aws:iam::" + accountId + ":role/" + r.pick(SampleOrg.ROLE_NAMES),
                    "roleSessionName", "session-" + r.hex(8), "durationSeconds", 3600);
            case "Decrypt" -> map("encryptionAlgorithm", "SYMMETRIC_DEFAULT", "encryptionContext",
                    map("aws:s3:arn", "arn:aws:s3:::" + r.pick(SampleOrg.BUCKETS)));
            case "GenerateDataKey" -> map("keyId", "alias/aws/s3", "keySpec", "AES_256");
            case "PutMetricData" -> map("namespace", r.pick(List.of("App/Orders", "App/Web", "CWAgent")));
            case "Invoke" -> map("functionName", "arn:aws:lambda:" + SampleOrg.HOME_REGION + ":" + accountId
                    + ":function:" + r.pick(SampleOrg.FUNCTION_NAMES), "invocationType", "RequestResponse");
            case "ListFunctions" -> map("maxItems", 50);
            case "LookupEvents" -> map("maxResults", 50, "lookupAttributes",
                    List.of(map("attributeKey", "ReadOnly", "attributeValue", "false")));
            case "ListAttachedUserPolicies", "ListGroupsForUser", "ListAccessKeys", "GetUser", "ListUserPolicies" ->
                    map("userName", r.pick(SampleOrg.IAM_USER_NAMES));
            case "ListAttachedRolePolicies", "GetRole", "ListRolePolicies" -> map("roleName", r.pick(SampleOrg.ROLE_NAMES));
            case "GetPolicy", "ListEntitiesForPolicy" -> map("policyArn", ADMIN_POLICY_ARN);
            case "ListPolicies" -> map("scope", "Local", "onlyAttached", false);
            case "GetAccountAuthorizationDetails" -> map("filter", List.of("User", "Role", "Group", "LocalManagedPolicy"));
            default -> map(); // ListUsers, ListRoles, ListGroups, GetAccountSummary: empty, as CloudTrail logs them
        };
    }

    private Map<String, Object> responseOf(String eventName, ApiCall call, SeededRandom r) {
        Instant t = call.eventTime();
        return switch (eventName) {
            case "AssumeRole" -> {
                String roleArn = (String) call.requestParameters().get("roleArn");
                String session = (String) call.requestParameters().get("roleSessionName");
                String roleName = roleArn.substring(roleArn.lastIndexOf('/') + 1);
                Principal assumed = Principal.assumedRole(accountId, roleName, session, false);
                yield map("credentials", map("accessKeyId", "ASIA" + r.alnum(16),
                                "sessionToken", "IQoJb3JpZ2luX2VjE" + r.alnum(40),
                                "expiration", CloudTrailRecordWriter.consoleDate(t.plusSeconds(3600))),
                        "assumedRoleUser", map("assumedRoleId", assumed.principalId(), "arn", assumed.arn()));
            }
            case "GenerateDataKey" -> map("keyId", "arn:aws:kms:" + call.awsRegion() + ":" + accountId + ":key/"
                    + r.uuid());
            default -> null; // reads log no response elements; CloudTrail omits their bodies
        };
    }

    /** An insertion-ordered map from alternating keys and values, so records keep a stable field order. */
    static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }
}
