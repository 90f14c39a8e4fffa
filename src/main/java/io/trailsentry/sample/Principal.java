package io.trailsentry.sample;

/**
 * Who made a call: the {@code userIdentity} block of a record. Ids are derived from the names, so the
 * same actor has the same principalId and access key in every sample and every seed — tests and README
 * examples can name them.
 *
 * @param type        IAMUser, AssumedRole or AWSService
 * @param roleName    the session issuer's role name (AssumedRole only)
 * @param roleId      the session issuer's AROA id (AssumedRole only)
 * @param invokedBy   the calling service (AWSService only)
 * @param ec2Instance true for instance-profile sessions, which CloudTrail marks with ec2RoleDelivery
 */
public record Principal(String type, String principalId, String arn, String accountId, String accessKeyId,
                        String userName, String roleName, String roleId, String invokedBy, boolean ec2Instance) {

    public static Principal iamUser(String accountId, String userName) {
        SeededRandom r = SeededRandom.forStream(0, "iam-user:" + userName);
        String principalId = "AIDA" + r.alnum(17);
        return new Principal("IAMUser", principalId, "arn:aws:iam::" + accountId + ":user/" + userName, accountId,
                accessKeyFor(userName), userName, null, null, null, false);
    }

    /** The long-term access key id an IAM user's calls carry (also what CreateAccessKey returns for it). */
    public static String accessKeyFor(String userName) {
        return "AKIA" + SeededRandom.forStream(0, "access-key:" + userName).alnum(16);
    }

    public static Principal assumedRole(String accountId, String roleName, String sessionName, boolean ec2Instance) {
        String roleId = "AROA" + SeededRandom.forStream(0, "role:" + roleName).alnum(17);
        String key = "ASIA" + SeededRandom.forStream(0, "session:" + roleName + "/" + sessionName).alnum(16);
        return new Principal("AssumedRole", roleId + ":" + sessionName,
                "arn:aws:sts::" + accountId + ":assumed-role/" + roleName + "/" + sessionName, accountId,
                key, null, roleName, roleId, null, ec2Instance);
    }

    public static Principal awsService(String invokedBy) {
        return new Principal("AWSService", null, null, null, null, null, null, null, invokedBy, false);
    }

    /** The role-session name of an assumed role (e.g. {@code alice@example.org}, {@code i-0abc…}). */
    public String sessionName() {
        return roleName == null ? null : principalId.substring(principalId.indexOf(':') + 1);
    }

    public String roleArn() {
        return roleName == null ? null : "arn:aws:iam::" + accountId + ":role/" + roleName;
    }

    /** A stable key to group a principal's calls by, as the Sentinel rule does with principalId. */
    public String key() {
        return principalId != null ? principalId : invokedBy;
    }
}
