package io.trailsentry.alert.ocsf;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of the OCSF 1.1.0 schema a Detection Finding from TrailSentry touches, as a checker: for
 * the class and each object it uses, every attribute the schema defines (anything else is an unknown
 * attribute), which are required, their JSON types, and the "at least one of" constraints.
 *
 * <p>Transcribed from github.com/ocsf/ocsf-schema at tag v1.1.0: the class is
 * {@code events/findings/detection_finding.json} extending {@code finding.json} and
 * {@code base_event.json}, with {@code includes/classification.json}, {@code includes/occurrence.json}
 * and the profiles {@code cloud}, {@code datetime}, {@code host} and {@code security_control};
 * objects are {@code objects/<name>.json} with what they extend ({@code _entity}, {@code endpoint});
 * types from {@code dictionary.json} ({@code timestamp_t} is a long of epoch milliseconds).
 * {@code cloud} is required because the finding declares the cloud profile in {@code metadata.profiles}.
 */
final class Ocsf11Schema {

    enum Kind { INT, LONG, STRING, OBJECT, ANY }

    /** How one attribute is checked: its kind, or the object it holds; {@code array} for a list of them. */
    record Attr(boolean required, Kind kind, String object, boolean array) {
    }

    record ObjectSpec(Set<String> attributes, Map<String, Attr> checked, List<String> atLeastOne) {
    }

    static final Map<String, ObjectSpec> OBJECTS = new LinkedHashMap<>();

