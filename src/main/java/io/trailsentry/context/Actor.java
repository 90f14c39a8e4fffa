package io.trailsentry.context;

import io.trailsentry.ingest.CloudTrailEvent;

/**
 * Who an event is about, for correlation: not the raw ARN, which changes with every role session.
 *
 * <ul>
 *   <li>IAM user, root, federated user: the ARN;</li>
 *   <li>assumed-role session: the role (session issuer ARN) plus the session name, so the SSO
 *       session {@code bob@example.org} is Bob whatever role session he is in today, and the EC2
 *       session {@code i-0abc…} is that instance;</li>
 *   <li>a call made by an AWS service ({@code userIdentity.type = AWSService} or {@code invokedBy}):
 *       no actor, {@link #serviceCall()} — it is not the principal's own action.</li>
 * </ul>
 *
 * @param key  stable correlation key, null for service calls
 * @param name what an analyst reads: {@code bob@example.org}, {@code mallory}, {@code i-0abc…}
 */
public record Actor(String key, String name, boolean serviceCall) {

    public static Actor of(CloudTrailEvent e) {
        String type = e.getUserIdentityType();
        if ("AWSService".equals(type) || e.getInvokedBy() != null) {
            String service = e.getInvokedBy() != null ? e.getInvokedBy() : e.getSourceIPAddress();
            return new Actor(null, service, true);
        }
        String arn = e.getArn();
        if ("AssumedRole".equals(type)) {
            String session = arn == null ? null : tail(arn);
            String role = e.getSessionIssuerArn() != null ? e.getSessionIssuerArn() : roleOfSession(arn);
            if (role != null && session != null) {
                return new Actor(role + "/" + session, session, false);
            }
        }
        if ("Root".equals(type)) {
            return new Actor(arn != null ? arn : "root:" + e.getAccountId(), "root@" + e.getAccountId(), false);
        }
        if (arn != null) {
            String name = e.getUserName() != null ? e.getUserName() : tail(arn);
            return new Actor(arn, name, false);
        }
        String principal = e.getPrincipalId();
        if (principal == null) {
            return new Actor(null, null, false);
        }
        return new Actor(e.getAccountId() + ":" + principal, principal, false);
    }

    private static String tail(String arn) {
        int slash = arn.lastIndexOf('/');
        return slash < 0 ? arn : arn.substring(slash + 1);
    }

    /** {@code arn:aws:sts::123:assumed-role/Name/session} → {@code arn:aws:iam::123:role/Name} when the issuer is absent. */
    private static String roleOfSession(String arn) {
        if (arn == null) {
            return null;
        }
        int marker = arn.indexOf(":assumed-role/");
        int lastSlash = arn.lastIndexOf('/');
        if (marker < 0 || lastSlash <= marker + 14) {
            return null;
        }
        String prefix = arn.substring(0, marker).replace(":sts:", ":iam:");
        return prefix + ":role/" + arn.substring(marker + 14, lastSlash);
    }
}
