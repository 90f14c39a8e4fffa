package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether an S3 {@code PutBucketLifecycle} / {@code PutBucketLifecycleConfiguration} request deletes
 * current objects, read from {@code requestParameters.LifecycleConfiguration.Rule} (one object or an
 * array; {@code Rules} also accepted): an enabled rule ({@code Status} not {@code Disabled}) with an
 * {@code Expiration} by {@code Days} or {@code Date}. A short expiry on the trail's bucket is how logs
 * are destroyed without a DeleteObject call (Stratus Red Team's {@code cloudtrail-lifecycle-rule}).
 * Transitions, {@code NoncurrentVersionExpiration} and {@code ExpiredObjectDeleteMarker} alone delete no
 * current object and do not count.
 */
public final class LifecycleRules {

    private LifecycleRules() {
    }

    /** An enabled rule expires current objects. */
    public static boolean expiresObjects(String requestParameters) {
        for (JsonNode expiration : enabledExpirations(requestParameters)) {
            if (RequestJson.integer(RequestJson.field(expiration, "Days")) != null
                    || RequestJson.text(RequestJson.field(expiration, "Date")) != null) {
                return true;
            }
        }
        return false;
    }

    /** The fewest {@code Expiration.Days} among enabled rules (e.g. {@code < 7} is short), null when no rule expires by days. */
    public static Integer shortestExpirationDays(String requestParameters) {
        Integer shortest = null;
        for (JsonNode expiration : enabledExpirations(requestParameters)) {
            Integer days = RequestJson.integer(RequestJson.field(expiration, "Days"));
            if (days != null && (shortest == null || days < shortest)) {
                shortest = days;
            }
        }
        return shortest;
    }

    private static List<JsonNode> enabledExpirations(String requestParameters) {
        JsonNode configuration = RequestJson.field(RequestJson.parse(requestParameters), "LifecycleConfiguration");
        JsonNode rules = RequestJson.field(configuration, "Rule");
        if (rules.isMissingNode()) {
            rules = RequestJson.field(configuration, "Rules");
        }
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode rule : RequestJson.list(rules)) {
            String status = RequestJson.text(RequestJson.field(rule, "Status"));
            JsonNode expiration = RequestJson.field(rule, "Expiration");
            if (!"Disabled".equalsIgnoreCase(status) && expiration.isObject()) {
                out.add(expiration);
            }
        }
        return out;
    }
}
