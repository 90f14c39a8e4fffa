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
 *   <li>AWS acting on its own — {@code userIdentity.type = AWSService}, or a session of a
 *       service-linked role (issuer {@code …:role/aws-service-role/…}): no actor,
 *       {@link #serviceCall()}; no principal of the account chose to make the call.</li>
 * </ul>
 * A principal acting <em>through</em> a service ({@code invokedBy} = {@code signin.amazonaws.com} for
 * the console, {@code cloudformation.amazonaws.com}, {@code servicecatalog.amazonaws.com}, …) with its
 * own identity keeps its actor: the stack that deletes a trail is the user who ran it. The event keeps
 * {@code invokedBy} for rules and evidence.
 *
 * @param key  stable correlation key, null when AWS acted on its own
 * @param name what an analyst reads: {@code bob@example.org}, {@code mallory}, {@code i-0abc…}, or the service
 */
public record Actor(String key, String name, boolean serviceCall) {

    public static Actor of(CloudTrailEvent e) {
        String type = e.getUserIdentityType();
        if ("AWSService".equals(type) || serviceLinkedRole(e)) {
            return new Actor(null, serviceName(e), true);
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

    /**
     * A session of a service-linked role: AWS creates those roles under {@code /aws-service-role/} and
     * only the service assumes them. Without a session issuer (some exporters drop it), the role name
     * in the session ARN tells: every service-linked role is named {@code AWSServiceRoleFor…}.
     */
    static boolean serviceLinkedRole(CloudTrailEvent e) {
        String issuer = e.getSessionIssuerArn();
        if (issuer != null) {
            return issuer.contains(":role/aws-service-role/");
        }
        String arn = e.getArn();
        return "AssumedRole".equals(e.getUserIdentityType()) && arn != null && arn.contains(":assumed-role/AWSServiceRoleFor");
    }

    /** The service that acted: invokedBy, else a service-name source ({@code config.amazonaws.com}), else the role's name. */
    private static String serviceName(CloudTrailEvent e) {
        if (e.getInvokedBy() != null) {
            return e.getInvokedBy();
        }
        String source = e.getSourceIPAddress();
        if (source != null && source.endsWith(".amazonaws.com")) {
            return source;
        }
        return e.getSessionIssuerUserName() != null ? e.getSessionIssuerUserName() : source;
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
