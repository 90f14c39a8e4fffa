package io.trailsentry.sample;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders an {@link ApiCall} as one CloudTrail record, fields in the order CloudTrail delivers them.
 * Streaming {@link JsonGenerator} rather than a tree: it is several times faster for the benchmark
 * volumes and escapes error messages and keys correctly.
 */
final class CloudTrailRecordWriter {

    private static final JsonFactory JSON = new JsonFactory();
    private static final DateTimeFormatter EVENT_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    /** IAM writes createDate in responses in this Java-toString style, not ISO (see the Stratus logs). */
    private static final DateTimeFormatter CONSOLE_DATE =
            DateTimeFormatter.ofPattern("MMM d, yyyy h:mm:ss a", Locale.US).withZone(ZoneOffset.UTC);

    private final StringWriter buffer = new StringWriter(2048);

    static String consoleDate(Instant t) {
        return CONSOLE_DATE.format(t);
    }

    /**
     * @param ids the record's own random stream: eventID, requestID and TLS choice come from it, so a
     *            record's ids depend only on the seed and its position in its source, not on other records
     */
    String render(ApiCall c, SeededRandom ids) {
        buffer.getBuffer().setLength(0);
        try (JsonGenerator g = JSON.createGenerator(buffer)) {
            g.writeStartObject();
            g.writeStringField("eventVersion", "1.09");
            writeIdentity(g, c);
            g.writeStringField("eventTime", EVENT_TIME.format(c.eventTime()));
            g.writeStringField("eventSource", c.eventSource());
            g.writeStringField("eventName", c.eventName());
            g.writeStringField("awsRegion", c.awsRegion());
            g.writeStringField("sourceIPAddress", c.sourceIPAddress());
            g.writeStringField("userAgent", c.userAgent());
            if (c.errorCode() != null) {
                g.writeStringField("errorCode", c.errorCode());
                g.writeStringField("errorMessage", c.errorMessage());
            }
            g.writeFieldName("requestParameters");
            writeValue(g, c.requestParameters());
            g.writeFieldName("responseElements");
            writeValue(g, c.responseElements());
            String eventId = ids.uuid();
            // S3 request ids are 16 upper-case characters, everyone else's are UUIDs.
            g.writeStringField("requestID", c.eventSource().startsWith("s3.") ? ids.alnum(16) : ids.uuid());
            g.writeStringField("eventID", eventId);
            g.writeBooleanField("readOnly", c.readOnly());
            if (!c.managementEvent()) writeResources(g, c);
            g.writeStringField("eventType", "AwsApiCall");
            g.writeBooleanField("managementEvent", c.managementEvent());
            g.writeStringField("recipientAccountId", SampleOrg.ACCOUNT_ID);
            g.writeStringField("eventCategory", c.managementEvent() ? "Management" : "Data");
            writeTls(g, c, ids);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to a StringWriter cannot fail", e);
        }
        return buffer.toString();
    }

    private static void writeIdentity(JsonGenerator g, ApiCall c) throws IOException {
        Principal p = c.principal();
        g.writeObjectFieldStart("userIdentity");
        g.writeStringField("type", p.type());
        if (p.type().equals("AWSService")) {
            g.writeStringField("invokedBy", p.invokedBy());
            g.writeEndObject();
            return;
        }
        g.writeStringField("principalId", p.principalId());
        g.writeStringField("arn", p.arn());
        g.writeStringField("accountId", p.accountId());
        g.writeStringField("accessKeyId", p.accessKeyId());
        if (p.userName() != null) g.writeStringField("userName", p.userName());
        if (p.roleName() != null) {
            g.writeObjectFieldStart("sessionContext");
            g.writeObjectFieldStart("sessionIssuer");
            g.writeStringField("type", "Role");
            g.writeStringField("principalId", p.roleId());
            g.writeStringField("arn", p.roleArn());
            g.writeStringField("accountId", p.accountId());
            g.writeStringField("userName", p.roleName());
            g.writeEndObject();
            g.writeObjectFieldStart("webIdFederationData");
            g.writeEndObject();
            g.writeObjectFieldStart("attributes");
            // Sessions are treated as renewed on the hour: plausible, and needs no per-principal state.
            g.writeStringField("creationDate", EVENT_TIME.format(c.eventTime().truncatedTo(ChronoUnit.HOURS)));
            g.writeStringField("mfaAuthenticated", p.sessionName().contains("@") ? "true" : "false");
            g.writeEndObject();
            if (p.ec2Instance()) g.writeStringField("ec2RoleDelivery", "2.0");
            g.writeEndObject();
        }
        g.writeEndObject();
    }

