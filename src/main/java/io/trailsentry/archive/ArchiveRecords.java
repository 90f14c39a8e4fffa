package io.trailsentry.archive;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.trailsentry.ingest.CloudTrailEvent;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * An event as the archive stores it: one CloudTrail record per line, holding every field the parser
 * reads ({@code RecordParser}) and nothing else, so reading the line back gives an equal event and
 * replaying the archive gives the alerts the original input gave. Fields the parser skips (eventVersion,
 * tlsDetails, resources, …) are not kept: no rule can see them. The JSON-valued fields are the compact
 * text the parser kept, written back as JSON.
 *
 * <p>The normalised record rather than the bytes received: the streaming parser never holds a
 * record's raw text (an S3 file is one document of many records), and keeping it would double what
 * ingest copies per event. {@code ArchiveRecordsTest} checks the round trip field by field.
 */
public final class ArchiveRecords {

    private static final JsonFactory JSON = new JsonFactory();

    private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(2048);

    /** The event as one JSON line, newline included. Reuses its buffer: one instance per writing thread. */
    public byte[] line(CloudTrailEvent e) {
        buffer.reset();
        try (JsonGenerator g = JSON.createGenerator(buffer)) {
            g.writeStartObject();
            g.writeStringField("eventTime", e.getEventTime().toString());
            string(g, "eventSource", e.getEventSource());
            string(g, "eventName", e.getEventName());
            string(g, "awsRegion", e.getAwsRegion());
            string(g, "sourceIPAddress", e.getSourceIPAddress());
            string(g, "userAgent", e.getUserAgent());
            string(g, "errorCode", e.getErrorCode());
            string(g, "errorMessage", e.getErrorMessage());
            if (e.getReadOnly() != null) {
                g.writeBooleanField("readOnly", e.getReadOnly());
            }
            string(g, "eventType", e.getEventType());
            string(g, "eventID", e.getEventID());
            string(g, "recipientAccountId", e.getRecipientAccountId());
            if (identity(e)) {
                g.writeObjectFieldStart("userIdentity");
                string(g, "type", e.getUserIdentityType());
                string(g, "principalId", e.getPrincipalId());
                string(g, "arn", e.getArn());
                string(g, "accountId", e.getAccountId());
                string(g, "accessKeyId", e.getAccessKeyId());
                string(g, "userName", e.getUserName());
                string(g, "invokedBy", e.getInvokedBy());
                if (e.getSessionIssuerArn() != null || e.getSessionIssuerUserName() != null) {
                    g.writeObjectFieldStart("sessionContext");
                    g.writeObjectFieldStart("sessionIssuer");
                    string(g, "arn", e.getSessionIssuerArn());
                    string(g, "userName", e.getSessionIssuerUserName());
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndObject();
            }
            raw(g, "requestParameters", e.getRequestParameters());
            raw(g, "responseElements", e.getResponseElements());
            raw(g, "additionalEventData", e.getAdditionalEventData());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException("writing to memory cannot fail", ex);
        }
        buffer.write('\n');
        return buffer.toByteArray();
    }

    private static boolean identity(CloudTrailEvent e) {
        return e.getUserIdentityType() != null || e.getPrincipalId() != null || e.getArn() != null || e.getAccountId() != null
                || e.getAccessKeyId() != null || e.getUserName() != null || e.getInvokedBy() != null
                || e.getSessionIssuerArn() != null || e.getSessionIssuerUserName() != null;
    }

    private static void string(JsonGenerator g, String name, String value) throws IOException {
        if (value != null) {
            g.writeStringField(name, value);
        }
    }

    private static void raw(JsonGenerator g, String name, String json) throws IOException {
        if (json != null) {
            g.writeFieldName(name);
            g.writeRawValue(json);
        }
    }
}
