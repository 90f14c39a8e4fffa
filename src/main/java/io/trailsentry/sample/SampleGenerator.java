package io.trailsentry.sample;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;

/**
 * Deterministic synthetic CloudTrail: background traffic with the spec's scenarios merged in, emitted in
 * delivery order — like CloudTrail, slightly out of event-time order (never by 60 s or more).
 *
 * <p>Everything streams: records are produced as they are consumed, so ten million events need a
 * buffer of about a minute's worth, not ten gigabytes. A generator is immutable; each call to
 * {@link #records()} or a writer starts again from the beginning and yields the same bytes.
 */
public final class SampleGenerator {

    /** Upper bound (exclusive) on how much later a record may be delivered than a record of later event time. */
    public static final long MAX_DELIVERY_DELAY_MILLIS = 60_000;
    private static final long S3_FILE_MILLIS = 5 * 60_000;
    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DATE_DIRS =
            DateTimeFormatter.ofPattern("yyyy/MM/dd").withZone(ZoneOffset.UTC);

    private final SampleSpec spec;

    public SampleGenerator(SampleSpec spec) {
        this.spec = spec;
    }

    public SampleSpec spec() {
        return spec;
    }

    /** Raw records as compact JSON, one per element, in delivery order. */
    public Iterator<String> records() {
        Iterator<Delivery> deliveries = deliveries();
        CloudTrailRecordWriter writer = new CloudTrailRecordWriter();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return deliveries.hasNext();
            }