    private static void writeResources(JsonGenerator g, ApiCall c) throws IOException {
        Map<String, Object> req = c.requestParameters();
        g.writeArrayFieldStart("resources");
        if (c.eventName().equals("Invoke")) {
            g.writeStartObject();
            g.writeStringField("accountId", SampleOrg.ACCOUNT_ID);
            g.writeStringField("type", "AWS::Lambda::Function");
            g.writeStringField("ARN", (String) req.get("functionName"));
            g.writeEndObject();
        } else {
            g.writeStartObject();
            g.writeStringField("type", "AWS::S3::Object");
            g.writeStringField("ARN", "arn:aws:s3:::" + req.get("bucketName") + "/" + req.get("key"));
            g.writeEndObject();
            g.writeStartObject();
            g.writeStringField("accountId", SampleOrg.ACCOUNT_ID);
            g.writeStringField("type", "AWS::S3::Bucket");
            g.writeStringField("ARN", "arn:aws:s3:::" + req.get("bucketName"));
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    /** Calls a service makes for itself arrive without TLS details; everything over the internet has them. */
    private static void writeTls(JsonGenerator g, ApiCall c, SeededRandom ids) throws IOException {
        String ip = c.sourceIPAddress();
        if (ip.equals("AWS Internal") || ip.endsWith(".amazonaws.com")) return;
        String service = c.eventSource().substring(0, c.eventSource().indexOf('.'));
        boolean global = service.equals("iam") || service.equals("sts");
        boolean tls13 = ids.chance(0.8);
        g.writeObjectFieldStart("tlsDetails");
        g.writeStringField("tlsVersion", tls13 ? "TLSv1.3" : "TLSv1.2");
        g.writeStringField("cipherSuite", tls13 ? "TLS_AES_128_GCM_SHA256" : "ECDHE-RSA-AES128-GCM-SHA256");
        g.writeStringField("clientProvidedHostHeader",
                global ? service + ".amazonaws.com" : service + "." + c.awsRegion() + ".amazonaws.com");
        g.writeEndObject();
    }

    @SuppressWarnings("unchecked")
    private static void writeValue(JsonGenerator g, Object v) throws IOException {
        if (v == null) {
            g.writeNull();
        } else if (v instanceof String s) {
            g.writeString(s);
        } else if (v instanceof Boolean b) {
            g.writeBoolean(b);
        } else if (v instanceof Integer i) {
            g.writeNumber(i);
        } else if (v instanceof Long l) {
            g.writeNumber(l);
        } else if (v instanceof Map<?, ?> m) {
            g.writeStartObject();
            for (Map.Entry<String, Object> e : ((Map<String, Object>) m).entrySet()) {
                g.writeFieldName(e.getKey());
                writeValue(g, e.getValue());
            }
            g.writeEndObject();
        } else if (v instanceof List<?> list) {
            g.writeStartArray();
            for (Object item : list) writeValue(g, item);
            g.writeEndArray();
        } else {
            throw new IllegalArgumentException("unsupported parameter value " + v.getClass().getName()
                    + ": use String, Boolean, Integer, Long, Map or List");
        }
    }
}
