package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * Whether a CloudTrail configuration change records less (or sends the record elsewhere), read from
 * the {@code requestParameters} of {@code PutEventSelectors} and {@code UpdateTrail}. The request says
 * what the trail will log from now on, not what it logged before, so "reduces" means "does not log
 * every management event any more" — which is what an attacker wants (Stratus Red Team's
 * {@code cloudtrail-event-selectors}) and what a trail meant for data events only also does (then
 * allowlist that trail's setup).
 *
 * <p>Decided from the community's rules: Panther's {@code AWS.CloudTrail.EventSelectorsDisabled} (a
 * selector with {@code includeManagementEvents = false}), Elastic's and SigmaHQ's trail-update rules
 * (which flag every {@code UpdateTrail}; here the fields decide, so enabling a multi-region trail does
 * not look like tampering).
 */
public final class LoggingChanges {

    private LoggingChanges() {
    }

    /**
     * {@code PutEventSelectors} that leaves management events (reads and writes, all sources) unlogged
     * or partly logged:
     * <ul>
     *   <li>basic {@code eventSelectors[]}: no selector with {@code includeManagementEvents} (default
     *       true), an empty {@code excludeManagementEventSources} and {@code readWriteType} {@code All}
     *       (default) — a {@code ReadOnly} and a {@code WriteOnly} selector together count as All; an
     *       empty list logs nothing;</li>
     *   <li>{@code advancedEventSelectors[]}: no selector with {@code fieldSelectors} field
     *       {@code eventCategory equals Management} covering both {@code readOnly} values without an
     *       exclusion, or any selector excluding by {@code eventSource} / {@code eventName}
     *       ({@code notEquals}, {@code notStartsWith}, {@code notEndsWith}).</li>
     * </ul>
     * False for selectors that log all management events (adding data events is adding logging) and
     * for anything that is not a PutEventSelectors request.
     */
    public static boolean eventSelectorsReduceLogging(String requestParameters) {
        JsonNode request = RequestJson.parse(requestParameters);
        JsonNode basic = RequestJson.field(request, "eventSelectors");
        if (basic.isArray()) {
            return basicReduces(RequestJson.list(basic));
        }
        JsonNode advanced = RequestJson.field(request, "advancedEventSelectors");
        if (advanced.isArray()) {
            return advancedReduces(RequestJson.list(advanced));
        }
        return false;
    }

    private static boolean basicReduces(List<JsonNode> selectors) {
        boolean reads = false;
        boolean writes = false;
        for (JsonNode selector : selectors) {
            boolean management = RequestJson.bool(RequestJson.field(selector, "includeManagementEvents"), Boolean.TRUE);
            boolean excludes = !RequestJson.strings(RequestJson.field(selector, "excludeManagementEventSources")).isEmpty();
            if (!management || excludes) {
                continue;
            }
            String readWrite = RequestJson.text(RequestJson.field(selector, "readWriteType"));
            reads |= readWrite == null || readWrite.equalsIgnoreCase("All") || readWrite.equalsIgnoreCase("ReadOnly");
            writes |= readWrite == null || readWrite.equalsIgnoreCase("All") || readWrite.equalsIgnoreCase("WriteOnly");
        }
        return !(reads && writes);
    }

    private static boolean advancedReduces(List<JsonNode> selectors) {
        boolean reads = false;
        boolean writes = false;
        for (JsonNode selector : selectors) {
            boolean management = false;
            boolean excludes = false;
            Boolean readOnly = null; // null: both
            for (JsonNode field : RequestJson.list(RequestJson.field(selector, "fieldSelectors"))) {
                String name = RequestJson.text(RequestJson.field(field, "field"));
                if (name == null) {
                    continue;
                }
                List<String> equals = RequestJson.strings(RequestJson.field(field, "equals"));
                switch (name) {
                    case "eventCategory" -> management |= equals.stream().anyMatch(v -> v.equalsIgnoreCase("Management"));
                    case "readOnly" -> {
                        if (equals.size() == 1) {
                            readOnly = equals.get(0).equalsIgnoreCase("true") ? Boolean.TRUE
                                    : equals.get(0).equalsIgnoreCase("false") ? Boolean.FALSE : null;
                        }
                    }
                    case "eventSource", "eventName" -> excludes |= excludes(field);
                    default -> {
                    }
                }
            }
            if (excludes) {
                return true; // a named source or call is hidden from the trail
            }
            if (management) {
                reads |= readOnly == null || readOnly;
                writes |= readOnly == null || !readOnly;
            }
        }
        return !(reads && writes);
    }

    private static boolean excludes(JsonNode fieldSelector) {
        for (String operator : new String[] {"notEquals", "notStartsWith", "notEndsWith"}) {
            if (RequestJson.strings(RequestJson.field(fieldSelector, operator)).stream().anyMatch(v -> !v.isBlank())) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code UpdateTrail} that makes the trail record less or weakens its record: any of
     * {@code isMultiRegionTrail}, {@code includeGlobalServiceEvents} (IAM, STS, CloudFront calls),
     * {@code isOrganizationTrail}, {@code enableLogFileValidation} set to false, or
     * {@code cloudWatchLogsLogGroupArn} set to empty (delivery to CloudWatch Logs, where metric filters
     * and alarms watch, removed). An update that turns these on, or names other fields only, is false.
     */
    public static boolean trailUpdateReducesLogging(String requestParameters) {
        JsonNode request = RequestJson.parse(requestParameters);
        for (String flag : new String[] {"isMultiRegionTrail", "includeGlobalServiceEvents", "isOrganizationTrail", "enableLogFileValidation"}) {
            if (Boolean.FALSE.equals(RequestJson.bool(RequestJson.field(request, flag), null))) {
                return true;
            }
        }
        String logGroup = RequestJson.text(RequestJson.field(request, "cloudWatchLogsLogGroupArn"));
        return logGroup != null && logGroup.isBlank();
    }

    /**
     * {@code UpdateTrail} that sends the logs somewhere else or changes their protection: a
     * {@code s3BucketName}, {@code s3KeyPrefix} (a SIEM reading the old prefix stops seeing them),
     * {@code cloudWatchLogsLogGroupArn} or {@code kmsKeyId} given (an empty {@code kmsKeyId} removes
     * encryption). Suspicious when the bucket or key is not the organisation's; kept apart from
     * {@link #trailUpdateReducesLogging} because setting a trail up names all of these.
     */
    public static boolean trailUpdateRedirectsLogs(String requestParameters) {
        JsonNode request = RequestJson.parse(requestParameters);
        for (String destination : new String[] {"s3BucketName", "s3KeyPrefix", "cloudWatchLogsLogGroupArn"}) {
            String value = RequestJson.text(RequestJson.field(request, destination));
            if (value != null && !value.isBlank()) {
                return true;
            }
        }
        return RequestJson.text(RequestJson.field(request, "kmsKeyId")) != null;
    }
}
