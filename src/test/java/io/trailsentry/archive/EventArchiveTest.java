package io.trailsentry.archive;

import io.trailsentry.ingest.CloudTrailEvent;
import io.trailsentry.ingest.CloudTrailReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The archive on event time, without sleeping: files per hour, new parts across restarts, a crash's
 * open part salvaged, retention and size cap deleting oldest first, and a slow or full disk counted
 * and reported while the caller never waits.
 */
class EventArchiveTest {

    static final Instant DAY1 = Instant.parse("2026-01-20T09:10:00Z");
    static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void eventsLandInTheirEventTimeHourAndAReopenedHourGetsANewPart() throws Exception {
        try (EventArchive archive = archive(Duration.ofDays(30), Long.MAX_VALUE, EventArchive.FILES, fixedClock())) {
            archive.accept(event("a", DAY1));
            archive.accept(event("b", DAY1.plusSeconds(60)));
            archive.accept(event("c", DAY1.plus(Duration.ofHours(1))));
            archive.accept(event("late", DAY1.plusSeconds(120))); // a late event goes to its own hour
            assertThat(archive.closeOpenFiles(WAIT)).isTrue();
            assertThat(archive.stats().written()).isEqualTo(4);
        }
        assertThat(files()).containsExactly("2026/01/20/09-000001.jsonl.gz", "2026/01/20/10-000001.jsonl.gz");

        // A restart (or a late event after the hour was closed) opens a new part; nothing is appended to a closed file.
        try (EventArchive archive = archive(Duration.ofDays(30), Long.MAX_VALUE, EventArchive.FILES, fixedClock())) {
            assertThat(archive.stats().files()).isEqualTo(2);
            assertThat(archive.stats().oldest()).isEqualTo(Instant.parse("2026-01-20T09:00:00Z"));
            archive.accept(event("d", DAY1.plusSeconds(300)));
        }
        assertThat(files()).containsExactly("2026/01/20/09-000001.jsonl.gz", "2026/01/20/09-000002.jsonl.gz",
                "2026/01/20/10-000001.jsonl.gz");
        assertThat(read(dir)).containsExactly("a", "b", "late", "d", "c");
    }

    @Test
    void aPartLeftOpenByACrashIsSalvagedAtTheNextStart() throws Exception {
        Path day = Files.createDirectories(dir.resolve("2026/01/20"));
        ArchiveRecords records = new ArchiveRecords();
        // What a killed writer leaves: a hidden part, flushed but never finished (no gzip trailer), a line cut in half.
        Path hidden = day.resolve(".09-000001.jsonl.gz");
        try (OutputStream file = Files.newOutputStream(hidden)) {
            GZIPOutputStream gzip = new GZIPOutputStream(file, 512, true);
            gzip.write(records.line(event("kept-1", DAY1)));
            gzip.write(records.line(event("kept-2", DAY1.plusSeconds(1))));
            byte[] third = records.line(event("cut", DAY1.plusSeconds(2)));
            gzip.write(third, 0, third.length / 2);
            gzip.flush();
        }
        try (EventArchive archive = archive(Duration.ofDays(30), Long.MAX_VALUE, EventArchive.FILES, fixedClock())) {
            assertThat(archive.stats().files()).isEqualTo(1);
            archive.accept(event("after", DAY1.plusSeconds(3)));
        }
        assertThat(files()).containsExactly("2026/01/20/09-000001.jsonl.gz", "2026/01/20/09-000002.jsonl.gz");
        assertThat(read(dir)).containsExactly("kept-1", "kept-2", "after");
    }

    @Test
    void retentionDeletesHoursOlderThanItBehindTheNewestEventTime() throws Exception {
        Clock wallClock = Clock.fixed(Instant.parse("2026-01-23T00:00:00Z"), ZoneOffset.UTC);
        try (EventArchive archive = archive(Duration.ofDays(2), Long.MAX_VALUE, EventArchive.FILES, wallClock)) {
            archive.accept(event("day1", DAY1));
            archive.closeOpenFiles(WAIT);
            archive.accept(event("day2", DAY1.plus(Duration.ofDays(1))));
            archive.closeOpenFiles(WAIT);
            assertThat(files()).hasSize(2);

            // Two days and an hour after day 1's 09:00 hour ended: that hour goes, day 2 stays.
            archive.accept(event("day3", DAY1.plus(Duration.ofDays(2)).plus(Duration.ofHours(1))));
            archive.closeOpenFiles(WAIT);
            assertThat(files()).containsExactly("2026/01/21/09-000001.jsonl.gz", "2026/01/22/10-000001.jsonl.gz");
            assertThat(archive.stats().deleted()).isEqualTo(1);
            assertThat(Files.exists(dir.resolve("2026/01/20"))).as("an emptied day folder goes too").isFalse();

            // An event from far in the future moves the retention's "now" at most a day past the wall clock
            // (2026-01-24T00:00): two days back from there keeps day 3, where the 2099 time would have deleted it.
            archive.accept(event("2099", Instant.parse("2099-01-01T00:00:00Z")));
            archive.closeOpenFiles(WAIT);
            assertThat(files()).containsExactly("2026/01/22/10-000001.jsonl.gz", "2099/01/01/00-000001.jsonl.gz");
        }
    }

