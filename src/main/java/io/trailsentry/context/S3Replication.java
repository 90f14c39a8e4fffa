package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Where an S3 {@code PutBucketReplication} request sends copies, read from
 * {@code ReplicationConfiguration.Rule[]} (one object or an array): each enabled rule's
 * {@code Destination.Account} (set when the destination bucket belongs to another account and the
 * replicas' ownership moves to it, {@code AccessControlTranslation.Owner = Destination}) and
 * {@code Destination.Bucket}.
 *
 * <p>A destination bucket ARN carries no account id ({@code arn:aws:s3:::name}), so a cross-account
 * destination without {@code Account} cannot be told from a same-account one here; the AWS console
 * and CLI set {@code Account} whenever the owner override is chosen, which is what an attacker
 * taking the copies wants. Disabled rules copy nothing and do not count.
 */
public final class S3Replication {

    private S3Replication() {
    }

    /** The destination accounts of the enabled rules, comma-separated; null when no rule names one. */
    public static String destinationAccounts(String requestParameters) {
        Set<String> accounts = accounts(requestParameters);
        return accounts.isEmpty() ? null : String.join(",", accounts);
    }

    /** An enabled rule names a destination account other than {@code ownAccountId} (false when that is unknown). */
    public static boolean replicatesToOtherAccount(String requestParameters, String ownAccountId) {
        if (ownAccountId == null || ownAccountId.isBlank()) {
            return false;
        }
        return accounts(requestParameters).stream().anyMatch(a -> !a.equals(ownAccountId.trim()));
    }

    /** The destination buckets of the enabled rules, comma-separated (names, not ARNs); null when none. */
    public static String destinationBuckets(String requestParameters) {
        Set<String> buckets = new LinkedHashSet<>();
        for (JsonNode rule : enabledRules(requestParameters)) {
            String bucket = RequestJson.text(RequestJson.field(RequestJson.field(rule, "Destination"), "Bucket"));
            if (bucket != null && !bucket.isBlank()) {
                buckets.add(bucket.startsWith("arn:aws:s3:::") ? bucket.substring("arn:aws:s3:::".length()) : bucket);
            }
        }
        return buckets.isEmpty() ? null : String.join(",", buckets);
    }

    private static Set<String> accounts(String requestParameters) {
        Set<String> accounts = new LinkedHashSet<>();
        for (JsonNode rule : enabledRules(requestParameters)) {
            String account = RequestJson.text(RequestJson.field(RequestJson.field(rule, "Destination"), "Account"));
            if (account != null && !account.isBlank()) {
                accounts.add(account.trim());
            }
        }
        return accounts;
    }

    private static java.util.List<JsonNode> enabledRules(String requestParameters) {
        JsonNode configuration = RequestJson.field(RequestJson.parse(requestParameters), "ReplicationConfiguration");
        return RequestJson.list(RequestJson.field(configuration, "Rule")).stream()
                .filter(rule -> !"Disabled".equalsIgnoreCase(RequestJson.text(RequestJson.field(rule, "Status"))))
                .toList();
    }
}
