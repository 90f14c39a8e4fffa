package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Whether a request switches a security control off or down, read from its {@code requestParameters}
 * — for the controls whose request states the new setting in a nested shape an EPL field path
 * cannot test on its own (a list of entries, flags that default to off when absent, keys whose case
 * differs between exporters):
 * <ul>
 *   <li>EKS control-plane logging ({@code UpdateClusterConfig});</li>
 *   <li>Bedrock model-invocation logging ({@code PutModelInvocationLoggingConfiguration});</li>
 *   <li>S3 Block Public Access, bucket or account ({@code Put(Bucket|Account)PublicAccessBlock});</li>
 *   <li>Security Hub finding workflow ({@code BatchUpdateFindings}, {@code UpdateFindings}).</li>
 * </ul>
 * Each answer is about the request alone (what the control will be), never about what it was: the
 * rules using them say so in their false-positive notes. Total like the other analyses: junk, a
 * missing field or another API's request gives false (or null).
 *
 * <p>Decided from the community's rules: Elastic's {@code defense_evasion_eks_control_plane_logging_disabled}
 * (text match on {@code enabled=false}), {@code defense_evasion_bedrock_model_invocation_logging_disabled_or_modified}
 * (any Put), Falco's "Delete Bucket Public Access Block" (the four flags false) and SigmaHQ's
 * {@code aws_securityhub_finding_evasion} (every call); here the fields decide.
 */
public final class ControlSwitches {

    private static final String[] PUBLIC_ACCESS_FLAGS = {"BlockPublicAcls", "IgnorePublicAcls", "BlockPublicPolicy", "RestrictPublicBuckets"};
    private static final Set<String> SUPPRESSING_WORKFLOW = Set.of("SUPPRESSED", "RESOLVED");

    private ControlSwitches() {
    }

    /**
     * {@code UpdateClusterConfig}: the log types ({@code api,audit}) that a
     * {@code logging.clusterLogging[]} entry with {@code enabled = false} switches off, in request
     * order; null when none does (an update enabling types, or one with an empty type list, switches
     * nothing off).
     */
    public static String eksLoggingDisabledTypes(String requestParameters) {
        JsonNode logging = RequestJson.field(RequestJson.field(RequestJson.parse(requestParameters), "logging"), "clusterLogging");
        Set<String> off = new LinkedHashSet<>();
        for (JsonNode entry : RequestJson.list(logging)) {
            if (Boolean.FALSE.equals(RequestJson.bool(RequestJson.field(entry, "enabled"), null))) {
                for (String type : RequestJson.strings(RequestJson.field(entry, "types"))) {
                    if (!type.isBlank()) {
                        off.add(type.trim());
                    }
                }
            }
        }
        return off.isEmpty() ? null : String.join(",", off);
    }

    /**
     * {@code PutModelInvocationLoggingConfiguration} that leaves prompts unlogged:
     * {@code loggingConfig} names no destination (no {@code s3Config.bucketName} and no
     * {@code cloudWatchConfig.logGroupName}), or {@code textDataDeliveryEnabled} is not true (the API's
     * default is off, so a config that omits it logs no text). False for a config that delivers text
     * somewhere, and for any other request.
     */
    public static boolean invocationLoggingReduced(String requestParameters) {
        JsonNode config = RequestJson.field(RequestJson.parse(requestParameters), "loggingConfig");
        if (!config.isObject()) {
            return false;
        }
        boolean toS3 = notBlank(RequestJson.text(RequestJson.field(RequestJson.field(config, "s3Config"), "bucketName")));
        boolean toLogs = notBlank(RequestJson.text(RequestJson.field(RequestJson.field(config, "cloudWatchConfig"), "logGroupName")));
        boolean text = Boolean.TRUE.equals(RequestJson.bool(RequestJson.field(config, "textDataDeliveryEnabled"), Boolean.FALSE));
        return !(toS3 || toLogs) || !text;
    }

    /**
     * {@code PutBucketPublicAccessBlock} / {@code PutAccountPublicAccessBlock} whose
     * {@code PublicAccessBlockConfiguration} leaves any of {@code BlockPublicAcls},
     * {@code IgnorePublicAcls}, {@code BlockPublicPolicy}, {@code RestrictPublicBuckets} not true
     * (false, or absent: the API turns an omitted flag off). False when all four are true and when
     * the request carries no configuration.
     */
    public static boolean publicAccessBlockWeakened(String requestParameters) {
        JsonNode config = RequestJson.field(RequestJson.parse(requestParameters), "PublicAccessBlockConfiguration");
        if (!config.isObject()) {
            return false;
        }
        for (String flag : PUBLIC_ACCESS_FLAGS) {
            if (!Boolean.TRUE.equals(RequestJson.bool(RequestJson.field(config, flag), Boolean.FALSE))) {
                return true;
            }
        }
        return false;
    }

    /**
     * A Security Hub finding update that takes findings out of sight: {@code Workflow.Status}
     * {@code SUPPRESSED} or {@code RESOLVED}, {@code Severity.Label INFORMATIONAL}
     * ({@code BatchUpdateFindings}), or {@code RecordState ARCHIVED} ({@code UpdateFindings}). False for
     * {@code NOTIFIED} / {@code NEW}, a note alone, or another request.
     */
    public static boolean findingUpdateSuppresses(String requestParameters) {
        JsonNode request = RequestJson.parse(requestParameters);
        String workflow = upper(RequestJson.text(RequestJson.field(RequestJson.field(request, "Workflow"), "Status")));
        String severity = upper(RequestJson.text(RequestJson.field(RequestJson.field(request, "Severity"), "Label")));
        String recordState = upper(RequestJson.text(RequestJson.field(request, "RecordState")));
        return (workflow != null && SUPPRESSING_WORKFLOW.contains(workflow))
                || "INFORMATIONAL".equals(severity)
                || "ARCHIVED".equals(recordState);
    }

    private static boolean notBlank(String value) {
        return value != null && !value.isBlank();
    }

    private static String upper(String value) {
        return value == null ? null : value.trim().toUpperCase(Locale.ROOT);
    }
}