            @Override
            public String next() {
                return deliveries.next().render(writer);
            }
        };
    }

    /**
     * All records as UTF-8 bytes, held in memory: for benchmarks that must not time the generator.
     * About 1.3 KB a record, so size the heap for it.
     */
    public List<byte[]> recordBytes() {
        List<byte[]> out = new ArrayList<>();
        for (Iterator<String> it = records(); it.hasNext(); ) out.add(it.next().getBytes(StandardCharsets.UTF_8));
        return out;
    }

    /** One record per line (JSON Lines), optionally gzip-compressed. */
    public WriteSummary writeJsonLines(Path file, boolean gzip) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        long records = 0;
        long injected = 0;
        CloudTrailRecordWriter writer = new CloudTrailRecordWriter();
        try (OutputStream out = open(file, gzip)) {
            for (Iterator<Delivery> it = deliveries(); it.hasNext(); ) {
                Delivery d = it.next();
                out.write(d.render(writer).getBytes(StandardCharsets.UTF_8));
                out.write('\n');
                records++;
                if (d.injected()) injected++;
            }
        }
        return new WriteSummary(records, injected, 1, Files.size(file));
    }

    /**
     * Files laid out as CloudTrail delivers them to S3:
     * {@code AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<yyyyMMddTHHmmZ>_<rand>.json.gz},
     * each {@code {"Records":[…]}} holding what was delivered for that region in one 5-minute period
     * (named by the period's end).
     */
    public WriteSummary writeS3DeliveryFiles(Path root) throws IOException {
        long records = 0;
        long injected = 0;
        long bytes = 0;
        int files = 0;
        long currentPeriod = Long.MIN_VALUE;
        Map<String, DeliveryFile> open = new TreeMap<>(); // sorted: files close, and are counted, in a fixed order
        CloudTrailRecordWriter writer = new CloudTrailRecordWriter();
        try {
            for (Iterator<Delivery> it = deliveries(); it.hasNext(); ) {
                Delivery d = it.next();
                long period = Math.floorDiv(d.deliveredAtMillis(), S3_FILE_MILLIS);
                if (period != currentPeriod) {
                    bytes += closeAll(open);
                    currentPeriod = period;
                }
                String region = d.call().awsRegion();
                DeliveryFile f = open.get(region);
                if (f == null) {
                    f = DeliveryFile.create(root, region, period, spec.seed());
                    open.put(region, f);
                    files++;
                }
                f.append(d.render(writer));
                records++;
                if (d.injected()) injected++;
            }
        } finally {
            bytes += closeAll(open);
        }
        return new WriteSummary(records, injected, files, bytes);
    }

    private static long closeAll(Map<String, DeliveryFile> open) throws IOException {
        long bytes = 0;
        for (DeliveryFile f : open.values()) bytes += f.close();
        open.clear();
        return bytes;
    }

    private static OutputStream open(Path file, boolean gzip) throws IOException {
        OutputStream raw = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        // Java's GZIP header carries no timestamp, so compressed output is reproducible too.
        return gzip ? new GZIPOutputStream(raw, 1 << 16) : raw;
    }

    /** Background and scenario calls merged by event time, then released in delivery-time order. */
    Iterator<Delivery> deliveries() {
        return new DeliveryOrder(new Background(spec), injectedCalls(), spec.seed());
    }

    /** Every scenario's calls with its own stream and nonces, sorted by event time (stable). */
    private List<Planned> injectedCalls() {
        List<Planned> all = new ArrayList<>();
        for (int i = 0; i < spec.scenarios().size(); i++) {
            long stream = SeededRandom.streamSeed(spec.seed(), "scenario-" + i);
            List<ApiCall> calls = spec.scenarios().get(i).calls(SampleOrg.ACCOUNT_ID, new SeededRandom(stream));
            for (int j = 0; j < calls.size(); j++) {
                all.add(new Planned(calls.get(j), SeededRandom.mix(stream + j + 1), true));
            }
        }
        all.sort(Comparator.comparing(p -> p.call().eventTime()));
        return all;
    }

    /** A call and the nonce its ids and delivery delay come from. */
    record Planned(ApiCall call, long nonce, boolean injected) {
    }

    /** A call with its delivery time; {@code seq} breaks ties so the order is total and repeatable. */
    record Delivery(ApiCall call, long nonce, boolean injected, long deliveredAtMillis, long seq) {
        String render(CloudTrailRecordWriter writer) {
            return writer.render(call, new SeededRandom(nonce));
        }
    }

    /**
     * Gives each call a delivery delay (mostly under 5 s, one in ten up to a minute) and releases calls in
     * delivery order. A call is released once the input has reached its delivery time: every later input
     * has event time, hence delivery time, at least that.
     */
    private static final class DeliveryOrder implements Iterator<Delivery> {
        private final Iterator<ApiCall> background;
        private final Iterator<Planned> injected;
        private final long backgroundStream;
        private final PriorityQueue<Delivery> pending = new PriorityQueue<>(
                Comparator.comparingLong(Delivery::deliveredAtMillis).thenComparingLong(Delivery::seq));
        private Planned nextBackground;
        private Planned nextInjected;
        private long backgroundIndex;
        private long seq;

        DeliveryOrder(Iterator<ApiCall> background, List<Planned> injected, long seed) {
            this.background = background;
            this.injected = injected.iterator();
            this.backgroundStream = SeededRandom.streamSeed(seed, "background-records");
            this.nextBackground = pullBackground();
            this.nextInjected = this.injected.hasNext() ? this.injected.next() : null;
        }

        @Override
        public boolean hasNext() {
            return !pending.isEmpty() || nextBackground != null || nextInjected != null;
        }

        @Override
        public Delivery next() {
            while (nextBackground != null || nextInjected != null) {
                Delivery head = pending.peek();
                Planned p = takeEarliest();
                long eventMillis = p.call().eventTime().toEpochMilli();
                pending.add(new Delivery(p.call(), p.nonce(), p.injected(), eventMillis + delay(p.nonce()), seq++));
                if (head != null && head.deliveredAtMillis() <= eventMillis) return pending.poll();
            }
            if (pending.isEmpty()) throw new NoSuchElementException();
            return pending.poll();
        }

        private Planned takeEarliest() {
            Planned p;
            if (nextInjected == null || (nextBackground != null
                    && !nextInjected.call().eventTime().isBefore(nextBackground.call().eventTime()))) {
                p = nextBackground;
                nextBackground = pullBackground();
            } else {
                p = nextInjected;
                nextInjected = injected.hasNext() ? injected.next() : null;
            }
            return p;
        }

        private Planned pullBackground() {
            if (!background.hasNext()) return null;
            return new Planned(background.next(), SeededRandom.mix(backgroundStream + ++backgroundIndex), false);
        }

        private static long delay(long nonce) {
            SeededRandom r = new SeededRandom(nonce ^ 0x5DEECE66DL);
            return r.chance(0.9) ? r.nextInt(5_000) : 5_000 + r.nextInt((int) MAX_DELIVERY_DELAY_MILLIS - 5_000);
        }
    }

    /** One open S3 delivery file: records are streamed in, the JSON envelope is written around them. */
    private static final class DeliveryFile {
        private final Path path;
        private final OutputStream out;
        private boolean first = true;

        private DeliveryFile(Path path, OutputStream out) {
            this.path = path;
            this.out = out;
        }

        static DeliveryFile create(Path root, String region, long period, long seed) throws IOException {
            Instant named = Instant.ofEpochMilli((period + 1) * S3_FILE_MILLIS);
            String account = SampleOrg.ACCOUNT_ID;
            String rand = SeededRandom.forStream(seed, "s3-file:" + region + ":" + period).alnum(16);
            Path dir = root.resolve("AWSLogs").resolve(account).resolve("CloudTrail").resolve(region)
                    .resolve(DATE_DIRS.format(named));
            Files.createDirectories(dir);
            Path path = dir.resolve(account + "_CloudTrail_" + region + "_" + FILE_TIME.format(named) + "_" + rand
                    + ".json.gz");
            OutputStream out = open(path, true);
            out.write("{\"Records\":[".getBytes(StandardCharsets.UTF_8));
            return new DeliveryFile(path, out);
        }

        void append(String record) throws IOException {
            if (!first) out.write(',');
            first = false;
            out.write(record.getBytes(StandardCharsets.UTF_8));
        }

        long close() throws IOException {
            out.write("]}".getBytes(StandardCharsets.UTF_8));
            out.close();
            return Files.size(path);
        }
    }
}
