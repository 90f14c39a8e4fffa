package io.trailsentry.alert.ocsf;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertFactory;
import io.trailsentry.alert.AlertJson;
import io.trailsentry.context.CidrSet;
import io.trailsentry.engine.Mitre;
import io.trailsentry.engine.Severity;
import io.trailsentry.alert.ocsf.OcsfDetectionFinding.Account;
import io.trailsentry.alert.ocsf.OcsfDetectionFinding.Actor;
import io.trailsentry.alert.ocsf.OcsfDetectionFinding.Analytic;
import io.trailsentry.alert.ocsf.OcsfDetectionFinding.Api;
import io.trailsentry.alert.ocsf.OcsfDetectionFinding.Attack;
import io.trailsentry.alert.ocsf.OcsfDetectionFinding.Cloud;
import io.trailsentry.alert.ocsf.OcsfDetectionFinding.Evidence;
import io.trailsentry.alert.ocsf.OcsfDetectionFinding.FindingInfo;
import io.trailsentry.alert.ocsf.OcsfDetectionFinding.Metadata;
import io.trailsentry.alert.ocsf.OcsfDetectionFinding.NetworkEndpoint;
import io.trailsentry.alert.ocsf.OcsfDetectionFinding.Observable;
import io.trailsentry.alert.ocsf.OcsfDetectionFinding.Product;
import io.trailsentry.alert.ocsf.OcsfDetectionFinding.RelatedEvent;
import io.trailsentry.alert.ocsf.OcsfDetectionFinding.Session;
import io.trailsentry.alert.ocsf.OcsfDetectionFinding.Tactic;
import io.trailsentry.alert.ocsf.OcsfDetectionFinding.Technique;
import io.trailsentry.alert.ocsf.OcsfDetectionFinding.User;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps an alert onto an OCSF Detection Finding (see {@link OcsfDetectionFinding} for the schema
 * source). Stateless and deterministic: the same alert always gives the same finding, so a replay
 * writes the same findings again and a consumer can dedup on {@code metadata.uid}.
 *
 * <p>A signal alert creates its own finding (activity 1 Create, {@code finding_info.uid} = alertId).
 * An incident alert is one finding per incident ({@code finding_info.uid} = incidentId): the alert
 * that opens it creates it, each later escalation updates it (activity 2 Update). The scorer opens an
 * incident with exactly one signal and escalates only after adding more, so the signal count tells
 * the two apart without keeping state. Every alert field the schema has no place for goes to
 * {@code unmapped} under its alert name.
 */
public final class OcsfFindingMapper {

    public static final String PRODUCT_NAME = "TrailSentry";
    public static final String VENDOR_NAME = "TrailSentry";
    /**
     * Enterprise ATT&amp;CK release the rules' ids are written against: every technique they use exists
     * in it (the newest, T1651 and T1555.006, arrived in v13).
     */
    static final String ATTACK_VERSION = "14";
    static final int ACTIVITY_CREATE = 1;
    static final int ACTIVITY_UPDATE = 2;
    static final int STATUS_NEW = 1;
    static final int ANALYTIC_RULE = 1;
    static final int ACCOUNT_AWS = 10;
    static final int OBSERVABLE_IP = 2;
    static final int OBSERVABLE_USER_NAME = 4;
    /** Evidence items of one kind (operations, addresses) kept per finding: the full lists stay in the alert. */
    static final int EVIDENCE_CAP = AlertFactory.EVIDENCE_CAP;

    private final Product product;

    /** @param productVersion TrailSentry's version, written as {@code metadata.product.version} */
    public OcsfFindingMapper(String productVersion) {
        this.product = new Product(PRODUCT_NAME, VENDOR_NAME, productVersion);
    }

