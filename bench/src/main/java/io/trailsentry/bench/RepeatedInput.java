package io.trailsentry.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailsentry.ingest.Gunzip;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * A CloudTrail file made as long as a benchmark needs: its records {@code copies} times a round, end
 * to end in event time (each copy shifted by the file's span, rounded up to a minute, plus a minute)
 * with its eventIDs suffixed (so dedup keeps them); every other field is kept as it was, and each copy
 * keeps the file's own delivery order (copies are merged by event time only where they meet). Round
 * <i>r</i> follows round <i>r-1</i>, so one pipeline replays round after round, the later ones on warm
 * code. The last copy of the last round is the file itself, the others lie before it: nothing is in
 * the future, which a replay refuses.
 *
 * <p>End to end, not a week apart: the engine's housekeeping timers cost per minute of event time,
 * whether or not events arrive in it, so copies a week apart would make a short file's replay mostly
 * timer work. The repeated input keeps the file's own event-time density. A file that is sparse in
 * event time (hours between calls) stays so, and the report shows it.
 *
 * <p>Only the preparation reads the records here (untimed); the benchmarks read the written files
 * with the product's reader, as a replay does. Records are held once in memory, as compact JSON.
 */
final class RepeatedInput {

    /** The earliest event time a copy may get: epoch millis stay positive, as CloudTrail's are. */
    static final Instant EARLIEST = Instant.parse("1971-01-01T00:00:00Z");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    private final List<byte[]> records;
    /** Event time of each record in millis; a record without a readable one takes its predecessor's (for ordering only). */
    private final long[] times;
    private final boolean[] timed;
    private final boolean gzip;
    private final long bytes;
    private final long minTime;
    private final long maxTime;

    private RepeatedInput(List<byte[]> records, long[] times, boolean[] timed, boolean gzip, long bytes) {
        this.records = records;
        this.times = times;
        this.timed = timed;
        this.gzip = gzip;
        this.bytes = bytes;
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long t : times) {
            min = Math.min(min, t);
            max = Math.max(max, t);
        }
        this.minTime = min;
        this.maxTime = max;
    }

    /**
     * Reads the records of one file: JSON lines, a {@code {"Records":[…]}} document, an array of
     * records or EventBridge envelopes, plain or gzip (by its magic bytes, as the product's reader).
     */
    static RepeatedInput read(Path file) throws IOException {
        List<byte[]> records = new ArrayList<>();
        boolean gzip;
        try (InputStream raw = Files.newInputStream(file)) {
            PushbackInputStream head = new PushbackInputStream(raw, 2);
            byte[] magic = head.readNBytes(2);
            head.unread(magic);
            gzip = Gunzip.isGzip(magic);
            InputStream in = gzip ? new GZIPInputStream(head, 64 * 1024) : head;
            try (JsonParser p = FACTORY.createParser(in)) {
                while (p.nextToken() != null) {
                    collect(JSON.readTree(p), records);
                }
            }
        }
        long[] times = new long[records.size()];
        boolean[] timed = new boolean[records.size()];
        long previous = Long.MIN_VALUE;
        long bytes = 0;
        for (int i = 0; i < records.size(); i++) {
            byte[] record = records.get(i);
            bytes += record.length;
            long time = eventTime(record);
            timed[i] = time != Long.MIN_VALUE;
            previous = timed[i] ? time : previous;
            times[i] = previous;
        }
        long first = Long.MIN_VALUE;
        for (int i = 0; i < times.length && first == Long.MIN_VALUE; i++) {
            first = times[i];
        }
        for (int i = 0; i < times.length && times[i] == Long.MIN_VALUE; i++) {
            times[i] = first; // untimed records before the first timed one
        }
        return new RepeatedInput(records, times, timed, gzip, bytes);
    }

    private static void collect(JsonNode value, List<byte[]> into) throws IOException {
        if (value.isArray()) {
            for (JsonNode element : value) {
                collect(element, into);
            }
        } else if (value.isObject() && value.get("Records") != null && value.get("Records").isArray()) {
            for (JsonNode record : value.get("Records")) {
                into.add(JSON.writeValueAsBytes(record));
            }
        } else if (value.isObject() && value.has("detail-type") && value.get("detail") != null && value.get("detail").isObject()) {
            into.add(JSON.writeValueAsBytes(value.get("detail")));
        } else if (value.isObject()) {
            into.add(JSON.writeValueAsBytes(value));
        }
    }

    private static long eventTime(byte[] record) throws IOException {
        JsonNode time = JSON.readTree(record).get("eventTime");
        if (time == null || !time.isTextual()) {
            return Long.MIN_VALUE;
        }
        try {
            return Instant.parse(time.asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
            return Long.MIN_VALUE;
        }
    }

    int records() {
        return records.size();
    }

    /** The records' JSON bytes (compact, as held). */
    long bytes() {
        return bytes;
    }

    boolean gzip() {
        return gzip;
    }

    /** From the earliest to the latest event time in the file. */
    Duration span() {
        return times.length == 0 ? Duration.ZERO : Duration.ofMillis(maxTime - minTime);
    }

    /** How far apart the copies are in event time: the span rounded up to a minute, plus a minute. */
    Duration period() {
        long minute = 60_000;
        return Duration.ofMillis((span().toMillis() / minute + 2) * minute);
    }

    /** How far round {@code round}'s copy {@code copy} is moved in event time (zero or negative). */
    long shiftMillis(int round, int rounds, int copy, int copies) {
        long total = (long) rounds * copies;
        long index = (long) round * copies + copy;
        return -(total - 1 - index) * period().toMillis();
    }

    /**
     * Writes round {@code round} of {@code rounds}: {@code copies} shifted copies merged by event time,
     * as JSON lines (gzip when the input was).
     *
     * @return the records written
     * @throws IllegalArgumentException when the earliest copy would fall before {@link #EARLIEST}
     */
    long write(int round, int rounds, int copies, Path file) throws IOException {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("no CloudTrail record in the input");
        }
        if (minTime + shiftMillis(0, rounds, 0, copies) < EARLIEST.toEpochMilli()) {
            throw new IllegalArgumentException(copies + " copies a round, " + rounds + " rounds, end to end, reach back before "
                    + EARLIEST + ": the input spans " + span().toDays() + " days of event time; use a smaller --repeat, fewer --rounds "
                    + "or an input dense in event time");
        }
        long[] shifts = new long[copies];
        for (int copy = 0; copy < copies; copy++) {
            shifts[copy] = shiftMillis(round, rounds, copy, copies);
        }
        // Each copy in the file's own order; the next record of whichever copy is earliest goes next.
        PriorityQueue<int[]> next = new PriorityQueue<>((a, b) -> {
            int byTime = Long.compare(times[a[1]] + shifts[a[0]], times[b[1]] + shifts[b[0]]);
            return byTime != 0 ? byTime : Integer.compare(a[0], b[0]);
        });
        for (int copy = 0; copy < copies; copy++) {
            next.add(new int[]{copy, 0});
        }
        long written = 0;
        try (OutputStream out = open(file)) {
            while (!next.isEmpty()) {
                int[] cursor = next.poll();
                writeCopy(records.get(cursor[1]), timed[cursor[1]], times[cursor[1]] + shifts[cursor[0]],
                        "#c" + ((long) round * copies + cursor[0]), out);
                written++;
                if (++cursor[1] < records.size()) {
                    next.add(cursor);
                }
            }
        }
        return written;
    }

    private OutputStream open(Path file) throws IOException {
        OutputStream out = Files.newOutputStream(file);
        if (!gzip) {
            return new BufferedOutputStream(out, 1 << 16);
        }
        return new GZIPOutputStream(out, 1 << 16) {
            {
                def.setLevel(Deflater.BEST_SPEED); // untimed preparation; reading it back costs the same at any level
            }
        };
    }

    /** The record with its eventTime moved and its eventID suffixed, every other field copied as it was. */
    private static void writeCopy(byte[] record, boolean timed, long time, String idSuffix, OutputStream out) throws IOException {
        try (JsonParser p = FACTORY.createParser(record);
             JsonGenerator g = FACTORY.createGenerator(out)) {
            g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            p.nextToken();
            g.writeStartObject();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                g.writeFieldName(name);
                if (name.equals("eventTime") && timed) {
                    g.writeString(Instant.ofEpochMilli(time).toString());
                } else if (name.equals("eventID") && value == JsonToken.VALUE_STRING) {
                    g.writeString(p.getText() + idSuffix);
                } else {
                    g.copyCurrentStructure(p);
                }
            }
            g.writeEndObject();
        }
        out.write('\n');
    }
}
