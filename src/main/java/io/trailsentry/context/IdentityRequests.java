package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * What an identity or backdoor request references, for the persistence and privilege-escalation
 * rules: whether a policy allows anything at all, and whether a principal, layer or other ARN
 * belongs to an account other than the one the call was made in.
 *
 * <p>Every method is total: null, junk or another API's request gives false.
 */
public final class IdentityRequests {

    private IdentityRequests() {
    }

    /**
     * The policy has at least one {@code Allow} statement. A document of {@code Deny} statements only
     * (AWS's compromised-key quarantine written inline, a guardrail) grants nothing, so writing it is
     * not a grant. Reads the same texts as {@link PolicyDocuments} (JSON, URL-encoded, JSON in a string).
     */
    public static boolean policyAllowsAny(String policy) {
        for (JsonNode statement : PolicyDocuments.statements(policy)) {
            if ("Allow".equalsIgnoreCase(RequestJson.text(RequestJson.field(statement, "Effect")))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The value names an account other than {@code ownAccountId}: a 12-digit account id, or an ARN
     * whose account field is another account ({@code arn:aws:iam::210987654321:root},
     * {@code arn:aws:lambda:us-east-1:210987654321:layer:x:1}). The value is what
     * {@code requestParameter(…)} gives: one such text (Lambda's {@code principal}), or a JSON list of
     * them (Lambda's {@code layers}, RolesAnywhere's {@code roleArns}). {@code *}, service principals
     * ({@code s3.amazonaws.com}), AWS-owned ARNs without an account ({@code arn:aws:iam::aws:policy/…})
     * and organisation ids are not accounts. False when {@code ownAccountId} is unknown.
     */
    public static boolean namesOtherAccount(String value, String ownAccountId) {
        if (value == null || ownAccountId == null || ownAccountId.isBlank()) {
            return false;
        }
        String own = ownAccountId.trim();
        for (String reference : references(value)) {
            String account = accountOf(reference);
            if (account != null && !account.equals(own)) {
                return true;
            }
        }
        return false;
    }

    /** A JSON list or JSON string is read as JSON; anything else (an ARN, an id, {@code *}) is one reference. */
    private static List<String> references(String value) {
        String trimmed = value.trim();
        if (trimmed.startsWith("[") || trimmed.startsWith("{") || trimmed.startsWith("\"")) {
            JsonNode node = RequestJson.parse(trimmed);
            if (node.isObject()) {
                // {"AWS": [...]} or an EC2-style {"items": [...]} wrapper
                JsonNode aws = RequestJson.field(node, "AWS");
                return RequestJson.strings(aws.isMissingNode() ? node : aws);
            }
            return RequestJson.strings(node);
        }
        return List.of(trimmed);
    }

    /** The 12-digit account of an id or ARN, or null (service principals, {@code *}, {@code aws}-owned ARNs, junk). */
    static String accountOf(String reference) {
        String r = reference.trim();
        String account = r;
        if (r.startsWith("arn:")) {
            String[] parts = r.split(":", 6);
            account = parts.length >= 5 ? parts[4] : null;
        }
        return account != null && account.length() == 12 && account.chars().allMatch(Character::isDigit) ? account : null;
    }
}
