package io.trailsentry.archive;

import io.trailsentry.ingest.CloudTrailEvent;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * Keeps what the server ingested, as compressed JSON lines partitioned by event time
 * ({@code YYYY/MM/DD/HH-NNNNNN.jsonl.gz}, UTC), so rule changes can be backtested on real history and
 * {@code replay} reads it like any other input.
 *
 * <p>The engine thread only hands events over ({@link #accept}: a non-blocking offer into a bounded
 * queue); one writer thread serialises ({@link ArchiveRecords}), compresses and writes them. A slow
 * disk fills the queue and events are dropped; a full or broken one fails writes and events are
 * lost: both are counted, logged once per episode and reported ({@link #stats}), and detection never
 * waits for the archive.
 *
 * <p>A part is written under a hidden name ({@code .HH-NNNNNN.jsonl.gz}, which readers skip) and
 * renamed when it is closed: when its hour has been idle a minute, when more than a few hours are
 * open, before a backtest reads the archive ({@link #closeOpenFiles}) and at shutdown. Reopening an
 * hour (late events, a restart) starts a new part, never appends to a closed one. A part left hidden
 * by a crash is salvaged at the next start: its complete lines are kept.
 *
 * <p>Bounded two ways, both in files deleted oldest first: hours older than the retention behind the
 * newest event time archived (event time, so history replayed into a server is kept as long as live
 * traffic would be; a wild future timestamp cannot move it more than a day past the wall clock), and
 * the size cap.
 */
public final class EventArchive implements Consumer<CloudTrailEvent>, AutoCloseable {

    /** Opens a new file for writing; the tests swap in one that fails like a full disk. */
    @FunctionalInterface
    public interface Output {
        OutputStream open(Path file) throws IOException;
    }

    /** Plain files, created new. */
    public static final Output FILES = file -> Files.newOutputStream(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);

    private static final Logger LOG = Logger.getLogger(EventArchive.class);
    private static final long HOUR = 3_600_000L;
    /** How far past the wall clock event time may move the retention's "now". */
    private static final long FUTURE_SKEW_MILLIS = Duration.ofDays(1).toMillis();
    private static final int MAX_OPEN_HOURS = 3;
    private static final long RETRY_AFTER_FAILURE_MILLIS = 1_000;
    private static final long CLOSE_IDLE_MILLIS = 60_000;
    private static final Object STOP = new Object();

    private final ArchiveSettings settings;
    private final Output output;
    private final Clock clock;
    private final BlockingQueue<Object> queue;
    private final Thread writer;
    private final ArchiveRecords records = new ArchiveRecords();

    // Writer-thread state.
    private final Map<Long, Part> open = new LinkedHashMap<>(8, 0.75f, true);
    /** Closed files by path relative to the root (path order is time order) and their sizes. */
    private final TreeMap<String, Long> closed = new TreeMap<>();
    private long closedBytes;
    private long newestEventMillis = Long.MIN_VALUE;
    private long retryAt;
    private long lastWriteMillis;
    private long failedInEpisode;

    private final AtomicLong written = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong deleted = new AtomicLong();
    /** Set by an ingesting thread when an offer fails, cleared by the next one that succeeds: one log line per episode. */
    private final java.util.concurrent.atomic.AtomicBoolean dropping = new java.util.concurrent.atomic.AtomicBoolean();
    private final AtomicLong droppedInEpisode = new AtomicLong();
    private volatile boolean failing;
    private volatile String lastError;
    private volatile Holdings holdings = new Holdings(0, 0, null, null);

    private record Holdings(long files, long bytes, Instant oldest, Instant newest) {
    }

    /**
     * Scans (and salvages) what the folder holds, then starts the writer thread.
     *
     * @throws UncheckedIOException when the folder cannot be created or read
     */
    public EventArchive(ArchiveSettings settings, Output output, Clock clock) {
        this.settings = settings;
        this.output = output;
        this.clock = clock;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        try {
            Files.createDirectories(settings.dir());
            scan();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the archive folder " + settings.dir().toAbsolutePath() + ": " + e.getMessage(), e);
        }
        this.writer = new Thread(this::run, "trailsentry-archive");
        writer.setDaemon(true);
        writer.start();
    }

    public EventArchive(ArchiveSettings settings) {
        this(settings, FILES, Clock.systemUTC());
    }

    /** Hands an event to the writer thread; never blocks: when the writer is behind, the event is dropped and counted. */
    @Override
    public void accept(CloudTrailEvent event) {
        if (queue.offer(event)) {
            if (dropping.get() && dropping.compareAndSet(true, false)) {
                LOG.warnf("archive: caught up; %d event(s) were not archived while the writer was behind", droppedInEpisode.getAndSet(0));
            }
            return;
        }
        dropped.incrementAndGet();
        droppedInEpisode.incrementAndGet();
        if (dropping.compareAndSet(false, true)) {
            LOG.warnf("archive: the writer is behind (%d events queued; a slow disk?); events are not archived until it catches up. "
                    + "Detection is not affected", settings.queueCapacity());
        }
    }

    /**
     * Closes every open part so that readers see everything archived so far (a backtest calls this
     * before reading the folder). Waits at most {@code timeout}.
     *
     * @return false when the writer did not get there in time
     */
    public boolean closeOpenFiles(Duration timeout) {
        CountDownLatch done = new CountDownLatch(1);
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            if (!queue.offer(done, timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return false;
            }
            return done.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public Path dir() {
        return settings.dir();
    }

    public ArchiveStats stats() {
        Holdings h = holdings;
        return new ArchiveStats(true, settings.dir().toAbsolutePath().toString(), written.get(), dropped.get(), failed.get(), failing,
                lastError, h.files(), h.bytes(), h.oldest(), h.newest(), deleted.get(), queue.size());
    }

    /** Writes what is queued, closes every part and stops the writer thread. */
    @Override
    public void close() {
        try {
            if (!queue.offer(STOP, 30, TimeUnit.SECONDS)) {
                LOG.warnf("archive: the writer did not take the stop signal within 30 s; %d queued event(s) are lost", queue.size());
                writer.interrupt();
            }
            writer.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---------------------------------------------------------------- writer thread

    private void run() {
        while (true) {
            Object item;
            try {
                item = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                closeAll();
                return;
            }
            try {
                if (item == STOP) {
                    closeAll();
                    return;
                }
                if (item instanceof CountDownLatch barrier) {
                    closeAll();
                    barrier.countDown();
                } else if (item instanceof CloudTrailEvent event) {
                    write(event);
                } else if (!open.isEmpty() && clock.millis() - lastWriteMillis >= CLOSE_IDLE_MILLIS) {
                    closeAll();
                }
                if (queue.isEmpty()) {
                    flushAll();
                }
            } catch (RuntimeException e) {
                // The writer must outlive anything an event or the disk throws at it.
                noteFailure(e);
            }
        }
    }

    private void write(CloudTrailEvent event) {
        long now = clock.millis();
        if (now < retryAt) {
            failed.incrementAndGet();
            failedInEpisode++;
            return;
        }
        long hour = Math.floorDiv(event.getEventTimeMillis(), HOUR);
        Part part = open.get(hour);
        try {
            if (part == null) {
                part = openPart(hour);
            }
            part.write(records.line(event));
        } catch (IOException | UncheckedIOException | SecurityException e) {
            if (part != null) {
                abandon(part);
            }
            noteFailure(e);
            return;
        }
        written.incrementAndGet();
        lastWriteMillis = now;
        if (failing) {
            failing = false;
            LOG.infof("archive: writing to %s works again; %d event(s) were not archived", settings.dir().toAbsolutePath(), failedInEpisode);
        }
        if (event.getEventTimeMillis() > newestEventMillis) {
            boolean newHour = Math.floorDiv(event.getEventTimeMillis(), HOUR) > Math.floorDiv(newestEventMillis, HOUR);
            newestEventMillis = event.getEventTimeMillis();
            if (newHour) {
                enforceRetention();
            }
        }
        enforceSizeIfOver();
    }

    private void noteFailure(Exception e) {
        failed.incrementAndGet();
        failedInEpisode++;
        lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
        retryAt = clock.millis() + RETRY_AFTER_FAILURE_MILLIS;
        if (!failing) {
            failing = true;
            failedInEpisode = 1;
            LOG.errorf("archive: cannot write under %s (%s); events are not archived until it works again (retried every second). "
                    + "Detection is not affected", settings.dir().toAbsolutePath(), lastError);
        }
    }

    private Part openPart(long hour) throws IOException {
        if (open.size() >= MAX_OPEN_HOURS) {
            Iterator<Part> eldest = open.values().iterator();
            Part part = eldest.next();
            eldest.remove();
            finish(part);
        }
        Path dayDir = settings.dir().resolve(ArchiveLayout.dayPath(hour * HOUR));
        Files.createDirectories(dayDir);
        int number = ArchiveLayout.nextPartNumber(dayDir, hour * HOUR);
        String name = ArchiveLayout.partName(hour * HOUR, number);
        Part part = new Part(hour, dayDir.resolve("." + name), dayDir.resolve(name));
        open.put(hour, part);
        return part;
    }

    private void flushAll() {
        for (Part part : List.copyOf(open.values())) {
            try {
                part.flush();
            } catch (IOException e) {
                abandon(part);
                noteFailure(e);
            }
        }
        publish();
    }

    private void closeAll() {
        for (Part part : List.copyOf(open.values())) {
            finish(part);
        }
        open.clear();
        // A part's size is known once it is finished (its compressor holds the rest until then).
        enforceSizeIfOver();
        publish();
    }

    /** Closes a part and shows it to readers; on failure it is salvaged (its complete lines kept) or left for the next start. */
    private void finish(Part part) {
        open.remove(part.hour);
        try {
            part.close();
            Files.move(part.hidden, part.visible, StandardCopyOption.ATOMIC_MOVE);
            keep(part.visible);
        } catch (IOException | UncheckedIOException e) {
            noteFailure(e);
            salvageQuietly(part.hidden);
        }
        publish();
    }

    /** A part whose write failed: closed as far as it goes and salvaged. */
    private void abandon(Part part) {
        open.remove(part.hour);
        part.closeQuietly();
        salvageQuietly(part.hidden);
        publish();
    }

    private void salvageQuietly(Path hidden) {
        try {
            Path visible = ArchiveLayout.salvage(hidden, output);
            if (visible != null) {
                keep(visible);
            }
        } catch (IOException | RuntimeException e) {
            LOG.debugf("archive: %s cannot be salvaged now (%s); the next start tries again", hidden, e.getMessage());
        }
    }

    private void keep(Path file) throws IOException {
        long size = Files.size(file);
        Long previous = closed.put(relative(file), size);
        closedBytes += size - (previous == null ? 0 : previous);
    }

    private long openBytes() {
        long sum = 0;
        for (Part part : open.values()) {
            sum += part.bytes();
        }
        return sum;
    }

    /** Deletes closed hours older than the retention behind the newest event time (capped a day past the wall clock). */
    private void enforceRetention() {
        long now = Math.min(newestEventMillis, clock.millis() + FUTURE_SKEW_MILLIS);
        long cutoff = now - settings.retention().toMillis();
        while (!closed.isEmpty() && ArchiveLayout.hourOf(closed.firstKey()) + HOUR <= cutoff) {
            delete(closed.firstKey());
        }
        publish();
    }

    /** Deletes the oldest closed files while the archive is over its size cap. */
    private void enforceSizeIfOver() {
        long open = openBytes();
        if (closedBytes + open <= settings.maxSizeBytes()) {
            return;
        }
        while (!closed.isEmpty() && closedBytes + open > settings.maxSizeBytes()) {
            delete(closed.firstKey());
        }
        publish();
    }

    private void delete(String relative) {
        Long size = closed.remove(relative);
        closedBytes -= size == null ? 0 : size;
        Path file = settings.dir().resolve(relative);
        try {
            Files.deleteIfExists(file);
            deleted.incrementAndGet();
            ArchiveLayout.deleteEmptyParents(file.getParent(), settings.dir());
        } catch (IOException e) {
            LOG.warnf("archive: cannot delete %s: %s", file, e.getMessage());
        }
    }

    private void publish() {
        Instant oldest = closed.isEmpty() ? null : Instant.ofEpochMilli(ArchiveLayout.hourOf(closed.firstKey()));
        Instant newest = closed.isEmpty() ? null : Instant.ofEpochMilli(ArchiveLayout.hourOf(closed.lastKey()));
        for (Part part : open.values()) {
            Instant start = Instant.ofEpochMilli(part.hour * HOUR);
            oldest = oldest == null || start.isBefore(oldest) ? start : oldest;
            newest = newest == null || start.isAfter(newest) ? start : newest;
        }
        holdings = new Holdings(closed.size(), closedBytes + openBytes(), oldest, newest);
    }

    private String relative(Path file) {
        return settings.dir().relativize(file).toString().replace('\\', '/');
    }

    /** What the folder holds at start; hidden parts a crash left behind are salvaged first. */
    private void scan() throws IOException {
        List<Path> hidden = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(settings.dir())) {
            for (Path file : walk.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith(".") && ArchiveLayout.isPart(name.substring(1))) {
                    hidden.add(file);
                } else if (ArchiveLayout.isPart(name) && ArchiveLayout.hourOf(relative(file)) != Long.MIN_VALUE) {
                    keep(file);
                }
            }
        }
        for (Path file : hidden) {
            Path visible = ArchiveLayout.salvage(file, output);
            if (visible != null) {
                keep(visible);
                LOG.infof("archive: salvaged %s left open by the last run", settings.dir().relativize(visible));
            }
        }
        if (!closed.isEmpty()) {
            newestEventMillis = ArchiveLayout.hourOf(closed.lastKey());
        }
        publish();
    }

    /** One open part: gzip over a byte counter over the file, written under its hidden name. */
    private final class Part {
        final long hour;
        final Path hidden;
        final Path visible;
        private final CountingOutputStream counted;
        private final GZIPOutputStream gzip;

        Part(long hour, Path hidden, Path visible) throws IOException {
            this.hour = hour;
            this.hidden = hidden;
            this.visible = visible;
            OutputStream file = output.open(hidden);
            this.counted = new CountingOutputStream(file);
            try {
                // Sync flush: what a flush wrote is readable (and salvageable) even if the process dies.
                this.gzip = new GZIPOutputStream(counted, 64 * 1024, true);
            } catch (IOException e) {
                closeQuietly(file);
                throw e;
            }
        }

        void write(byte[] line) throws IOException {
            gzip.write(line);
        }

        void flush() throws IOException {
            gzip.flush();
        }

        long bytes() {
            return counted.count;
        }

        void close() throws IOException {
            gzip.close();
        }

        void closeQuietly() {
            try {
                gzip.close();
            } catch (IOException ignored) {
                closeQuietly(counted);
            }
        }

        private static void closeQuietly(OutputStream out) {
            try {
                out.close();
            } catch (IOException ignored) {
                // already failing; the caller reports the first error
            }
        }
    }

    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }
    }
}
