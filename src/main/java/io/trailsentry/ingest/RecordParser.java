package io.trailsentry.ingest;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.time.Instant;

/**
 * Streams one CloudTrail record object from a {@link JsonParser} straight into a
 * {@link CloudTrailEvent.Builder}: no tree, no intermediate map.
 *
 * <p>A semantic problem (wrong type, missing field, value over a limit) does not throw: the first one is
 * remembered and the rest of the object is still consumed, so the caller's parser ends on the record's
 * END_OBJECT and the next record parses normally. Only malformed JSON throws (from Jackson), because
 * after a syntax error there is no reliable place to resume.
 *
 * <p>At the root of a document an object may also be a wrapper: S3's {@code {"Records":[…]}} (handed to
 * a {@link RecordsHandler}) or an EventBridge envelope whose {@code detail} is the record. Field order
 * is not guaranteed, so both are recognised by key wherever they appear.
 *
 * <p>Holds the outcome of the last parse ({@link #event()}, {@link #reason()}, …) in fields rather
 * than returning an object per record: one of these exists per read call, so it is not thread-safe.
 */
final class RecordParser {

    enum Outcome {
        /** {@link #event()} holds the record. */
        ACCEPTED,
        /** {@link #reason()}, {@link #location()} and {@link #excerpt()} say why. */
        REJECTED,
        /** The object was a {@code Records} wrapper; its records already went to the handler. */
        WRAPPER
    }

    /** Receives the {@code Records} array of a wrapper; the parser is on its START_ARRAY and must be left on its END_ARRAY. */
    interface RecordsHandler {
        void records(JsonParser p) throws IOException;
    }

    private final IngestLimits limits;
    private final CompactJson compactJson;
    private final StringCache strings;

    private CloudTrailEvent event;
    private String reason;
    private JsonLocation location;
    private String offending;
    private String eventId;
    private String excerpt;

    /** @param strings the reading thread's string cache, shared by its parsers so values repeat across payloads */
    RecordParser(IngestLimits limits, CompactJson compactJson, StringCache strings) {
        this.limits = limits;
        this.compactJson = compactJson;
        this.strings = strings;
    }

    /** Parses a root-level object (current token START_OBJECT): a record, an envelope, or a Records wrapper. */
    Outcome parseRoot(JsonParser p, RecordsHandler handler) throws IOException {
        return parse(p, handler);
    }

    /** Parses an object that can only be a record (current token START_OBJECT), e.g. an element of Records. */
    Outcome parseRecord(JsonParser p) throws IOException {
        return parse(p, null);
    }

    CloudTrailEvent event() { return event; }
    String reason() { return reason; }
    /** Where the first problem was seen (the offending value, or the end of a record missing a field). */
    JsonLocation location() { return location; }
    /** What the parser knew about the rejected record, for the dead letter's excerpt. */
    String excerpt() { return excerpt; }