    public OcsfDetectionFinding map(Alert alert) {
        boolean incident = Alert.INCIDENT_RULE_ID.equals(alert.rule().ruleId());
        int activityId = incident && alert.incident().signals() != null && alert.incident().signals().size() > 1 ? ACTIVITY_UPDATE : ACTIVITY_CREATE;
        Severity severity = alert.rating().severity();
        Long detected = millis(alert.window().detectedAt() != null ? alert.window().detectedAt() : alert.window().windowEnd());
        String title = alert.displayName() != null ? alert.displayName() : alert.rule().ruleName();
        List<Attack> attacks = attacks(alert, incident);
        Account awsAccount = alert.actor().accountId() == null ? null : new Account(alert.actor().accountId(), ACCOUNT_AWS, "AWS Account");
        User user = user(alert, awsAccount);

        FindingInfo info = new FindingInfo(
                incident && alert.incident().incidentId() != null ? alert.incident().incidentId() : alert.alertId(),
                title,
                alert.description(),
                nullIfEmpty(alert.stages()),
                detected,
                millis(alert.window().windowStart()),
                millis(alert.window().windowEnd()),
                new Analytic(alert.rule().ruleId(), alert.rule().ruleName(), ANALYTIC_RULE, "Rule", alert.rule().ruleVersion()),
                attacks,
                nullIfEmpty(alert.evidence().eventIds() == null ? null
                        : alert.evidence().eventIds().stream().map(id -> new RelatedEvent(id, "AWS CloudTrail event")).toList()));

        return new OcsfDetectionFinding(
                OcsfDetectionFinding.CLASS_UID, "Detection Finding",
                OcsfDetectionFinding.CATEGORY_UID, "Findings",
                activityId, activityId == ACTIVITY_CREATE ? "Create" : "Update",
                OcsfDetectionFinding.CLASS_UID * 100L + activityId,
                "Detection Finding: " + (activityId == ACTIVITY_CREATE ? "Create" : "Update"),
                detected == null ? 0 : detected,
                0, // every time TrailSentry writes is UTC
                severityId(severity), severity.name(),
                STATUS_NEW, "New",
                title,
                alert.score(),
                millis(alert.window().windowStart()),
                millis(alert.window().windowEnd()),
                (int) Math.min(Integer.MAX_VALUE, Math.max(0, alert.window().count())),
                new Metadata(OcsfDetectionFinding.SCHEMA_VERSION, product, alert.alertId(), alert.incident().incidentId(), List.of("cloud")),
                info,
                attacks,
                user == null ? null : new Actor(user, session(alert)),
                new Cloud("AWS", first(alert.evidence().regions()), awsAccount),
                nullIfEmpty(evidences(alert, incident)),
                nullIfEmpty(observables(alert, user)),
                unmapped(alert, incident));
    }

    /** Our severities are OCSF's 1 (Informational) to 5 (Critical), one for one. */
    static int severityId(Severity severity) {
        return switch (severity) {
            case Informational -> 1;
            case Low -> 2;
            case Medium -> 3;
            case High -> 4;
            case Critical -> 5;
        };
    }

    /**
     * The alert's own tactic and technique first; an incident adds the tactic of every other stage it
     * reached, so a SIEM sees the whole progression, not only the furthest step.
     */
    private static List<Attack> attacks(Alert alert, boolean incident) {
        Map<String, Attack> byTactic = new LinkedHashMap<>();
        Alert.MitreRef mitre = alert.mitre();
        if (mitre != null && (mitre.tacticId() != null || mitre.techniqueId() != null)) {
            Tactic tactic = mitre.tacticId() == null ? null : new Tactic(mitre.tacticId(), mitre.tactic());
            byTactic.put(String.valueOf(mitre.tacticId()), attack(tactic, mitre.techniqueId()));
        }
        if (incident && alert.incident().stageTactics() != null) {
            for (Alert.MitreRef m : alert.incident().stageTactics()) {
                byTactic.putIfAbsent(m.tacticId(), new Attack(new Tactic(m.tacticId(), m.tactic()), null, null, ATTACK_VERSION));
            }
        }
        return nullIfEmpty(new ArrayList<>(byTactic.values()));
    }

    /** {@code T1098.003} is sub-technique 003 of technique T1098: OCSF keeps the two apart. */
    private static Attack attack(Tactic tactic, String techniqueId) {
        if (techniqueId == null) {
            return new Attack(tactic, null, null, ATTACK_VERSION);
        }
        int dot = techniqueId.indexOf('.');
        Technique technique = new Technique(dot < 0 ? techniqueId : techniqueId.substring(0, dot), null);
        Technique sub = dot < 0 ? null : new Technique(techniqueId, null);
        return new Attack(tactic, technique, sub, ATTACK_VERSION);
    }

    private static User user(Alert alert, Account account) {
        String name = alert.actor().actorName() != null ? alert.actor().actorName() : alert.actor().name();
        if (name == null && alert.actor().principalId() == null && account == null) {
            return null;
        }
        IdentityType type = IdentityType.ofArn(alert.actor().principalArn());
        List<String> keys = alert.actor().accessKeyIds() == null ? List.of() : alert.actor().accessKeyIds();
        return new User(name, alert.actor().principalId(), alert.actor().principalArn(), type == null ? null : type.typeId,
                type == null ? null : type.cloudTrailName, account, keys.size() == 1 ? keys.get(0) : null);
    }

    /** An assumed-role session's issuer: the role, which the actor key holds before the session name. */
    private static Session session(Alert alert) {
        if (IdentityType.ofArn(alert.actor().principalArn()) != IdentityType.ASSUMED_ROLE || alert.actor().actorKey() == null) {
            return null;
        }
        int slash = alert.actor().actorKey().lastIndexOf('/');
        return slash < 0 ? null : new Session(alert.actor().actorKey().substring(0, slash));
    }