    static {
        define("detection_finding", Set.of("action", "action_id", "activity_id", "activity_name", "actor", "api", "attacks",
                        "authorizations", "category_name", "category_uid", "class_name", "class_uid", "cloud", "comment", "confidence",
                        "confidence_id", "confidence_score", "count", "device", "disposition", "disposition_id", "duration", "end_time",
                        "enrichments", "evidences", "finding_info", "firewall_rule", "impact", "impact_id", "impact_score", "malware",
                        "message", "metadata", "observables", "raw_data", "remediation", "resources", "risk_level", "risk_level_id",
                        "risk_score", "severity", "severity_id", "start_time", "status", "status_code", "status_detail", "status_id", "time",
                        "timezone_offset", "type_name", "type_uid", "unmapped", "vulnerabilities"),
                List.of(),
                required("activity_id", Kind.INT), required("category_uid", Kind.INT), required("class_uid", Kind.INT),
                required("type_uid", Kind.LONG), required("time", Kind.LONG), required("severity_id", Kind.INT),
                requiredObject("metadata", "metadata"), requiredObject("finding_info", "finding_info"), requiredObject("cloud", "cloud"),
                optional("activity_name", Kind.STRING), optional("category_name", Kind.STRING), optional("class_name", Kind.STRING),
                optional("type_name", Kind.STRING), optional("severity", Kind.STRING), optional("status_id", Kind.INT),
                optional("status", Kind.STRING), optional("message", Kind.STRING), optional("risk_score", Kind.INT),
                optional("start_time", Kind.LONG), optional("end_time", Kind.LONG), optional("count", Kind.INT),
                optional("timezone_offset", Kind.INT), optional("unmapped", Kind.OBJECT),
                optionalObject("actor", "actor"), optionalArray("attacks", "attack"), optionalArray("evidences", "evidences"),
                optionalArray("observables", "observable"));
        define("metadata", Set.of("correlation_uid", "event_code", "extension", "extensions", "labels", "log_level", "log_name",
                        "log_provider", "log_version", "logged_time", "loggers", "modified_time", "original_time", "processed_time", "product",
                        "profiles", "sequence", "tenant_uid", "uid", "version"),
                List.of(),
                requiredObject("product", "product"), required("version", Kind.STRING), optional("uid", Kind.STRING),
                optional("correlation_uid", Kind.STRING), new Entry("profiles", new Attr(false, Kind.STRING, null, true)));
        define("product", Set.of("cpe_name", "feature", "lang", "name", "path", "uid", "url_string", "vendor_name", "version"),
                List.of("name", "uid"),
                required("vendor_name", Kind.STRING), optional("name", Kind.STRING), optional("version", Kind.STRING));
        define("finding_info", Set.of("analytic", "attacks", "created_time", "data_sources", "desc", "first_seen_time", "kill_chain",
                        "last_seen_time", "modified_time", "product_uid", "related_analytics", "related_events", "src_url", "title", "types", "uid"),
                List.of(),
                required("uid", Kind.STRING), required("title", Kind.STRING), optional("desc", Kind.STRING),
                optional("created_time", Kind.LONG), optional("first_seen_time", Kind.LONG), optional("last_seen_time", Kind.LONG),
                new Entry("types", new Attr(false, Kind.STRING, null, true)), optionalObject("analytic", "analytic"),
                optionalArray("attacks", "attack"), optionalArray("related_events", "related_event"));
        define("analytic", Set.of("category", "desc", "name", "related_analytics", "type", "type_id", "uid", "version"),
                List.of("name", "uid"),
                required("type_id", Kind.INT), optional("uid", Kind.STRING), optional("name", Kind.STRING),
                optional("type", Kind.STRING), optional("version", Kind.STRING));
        define("attack", Set.of("sub_technique", "tactic", "tactics", "technique", "version"),
                List.of("tactic", "technique", "sub_technique"),
                optionalObject("tactic", "tactic"), optionalObject("technique", "technique"),
                optionalObject("sub_technique", "sub_technique"), optional("version", Kind.STRING));
        for (String entity : List.of("tactic", "technique", "sub_technique")) {
            define(entity, Set.of("name", "src_url", "uid"), List.of("name", "uid"),
                    optional("uid", Kind.STRING), optional("name", Kind.STRING));
        }
        define("related_event", Set.of("attacks", "kill_chain", "observables", "product_uid", "type", "type_uid", "uid"),
                List.of(), required("uid", Kind.STRING), optional("type", Kind.STRING));
        define("actor", Set.of("authorizations", "idp", "invoked_by", "process", "session", "user"),
                List.of("process", "user", "invoked_by", "session"),
                optionalObject("user", "user"), optionalObject("session", "session"));
        define("user", Set.of("account", "credential_uid", "domain", "email_addr", "full_name", "groups", "ldap_person", "name", "org",
                        "type", "type_id", "uid", "uid_alt"),
                List.of("account", "name", "uid"),
                optional("name", Kind.STRING), optional("uid", Kind.STRING), optional("uid_alt", Kind.STRING),
                optional("type_id", Kind.INT), optional("type", Kind.STRING), optional("credential_uid", Kind.STRING),
                optionalObject("account", "account"));
        define("account", Set.of("name", "type", "type_id", "uid"), List.of("name", "uid"),
                optional("uid", Kind.STRING), optional("type_id", Kind.INT), optional("type", Kind.STRING));
        define("session", Set.of("count", "created_time", "credential_uid", "expiration_reason", "expiration_time", "is_mfa",
                        "is_remote", "is_vpn", "issuer", "terminal", "uid", "uid_alt", "uuid"),
                List.of(), optional("issuer", Kind.STRING));
        define("cloud", Set.of("account", "org", "project_uid", "provider", "region", "zone"),
                List.of(), required("provider", Kind.STRING), optional("region", Kind.STRING), optionalObject("account", "account"));
        define("evidences", Set.of("actor", "api", "connection_info", "data", "dst_endpoint", "file", "process", "query", "src_endpoint"),
                List.of("actor", "api", "connection_info", "data", "dst_endpoint", "file", "process", "query", "src_endpoint"),
                optionalObject("api", "api"), optionalObject("src_endpoint", "network_endpoint"));
        define("api", Set.of("group", "operation", "request", "response", "service", "version"),
                List.of(), required("operation", Kind.STRING));
        define("network_endpoint", Set.of("domain", "hostname", "hw_info", "instance_uid", "interface_name", "interface_uid",
                        "intermediate_ips", "ip", "location", "mac", "name", "os", "port", "proxy_endpoint", "subnet_uid", "svc_name", "type",
                        "type_id", "uid", "vlan_uid", "vpc_uid", "zone"),
                List.of("ip", "uid", "name", "hostname", "svc_name", "instance_uid", "interface_uid", "interface_name"),
                optional("ip", Kind.STRING), optional("svc_name", Kind.STRING), optional("name", Kind.STRING));
        define("observable", Set.of("name", "reputation", "type", "type_id", "value"),
                List.of(), required("name", Kind.STRING), required("type_id", Kind.INT), optional("type", Kind.STRING),
                optional("value", Kind.STRING));
    }

