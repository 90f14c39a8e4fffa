package io.trailsentry.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.trailsentry.ingest.Gunzip;

import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * The single-thread limit of reading CloudTrail: Jackson's streaming parser pulling, as Strings, only
 * the fields a detection engine needs — the envelope (event name, source, time, region, source IP,
 * user agent, error, read-only, event id, recipient account) and the identity (type, principal, ARN,
 * account, access key, user name, invoking service, session issuer) — and skipping everything else
 * unread, {@code requestParameters} and {@code responseElements} included. No events are built, no
 * normalisation, no hand-over: what no reader of these records can beat on one core.
 *
 * <p>The same fields {@code RecordParser} keeps, less the three JSON-valued ones it copies as text.
 * Reads JSON lines, {@code {"Records":[…]}} files and arrays of records, plain or gzip.
 */
final class FieldReadingLimit {

    private static final JsonFactory JSON = new JsonFactory();
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** What one read of a file took. */
    record Result(long records, long wallNanos, long cpuNanos, long checksum) {

        double recordsPerSecond() {
            return records / (wallNanos / 1e9);
        }

        double cpuMicrosPerRecord() {
            return cpuNanos / 1e3 / records;
        }
    }

    private long records;
    /** Folded from every value read, so the JIT cannot drop the reads. */
    private long checksum;

    private FieldReadingLimit() {
    }

    /** Reads {@code file} once on the calling thread. */
    static Result read(Path file) throws IOException {
        FieldReadingLimit limit = new FieldReadingLimit();
        long cpu0 = THREADS.getCurrentThreadCpuTime();
        long t0 = System.nanoTime();
        try (InputStream raw = Files.newInputStream(file)) {
            PushbackInputStream head = new PushbackInputStream(raw, 2);
            byte[] magic = head.readNBytes(2);
            head.unread(magic);
            InputStream in = Gunzip.isGzip(magic) ? new GZIPInputStream(head, 64 * 1024) : head;
            try (JsonParser p = JSON.createParser(in)) {
                limit.rootValues(p);
            }
        }
        return new Result(limit.records, System.nanoTime() - t0, THREADS.getCurrentThreadCpuTime() - cpu0, limit.checksum);
    }

    private void rootValues(JsonParser p) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != null) {
            if (t == JsonToken.START_ARRAY) {
                records(p);
            } else if (t == JsonToken.START_OBJECT) {
                record(p, true);
            } else {
                p.skipChildren();
            }
        }
    }

    private void records(JsonParser p) throws IOException {
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY && t != null) {
            if (t == JsonToken.START_OBJECT) {
                record(p, false);
            } else {
                p.skipChildren();
            }
        }
    }

    /** One record; at the root, an object with a {@code Records} array is a delivery file instead. */
    private void record(JsonParser p, boolean root) throws IOException {
        boolean wrapper = false;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "eventTime", "eventName", "eventSource", "eventType", "awsRegion", "sourceIPAddress", "userAgent",
                     "errorCode", "errorMessage", "readOnly", "eventID", "recipientAccountId" -> keep(p, value);
                case "userIdentity" -> identity(p, value);
                case "Records" -> {
                    if (root && value == JsonToken.START_ARRAY) {
                        wrapper = true;
                        records(p);
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        if (!wrapper) {
            records++;
        }
    }

    private void identity(JsonParser p, JsonToken start) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            switch (name) {
                case "type", "principalId", "arn", "accountId", "accessKeyId", "userName", "invokedBy" -> keep(p, value);
                case "sessionContext" -> sessionContext(p, value);
                default -> p.skipChildren();
            }
        }
    }

    private void sessionContext(JsonParser p, JsonToken start) throws IOException {
        if (start != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken value = p.nextToken();
            if (name.equals("sessionIssuer") && value == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String field = p.currentName();
                    JsonToken v = p.nextToken();
                    if (field.equals("arn") || field.equals("userName")) {
                        keep(p, v);
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
    }

    /** A scalar becomes a String, as an engine's event would hold it; anything else is skipped. */
    private void keep(JsonParser p, JsonToken value) throws IOException {
        if (value.isScalarValue()) {
            String text = p.getText();
            checksum += text.length();
        } else {
            p.skipChildren();
        }
    }
}