    /**
     * One evidence per API operation (signals only: an incident's {@code eventNames} are its signals'
     * rule names) and one per source address: this alert's own when the rule expands per IP, else all.
     */
    private static List<Evidence> evidences(Alert alert, boolean incident) {
        List<Evidence> out = new ArrayList<>();
        if (!incident && alert.evidence().eventNames() != null) {
            alert.evidence().eventNames().stream().limit(EVIDENCE_CAP).forEach(name -> out.add(new Evidence(new Api(name), null)));
        }
        sources(alert).stream().limit(EVIDENCE_CAP).forEach(source -> out.add(new Evidence(null, endpoint(source))));
        return out;
    }

    private static List<String> sources(Alert alert) {
        if (alert.evidence().sourceIp() != null) {
            return List.of(alert.evidence().sourceIp());
        }
        return alert.evidence().sourceIps() == null ? List.of() : alert.evidence().sourceIps();
    }

    /** CloudTrail's sourceIPAddress is an address, an AWS service's name, or "AWS Internal". */
    static NetworkEndpoint endpoint(String source) {
        if (CidrSet.isIpLiteral(source)) {
            return new NetworkEndpoint(source, null, null);
        }
        if (source.endsWith(".amazonaws.com")) {
            return new NetworkEndpoint(null, source, null);
        }
        return new NetworkEndpoint(null, null, source);
    }

    private static List<Observable> observables(Alert alert, User user) {
        List<Observable> out = new ArrayList<>();
        if (user != null && user.name() != null) {
            out.add(new Observable("actor.user.name", OBSERVABLE_USER_NAME, "User Name", user.name()));
        }
        sources(alert).stream().filter(CidrSet::isIpLiteral).limit(EVIDENCE_CAP)
                .forEach(ip -> out.add(new Observable("evidences.src_endpoint.ip", OBSERVABLE_IP, "IP Address", ip)));
        return out;
    }

    /** The alert fields OCSF has no attribute for, under their alert names, as the alert JSON writes them. */
    private static ObjectNode unmapped(Alert alert, boolean incident) {
        ObjectNode out = AlertJson.mapper().createObjectNode();
        put(out, "actorKey", alert.actor().actorKey());
        put(out, "userName", alert.actor().userName());
        put(out, "name", alert.actor().name());
        put(out, "upnSuffix", alert.actor().upnSuffix());
        put(out, "sourceIp", alert.evidence().sourceIp());
        if (alert.evidence().sourceIps() != null && alert.evidence().sourceIps().size() > EVIDENCE_CAP) {
            put(out, "sourceIps", alert.evidence().sourceIps());
        }
        if (incident) {
            put(out, "signalRules", alert.evidence().eventNames()); // an incident's eventNames are its signals' rule names
        }
        if (alert.evidence().regions() != null && alert.evidence().regions().size() > 1) {
            put(out, "regions", alert.evidence().regions());
        }
        if (alert.actor().accessKeyIds() != null && alert.actor().accessKeyIds().size() > 1) {
            put(out, "accessKeyIds", alert.actor().accessKeyIds());
        }
        put(out, "errorCodes", alert.evidence().errorCodes());
        put(out, "errorMessages", alert.evidence().errorMessages());
        put(out, "userAgents", alert.evidence().userAgents());
        put(out, "contexts", alert.evidence().contexts());
        put(out, "entities", alert.evidence().entities());
        put(out, "customDetails", alert.evidence().customDetails());
        put(out, "scoreBreakdown", alert.incident().scoreBreakdown());
        put(out, "signals", alert.incident().signals());
        put(out, "linkedIdentities", alert.incident().linkedIdentities());
        return out.isEmpty() ? null : out;
    }

    private static void put(ObjectNode node, String field, Object value) {
        if (value == null || (value instanceof Collection<?> c && c.isEmpty()) || (value instanceof Map<?, ?> m && m.isEmpty())) {
            return;
        }
        node.set(field, AlertJson.mapper().valueToTree(value));
    }

    private static Long millis(Instant instant) {
        return instant == null ? null : instant.toEpochMilli();
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static <T> List<T> nullIfEmpty(List<T> list) {
        return list == null || list.isEmpty() ? null : list;
    }

    /** CloudTrail's {@code userIdentity.type}, read back from the principal ARN, and OCSF's user type for it. */
    enum IdentityType {
        IAM_USER("IAMUser", 1),
        ROOT("Root", 2),
        ASSUMED_ROLE("AssumedRole", 99),
        FEDERATED_USER("FederatedUser", 99);

        final String cloudTrailName;
        final int typeId;

        IdentityType(String cloudTrailName, int typeId) {
            this.cloudTrailName = cloudTrailName;
            this.typeId = typeId;
        }

        static IdentityType ofArn(String arn) {
            if (arn == null) {
                return null;
            }
            if (arn.contains(":assumed-role/")) {
                return ASSUMED_ROLE;
            }
            if (arn.contains(":federated-user/")) {
                return FEDERATED_USER;
            }
            if (arn.endsWith(":root")) {
                return ROOT;
            }
            return arn.contains(":user/") ? IAM_USER : null;
        }
    }
}