    private Ocsf11Schema() {
    }

    /** Every way the finding breaks the schema, as {@code path: problem}; empty when it conforms. */
    static List<String> violations(JsonNode finding) {
        List<String> out = new ArrayList<>();
        check("detection_finding", finding, "", out);
        return out;
    }

    private static void check(String objectName, JsonNode node, String path, List<String> out) {
        ObjectSpec spec = OBJECTS.get(objectName);
        if (!node.isObject()) {
            out.add(path + ": " + objectName + " must be an object, was " + node.getNodeType());
            return;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!spec.attributes().contains(name)) {
                out.add(path + "/" + name + ": not an attribute of " + objectName + " in OCSF 1.1.0");
            }
        }
        spec.checked().forEach((name, attr) -> {
            JsonNode value = node.get(name);
            String at = path + "/" + name;
            if (value == null || value.isNull()) {
                if (attr.required()) {
                    out.add(at + ": required by " + objectName + " but missing");
                }
                return;
            }
            if (attr.array()) {
                if (!value.isArray()) {
                    out.add(at + ": must be an array, was " + value.getNodeType());
                    return;
                }
                if (value.isEmpty()) {
                    out.add(at + ": an empty array should be left out");
                }
                for (int i = 0; i < value.size(); i++) {
                    checkValue(attr, value.get(i), at + "/" + i, out);
                }
            } else {
                checkValue(attr, value, at, out);
            }
        });
        if (!spec.atLeastOne().isEmpty() && spec.atLeastOne().stream().noneMatch(n -> node.hasNonNull(n))) {
            out.add(path + ": " + objectName + " needs at least one of " + spec.atLeastOne());
        }
    }

    private static void checkValue(Attr attr, JsonNode value, String at, List<String> out) {
        if (attr.object() != null) {
            check(attr.object(), value, at, out);
            return;
        }
        boolean ok = switch (attr.kind()) {
            case INT -> value.isIntegralNumber() && value.canConvertToInt();
            case LONG -> value.isIntegralNumber() && value.canConvertToLong();
            case STRING -> value.isTextual() && !value.asText().isEmpty();
            case OBJECT -> value.isObject();
            case ANY -> true;
        };
        if (!ok) {
            out.add(at + ": must be " + attr.kind() + ", was " + value.getNodeType() + " " + value);
        }
    }

    private record Entry(String name, Attr attr) {
    }

    private static void define(String name, Set<String> attributes, List<String> atLeastOne, Entry... checked) {
        Map<String, Attr> map = new LinkedHashMap<>();
        for (Entry e : checked) {
            if (!attributes.contains(e.name())) {
                throw new IllegalStateException(name + " checks " + e.name() + ", which it does not define");
            }
            map.put(e.name(), e.attr());
        }
        OBJECTS.put(name, new ObjectSpec(attributes, map, atLeastOne));
    }

    private static Entry required(String name, Kind kind) {
        return new Entry(name, new Attr(true, kind, null, false));
    }

    private static Entry optional(String name, Kind kind) {
        return new Entry(name, new Attr(false, kind, null, false));
    }

    private static Entry requiredObject(String name, String object) {
        return new Entry(name, new Attr(true, Kind.OBJECT, object, false));
    }

    private static Entry optionalObject(String name, String object) {
        return new Entry(name, new Attr(false, Kind.OBJECT, object, false));
    }

    private static Entry optionalArray(String name, String object) {
        return new Entry(name, new Attr(false, Kind.OBJECT, object, true));
    }
}