    @Test
    void theSizeCapDeletesTheOldestFilesFirst() throws Exception {
        long oneFile;
        try (EventArchive probe = archive(Duration.ofDays(30), Long.MAX_VALUE, EventArchive.FILES, fixedClock())) {
            probe.accept(event("probe", DAY1.minus(Duration.ofDays(5))));
            probe.closeOpenFiles(WAIT);
            oneFile = probe.stats().bytes();
        }
        Files.delete(dir.resolve("2026/01/15/09-000001.jsonl.gz"));
        try (EventArchive archive = archive(Duration.ofDays(30), oneFile * 3 + oneFile / 2, EventArchive.FILES, fixedClock())) {
            for (int h = 0; h < 6; h++) {
                archive.accept(event("h" + h, DAY1.plus(Duration.ofHours(h))));
                archive.closeOpenFiles(WAIT);
            }
            assertThat(archive.stats().bytes()).isLessThanOrEqualTo(oneFile * 3 + oneFile / 2);
            assertThat(archive.stats().deleted()).isEqualTo(3);
        }
        assertThat(read(dir)).containsExactly("h3", "h4", "h5");
    }

    @Test
    void aFullDiskIsCountedAndReportedNeverThrownAndWritingResumesWhenItClears() throws Exception {
        AtomicBoolean full = new AtomicBoolean(true);
        EventArchive.Output disk = file -> {
            if (full.get()) {
                throw new IOException("No space left on device");
            }
            return EventArchive.FILES.open(file);
        };
        MutableClock clock = new MutableClock(Instant.parse("2026-01-20T12:00:00Z"));
        try (EventArchive archive = archive(Duration.ofDays(30), Long.MAX_VALUE, disk, clock)) {
            for (int i = 0; i < 100; i++) {
                archive.accept(event("e" + i, DAY1.plusSeconds(i)));
            }
            assertThat(archive.closeOpenFiles(WAIT)).isTrue();
            ArchiveStats failing = archive.stats();
            assertThat(failing.failed()).isEqualTo(100);
            assertThat(failing.written()).isZero();
            assertThat(failing.failing()).isTrue();
            assertThat(failing.lastError()).contains("No space left on device");

            full.set(false);
            clock.advance(Duration.ofSeconds(2)); // past the retry pause
            archive.accept(event("after", DAY1.plusSeconds(200)));
            archive.closeOpenFiles(WAIT);
            assertThat(archive.stats().failing()).isFalse();
            assertThat(archive.stats().written()).isEqualTo(1);
        }
        assertThat(read(dir)).containsExactly("after");
    }

    @Test
    void aSlowDiskDropsWhatDoesNotFitTheQueueWithoutBlockingTheCaller() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        EventArchive.Output slow = file -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return EventArchive.FILES.open(file);
        };
        try (EventArchive archive = new EventArchive(new ArchiveSettings(dir, Duration.ofDays(30), Long.MAX_VALUE, 10), slow, fixedClock())) {
            long started = System.nanoTime();
            for (int i = 0; i < 100; i++) {
                archive.accept(event("e" + i, DAY1.plusSeconds(i)));
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            assertThat(archive.stats().dropped()).isGreaterThanOrEqualTo(89);
            release.countDown();
            archive.closeOpenFiles(WAIT);
            assertThat(archive.stats().written() + archive.stats().dropped()).isEqualTo(100);
        }
    }

    private EventArchive archive(Duration retention, long maxSize, EventArchive.Output output, Clock clock) {
        return new EventArchive(new ArchiveSettings(dir, retention, maxSize, 1000), output, clock);
    }

    static Clock fixedClock() {
        return Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC);
    }

    private List<String> files() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(Files::isRegularFile).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
    }

    /** The eventIDs a reader gets from the folder, in reading order. */
    static List<String> read(Path folder) {
        List<String> ids = new ArrayList<>();
        new CloudTrailReader().read(folder, e -> ids.add(e.getEventID()), d -> {
            throw new AssertionError("unreadable archive: " + d);
        });
        return ids;
    }

    static CloudTrailEvent event(String id, Instant time) {
        return CloudTrailEvent.builder().eventID(id).eventTime(time).eventName("ListUsers").eventSource("iam.amazonaws.com")
                .awsRegion("us-east-1").sourceIPAddress("203.0.113.9").userAgent("aws-cli/2").userIdentityType("IAMUser")
                .principalId("AIDAARCHIVE00000001").arn("arn:aws:iam::111122223333:user/archivist").accountId("111122223333")
                .requestParameters("{\"maxItems\":100}").build();
    }

    /** A wall clock the test moves. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        synchronized void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public synchronized Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
