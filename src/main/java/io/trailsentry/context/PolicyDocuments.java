package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What an IAM or resource policy document grants, read from the text CloudTrail logged: IAM's
 * {@code policyDocument} / {@code assumeRolePolicyDocument} (a JSON string, URL-encoded by some
 * clients), S3's {@code bucketPolicy} (an object, which {@code requestParameter('bucketPolicy')}
 * gives as JSON text), KMS's {@code policy}, SQS/SNS {@code attributes.Policy}, ECR's
 * {@code policyText}, Secrets Manager's {@code resourcePolicy}, STS's session {@code policy}.
 *
 * <p>Reads {@code Statement} (one object or an array), and in each {@code Effect}, {@code Principal} /
 * {@code NotPrincipal}, {@code Action} / {@code NotAction}, {@code Resource} / {@code NotResource} and
 * {@code Condition}. Every method is total: null, junk or a non-policy gives false.
 */
public final class PolicyDocuments {

    /**
     * Condition keys that tie a {@code *} principal to known callers (an account, an organisation, a
     * network, a source resource), so the statement is not public. Lower case; matched with any
     * positive operator ({@code StringEquals}, {@code ArnLike}, {@code IpAddress}, …), never with a
     * negated one ({@code StringNotEquals} lets in everyone else).
     */
    private static final Set<String> NARROWING_KEYS = Set.of(
            "aws:sourceaccount", "aws:sourcearn", "aws:sourcevpc", "aws:sourcevpce", "aws:principalorgid",
            "aws:principalaccount", "aws:sourceip", "aws:sourceowner", "aws:principalarn",
            "aws:principalorgpaths", "aws:sourceorgid", "aws:sourceorgpaths", "kms:calleraccount");

    private PolicyDocuments() {
    }

    /**
     * An Allow statement open to anyone: {@code Principal} {@code *}, or an {@code AWS} /
     * {@code CanonicalUser} principal {@code *} or {@code arn:aws:iam::*:…} (alone or in a list), or an
     * Allow with {@code NotPrincipal}; and no condition on a {@link #NARROWING_KEYS narrowing key}.
     */
    public static boolean allowsPublic(String policy) {
        for (JsonNode statement : statements(policy)) {
            if (!allows(statement)) {
                continue;
            }
            boolean everyone = !RequestJson.field(statement, "NotPrincipal").isMissingNode()
                    || principalIsEveryone(RequestJson.field(statement, "Principal"));
            if (everyone && !narrowed(RequestJson.field(statement, "Condition"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * An Allow statement naming, as an {@code AWS} principal, an account id or an ARN of an account other
     * than {@code ownAccountId}. Service principals ({@code cloudtrail.amazonaws.com}), federated
     * providers and {@code *} are not accounts (use {@link #allowsPublic} for {@code *}). False when
     * {@code ownAccountId} is unknown (null or blank): another account cannot be told from the own one.
     */
    public static boolean grantsOtherAccount(String policy, String ownAccountId) {
        if (ownAccountId == null || ownAccountId.isBlank()) {
            return false;
        }
        for (JsonNode statement : statements(policy)) {
            if (!allows(statement)) {
                continue;
            }
            for (String principal : RequestJson.strings(RequestJson.field(RequestJson.field(statement, "Principal"), "AWS"))) {
                String account = accountOf(principal);
                if (account != null && !account.equals(ownAccountId.trim())) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * An Allow of every action on every resource: {@code Action} {@code *} or {@code *:*} (or any
     * {@code NotAction}, which allows everything but a few) with {@code Resource} {@code *} (or any
     * {@code NotResource}). Conditions do not matter: administrator rights behind MFA are still
     * administrator rights. A trust policy (no Resource) never grants admin.
     */
    public static boolean grantsAdmin(String policy) {
        for (JsonNode statement : statements(policy)) {
            if (!allows(statement)) {
                continue;
            }
            boolean everyAction = !RequestJson.field(statement, "NotAction").isMissingNode()
                    || RequestJson.strings(RequestJson.field(statement, "Action")).stream().anyMatch(a -> a.equals("*") || a.equals("*:*"));
            boolean everyResource = !RequestJson.field(statement, "NotResource").isMissingNode()
                    || RequestJson.strings(RequestJson.field(statement, "Resource")).contains("*");
            if (everyAction && everyResource) {
                return true;
            }
        }
        return false;
    }

    /** The statements of a policy text (JSON, URL-encoded JSON, or JSON inside a JSON string). */
    static List<JsonNode> statements(String policy) {
        JsonNode document = RequestJson.parse(decoded(policy));
        if (document.isTextual()) {
            document = RequestJson.parse(decoded(document.asText())); // a policy logged as a JSON string of JSON
        }
        return RequestJson.list(RequestJson.field(document, "Statement"));
    }

    /** IAM's query API takes policies URL-encoded ({@code %7B%22Version%22…}); some logs keep that form. */
    private static String decoded(String policy) {
        if (policy == null) {
            return null;
        }
        String trimmed = policy.trim();
        if (trimmed.regionMatches(true, 0, "%7B", 0, 3)) {
            try {
                return URLDecoder.decode(trimmed, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException badEscape) {
                return null;
            }
        }
        return trimmed;
    }

    private static boolean allows(JsonNode statement) {
        return "Allow".equalsIgnoreCase(RequestJson.text(RequestJson.field(statement, "Effect")));
    }

    private static boolean principalIsEveryone(JsonNode principal) {
        if (principal.isValueNode()) {
            return "*".equals(RequestJson.text(principal));
        }
        List<String> values = new ArrayList<>(RequestJson.strings(RequestJson.field(principal, "AWS")));
        values.addAll(RequestJson.strings(RequestJson.field(principal, "CanonicalUser")));
        for (String value : values) {
            String v = value.trim();
            if (v.equals("*") || (v.startsWith("arn:") && "*".equals(accountField(v)))) {
                return true;
            }
        }
        return false;
    }

    /** A condition block with a positive operator on a narrowing key whose values are not just {@code *}. */
    private static boolean narrowed(JsonNode condition) {
        if (!condition.isObject()) {
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> ops = condition.fields(); ops.hasNext(); ) {
            Map.Entry<String, JsonNode> op = ops.next();
            String operator = op.getKey().toLowerCase(Locale.ROOT);
            if (operator.contains("not") || operator.startsWith("null") || !op.getValue().isObject()) {
                continue;
            }
            for (Iterator<Map.Entry<String, JsonNode>> keys = op.getValue().fields(); keys.hasNext(); ) {
                Map.Entry<String, JsonNode> key = keys.next();
                if (NARROWING_KEYS.contains(key.getKey().toLowerCase(Locale.ROOT))
                        && RequestJson.strings(key.getValue()).stream().anyMatch(v -> !v.isBlank() && !v.equals("*"))) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code 123456789012} or the account of {@code arn:aws:iam::123456789012:…}; null for anything else. */
    private static String accountOf(String principal) {
        String p = principal.trim();
        String account = p.startsWith("arn:") ? accountField(p) : p;
        return account != null && account.length() == 12 && account.chars().allMatch(Character::isDigit) ? account : null;
    }

    /** The fifth colon-separated field of an ARN (its account), or null. */
    private static String accountField(String arn) {
        String[] parts = arn.split(":", 6);
        return parts.length >= 5 ? parts[4] : null;
    }
}