    private Outcome parse(JsonParser p, RecordsHandler handler) throws IOException {
        event = null;
        reason = null;
        location = null;
        offending = null;
        eventId = null;
        excerpt = null;
        CloudTrailEvent.Builder b = CloudTrailEvent.builder();
        Outcome wrapped = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken t = p.nextToken();
            if (wrapped != null) {
                // Envelope or wrapper already handled: its other keys (version, detail-type, …) are not needed.
                p.skipChildren();
            } else if (handler != null && name.equals("Records")) {
                if (t == JsonToken.START_ARRAY) {
                    handler.records(p);
                    wrapped = Outcome.WRAPPER;
                } else {
                    wrongType(p, t, "Records", "an array of records");
                }
            } else if (handler != null && name.equals("detail")) {
                if (t == JsonToken.START_OBJECT) {
                    // EventBridge envelope: the outcome of the detail record becomes this object's outcome.
                    wrapped = parse(p, null);
                } else {
                    wrongType(p, t, "detail", "an object (the CloudTrail record)");
                }
            } else {
                field(p, t, name, b);
            }
        }
        return wrapped != null ? wrapped : finish(p, b);
    }

    private void field(JsonParser p, JsonToken t, String name, CloudTrailEvent.Builder b) throws IOException {
        switch (name) {
            case "eventTime" -> b.eventTime(time(p, t));
            case "eventName" -> b.eventName(string(p, t, "eventName", true));
            case "eventSource" -> b.eventSource(string(p, t, "eventSource", true));
            case "eventType" -> b.eventType(string(p, t, "eventType", true));
            case "awsRegion" -> b.awsRegion(string(p, t, "awsRegion", true));
            case "sourceIPAddress" -> b.sourceIPAddress(string(p, t, "sourceIPAddress", true));
            case "userAgent" -> b.userAgent(string(p, t, "userAgent", true));
            case "errorCode" -> b.errorCode(string(p, t, "errorCode", true));
            case "errorMessage" -> b.errorMessage(string(p, t, "errorMessage", false));
            case "readOnly" -> b.readOnly(bool(p, t, "readOnly"));
            case "eventID" -> {
                eventId = string(p, t, "eventID", false);
                b.eventID(eventId);
            }
            // The AWS docs spell it recipientAccountId; some write-ups (and hand-made fixtures) use …ID.
            case "recipientAccountId", "recipientAccountID" ->
                    b.recipientAccountId(string(p, t, "recipientAccountId", true));
            case "requestParameters" -> b.requestParameters(nestedJson(p, t, "requestParameters"));
            case "responseElements" -> b.responseElements(nestedJson(p, t, "responseElements"));
            // Context for rules (MFAUsed, bytes transferred), never needed to accept a record: an
            // oversized one is dropped rather than rejecting a record that was accepted before it was kept.
            case "additionalEventData" -> b.additionalEventData(t == JsonToken.VALUE_NULL ? null : compactJson.copyCurrentValue(p));
            case "userIdentity" -> userIdentity(p, t, b);
            default -> p.skipChildren();
        }
    }

    private void userIdentity(JsonParser p, JsonToken t, CloudTrailEvent.Builder b) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            wrongType(p, t, "userIdentity", "an object");
            return;
        }
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            switch (name) {
                case "type" -> b.userIdentityType(string(p, v, "userIdentity.type", true));
                case "principalId" -> b.principalId(string(p, v, "userIdentity.principalId", true));
                case "arn" -> b.arn(string(p, v, "userIdentity.arn", true));
                case "accountId" -> b.accountId(string(p, v, "userIdentity.accountId", true));
                case "accessKeyId" -> b.accessKeyId(string(p, v, "userIdentity.accessKeyId", true));
                case "userName" -> b.userName(string(p, v, "userIdentity.userName", true));
                case "invokedBy" -> b.invokedBy(string(p, v, "userIdentity.invokedBy", true));
                case "sessionContext" -> sessionContext(p, v, b);
                default -> p.skipChildren();
            }
        }
    }

    private void sessionContext(JsonParser p, JsonToken t, CloudTrailEvent.Builder b) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return;
        }
        if (t != JsonToken.START_OBJECT) {
            wrongType(p, t, "userIdentity.sessionContext", "an object");
            return;
        }
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken v = p.nextToken();
            if (!name.equals("sessionIssuer")) {
                p.skipChildren();
            } else if (v == JsonToken.START_OBJECT) {
                String issuerField;
                while ((issuerField = p.nextFieldName()) != null) {
                    JsonToken iv = p.nextToken();
                    switch (issuerField) {
                        case "arn" -> b.sessionIssuerArn(
                                string(p, iv, "userIdentity.sessionContext.sessionIssuer.arn", true));
                        case "userName" -> b.sessionIssuerUserName(
                                string(p, iv, "userIdentity.sessionContext.sessionIssuer.userName", true));
                        default -> p.skipChildren();
                    }
                }
            } else if (v != JsonToken.VALUE_NULL) {
                wrongType(p, v, "userIdentity.sessionContext.sessionIssuer", "an object");
            }
        }
    }

    /** @param cached true for fields whose values repeat across records (see {@link StringCache}) */
    private String string(JsonParser p, JsonToken t, String field, boolean cached) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            int length = p.getTextLength();
            if (length > limits.maxFieldChars()) {
                reject(p, field + " is " + length + " chars, over the limit of " + limits.maxFieldChars(),
                        field, "(" + length + " chars)");
                return null;
            }
            char[] chars = p.getTextCharacters();
            int offset = p.getTextOffset();
            return cached ? strings.get(chars, offset, length) : new String(chars, offset, length);
        }
        if (t != JsonToken.VALUE_NULL) {
            wrongType(p, t, field, "a string");
        }
        return null;
    }

    private Instant time(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            int length = p.getTextLength();
            if (length > limits.maxFieldChars()) {
                reject(p, "eventTime is " + length + " chars, over the limit of " + limits.maxFieldChars(),
                        "eventTime", "(" + length + " chars)");
                return null;
            }
            Instant instant = EventTimes.parse(p.getTextCharacters(), p.getTextOffset(), length);
            if (instant == null) {
                reject(p, "eventTime \"" + Excerpts.ofText(p.getText())
                        + "\" is not an ISO-8601 timestamp such as 2024-08-01T13:33:28Z", "eventTime", p.getText());
            }
            return instant;
        }
        if (t != JsonToken.VALUE_NULL) { // null is reported as missing by finish()
            wrongType(p, t, "eventTime", "an ISO-8601 timestamp string");
        }
        return null;
    }

    /** CloudTrail writes a JSON boolean; some exporters (and Athena round-trips) write "true"/"false". */
    private Boolean bool(JsonParser p, JsonToken t, String field) throws IOException {
        switch (t) {
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            case VALUE_STRING:
                String text = p.getText();
                if (text.equalsIgnoreCase("true")) {
                    return Boolean.TRUE;
                }
                if (text.equalsIgnoreCase("false")) {
                    return Boolean.FALSE;
                }
                reject(p, field + " must be true or false, got \"" + Excerpts.ofText(text) + "\"", field, text);
                return null;
            default:
                wrongType(p, t, field, "a boolean");
                return null;
        }
    }

    private String nestedJson(JsonParser p, JsonToken t, String field) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return null;
        }
        String json = compactJson.copyCurrentValue(p);
        if (json == null) {
            reject(p, field + " is " + compactJson.lastLength() + " chars of JSON, over the limit of "
                    + limits.maxNestedJsonChars(), field, "(" + compactJson.lastLength() + " chars)");
        }
        return json;
    }

    /** Records the problem, then moves past the offending value so the rest of the record still parses. */
    private void wrongType(JsonParser p, JsonToken t, String field, String expected) throws IOException {
        String value = t.isStructStart() ? (t == JsonToken.START_OBJECT ? "{…}" : "[…]") : p.getText();
        reject(p, field + " must be " + expected + ", got " + describe(t), field, value);
        p.skipChildren();
    }

    private void reject(JsonParser p, String why, String field, String value) {
        if (reason == null) { // the first problem is the one worth reporting
            reason = why;
            location = p.currentTokenLocation();
            offending = field + "=" + value;
        }
    }

    private Outcome finish(JsonParser p, CloudTrailEvent.Builder b) {
        if (reason == null) {
            boolean noTime = b.eventTime() == null;
            boolean noName = b.eventName() == null;
            if (noTime || noName) {
                reason = noTime && noName ? "missing eventTime and eventName"
                        : noTime ? "missing eventTime" : "missing eventName";
                location = p.currentTokenLocation();
            }
        }
        if (reason != null) {
            excerpt = summarise(b);
            return Outcome.REJECTED;
        }
        event = b.build();
        return Outcome.ACCEPTED;
    }

    /** A streamed record has no raw text to quote, so the excerpt names what identifies it and what was wrong. */
    private String summarise(CloudTrailEvent.Builder b) {
        StringBuilder sb = new StringBuilder();
        append(sb, "eventName", b.eventName());
        append(sb, "eventTime", b.eventTime() == null ? null : b.eventTime().toString());
        append(sb, "eventID", eventId);
        if (offending != null) {
            sb.append(sb.length() > 0 ? "; " : "").append(offending);
        }
        return Excerpts.ofText(sb.toString());
    }

    private static void append(StringBuilder sb, String name, String value) {
        if (value != null) {
            sb.append(sb.length() > 0 ? " " : "").append(name).append('=').append(value);
        }
    }

    static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case VALUE_NULL -> "null";
            default -> t.name();
        };
    }
}
