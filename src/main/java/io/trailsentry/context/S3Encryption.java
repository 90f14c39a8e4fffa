package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How an S3 write encrypts, read from its {@code requestParameters}:
 * <ul>
 *   <li>object writes ({@code PutObject}, {@code CopyObject}, {@code CreateMultipartUpload}; S3 data
 *       events): the headers {@code x-amz-server-side-encryption-customer-algorithm} (SSE-C: a key only
 *       the caller holds) and {@code x-amz-server-side-encryption-aws-kms-key-id} (a KMS key id, alias
 *       or ARN); S3 logs headers as a string or a one-element list;</li>
 *   <li>{@code PutBucketEncryption}: {@code ServerSideEncryptionConfiguration.Rule[].ApplyServerSideEncryptionByDefault.KMSMasterKeyID}.</li>
 * </ul>
 * A key named by id or alias (not an ARN) is the caller's own account's; a key ARN
 * ({@code arn:aws:kms:region:account:key/…} or {@code …:alias/…}) names its account.
 */
public final class S3Encryption {

    static final String SSE_C_ALGORITHM = "x-amz-server-side-encryption-customer-algorithm";
    static final String KMS_KEY_HEADER = "x-amz-server-side-encryption-aws-kms-key-id";

    private S3Encryption() {
    }

    /** The write encrypts with a customer-provided key (SSE-C). */
    public static boolean customerKey(String requestParameters) {
        return RequestJson.strings(RequestJson.field(RequestJson.parse(requestParameters), SSE_C_ALGORITHM)).stream()
                .anyMatch(v -> !v.isBlank());
    }

    /** A KMS key the request encrypts with is an ARN of an account other than {@code ownAccountId} (false when that is unknown). */
    public static boolean kmsKeyOfOtherAccount(String requestParameters, String ownAccountId) {
        if (ownAccountId == null || ownAccountId.isBlank()) {
            return false;
        }
        for (String key : kmsKeys(RequestJson.parse(requestParameters))) {
            String account = accountOfKeyArn(key);
            if (account != null && !account.equals(ownAccountId.trim())) {
                return true;
            }
        }
        return false;
    }

    /** The KMS keys the request names, comma-separated; null when none. */
    public static String kmsKeysNamed(String requestParameters) {
        Set<String> keys = kmsKeys(RequestJson.parse(requestParameters));
        return keys.isEmpty() ? null : String.join(",", keys);
    }

    private static Set<String> kmsKeys(JsonNode request) {
        Set<String> keys = new LinkedHashSet<>();
        RequestJson.strings(RequestJson.field(request, KMS_KEY_HEADER)).stream().filter(k -> !k.isBlank()).map(String::trim).forEach(keys::add);
        JsonNode configuration = RequestJson.field(request, "ServerSideEncryptionConfiguration");
        for (JsonNode rule : RequestJson.list(RequestJson.field(configuration, "Rule"))) {
            String key = RequestJson.text(RequestJson.field(RequestJson.field(rule, "ApplyServerSideEncryptionByDefault"), "KMSMasterKeyID"));
            if (key != null && !key.isBlank()) {
                keys.add(key.trim());
            }
        }
        return keys;
    }

    /** The account field of a KMS ARN; null for a bare key id or alias. */
    static String accountOfKeyArn(String key) {
        if (!key.startsWith("arn:")) {
            return null;
        }
        List<String> parts = List.of(key.split(":", 6));
        if (parts.size() < 6 || !"kms".equals(parts.get(2))) {
            return null;
        }
        String account = parts.get(4);
        return account.length() == 12 && account.chars().allMatch(Character::isDigit) ? account : null;
    }
}
