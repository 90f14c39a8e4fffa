package io.trailsentry.alert.ocsf;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;

/**
 * An OCSF 1.1 <em>Detection Finding</em> (class 2004, category 2 Findings): the shape Security Lake,
 * and SIEMs with an OCSF reader, ingest without a custom parser. Written with snake_case names and
 * without null attributes by {@link OcsfJson}; {@link OcsfFindingMapper} fills it from an alert.
 *
 * <p>Attributes and their requirement levels were taken from the schema source at tag v1.1.0 of
 * github.com/ocsf/ocsf-schema: {@code events/base_event.json}, {@code events/findings/finding.json},
 * {@code events/findings/detection_finding.json}, {@code includes/classification.json},
 * {@code includes/occurrence.json}, {@code profiles/cloud.json}, {@code profiles/host.json} and the
 * objects under {@code objects/} (also rendered at schema.ocsf.io/1.1.0/classes/detection_finding).
 * Required at the top level: {@code activity_id, category_uid, class_uid, type_uid, time,
 * severity_id, metadata, finding_info}, and {@code cloud} with the cloud profile this finding
 * declares. Timestamps are {@code timestamp_t}: milliseconds since the epoch.
 *
 * <p>The class has no {@code src_endpoint} attribute in any OCSF version (only Data Security Finding
 * has one), so source addresses travel where the schema puts them for a detection: as evidences
 * ({@code evidences[].src_endpoint}) and observables.
 */
public record OcsfDetectionFinding(
        int classUid,
        String className,
        int categoryUid,
        String categoryName,
        int activityId,
        String activityName,
        long typeUid,
        String typeName,
        long time,
        int timezoneOffset,
        int severityId,
        String severity,
        int statusId,
        String status,
        String message,
        Integer riskScore,
        Long startTime,
        Long endTime,
        Integer count,
        Metadata metadata,
        FindingInfo findingInfo,
        List<Attack> attacks,
        Actor actor,
        Cloud cloud,
        List<Evidence> evidences,
        List<Observable> observables,
        ObjectNode unmapped) {

    public static final int CLASS_UID = 2004;
    public static final int CATEGORY_UID = 2;
    public static final String SCHEMA_VERSION = "1.1.0";

    /** @param correlationUid the incident a finding belongs to or is, so a SIEM can group them */
    public record Metadata(String version, Product product, String uid, String correlationUid, List<String> profiles) {
    }

    public record Product(String name, String vendorName, String version) {
    }

    /**
     * @param uid the finding: an alert's id, or for incident alerts the incident's id, so each escalation
     *            (activity Update) updates the one finding the first alert created
     */
    public record FindingInfo(String uid, String title, String desc, List<String> types, Long createdTime,
                              Long firstSeenTime, Long lastSeenTime, Analytic analytic, List<Attack> attacks,
                              List<RelatedEvent> relatedEvents) {
    }

    /** {@code type_id} 1 is Rule. */
    public record Analytic(String uid, String name, int typeId, String type, String version) {
    }

    /** At least one of tactic and technique (schema constraint); a sub-technique id goes in {@code sub_technique}. */
    public record Attack(Tactic tactic, Technique technique, Technique subTechnique, String version) {
    }

    public record Tactic(String uid, String name) {
    }

    public record Technique(String uid, String name) {
    }

    /** A CloudTrail event behind the finding; {@code uid} is its eventID. */
    public record RelatedEvent(String uid, String type) {
    }

    /** At least one of user and session is set (the schema asks for one of process, user, invoked_by, session). */
    public record Actor(User user, Session session) {
    }

    /**
     * @param uid           the CloudTrail principalId
     * @param uidAlt        the principal's ARN
     * @param typeId        1 User (IAM user), 2 Admin (root), 99 Other (assumed role, federated user)
     * @param type          CloudTrail's {@code userIdentity.type} as read from the ARN
     * @param credentialUid the access key, when the alert saw exactly one
     */
    public record User(String name, String uid, String uidAlt, Integer typeId, String type, Account account,
                       String credentialUid) {
    }

    /** {@code type_id} 10 is AWS Account. */
    public record Account(String uid, Integer typeId, String type) {
    }

    /** @param issuer the role an assumed-role session was issued for */
    public record Session(String issuer) {
    }

    public record Cloud(String provider, String region, Account account) {
    }

    /** One artifact: the API operation called, or the address it came from. */
    public record Evidence(Api api, NetworkEndpoint srcEndpoint) {
    }

    public record Api(String operation) {
    }

    /** {@code ip} for an address; {@code svc_name} for an AWS service caller; {@code name} for "AWS Internal". */
    public record NetworkEndpoint(String ip, String svcName, String name) {
    }

    /** {@code type_id} 2 IP Address, 4 User Name. */
    public record Observable(String name, int typeId, String type, String value) {
    }
}
