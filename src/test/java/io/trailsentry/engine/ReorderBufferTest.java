package io.trailsentry.engine;

import io.trailsentry.ingest.CloudTrailEvent;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class ReorderBufferTest {

    static final Instant T = Instant.parse("2024-08-01T10:00:00Z");

    static CloudTrailEvent at(int seconds, String id) {
        return TestEvents.call("ListUsers", T.plusSeconds(seconds), "AIDA", "1.1.1.1").eventID(id).build();
    }

    static List<String> ids(List<CloudTrailEvent> events) {
        return events.stream().map(CloudTrailEvent::getEventID).toList();
    }

    @Test
    void pureEventTimeHoldsUntilTheWatermarkAndReleasesInOrder() {
        List<CloudTrailEvent> out = new ArrayList<>();
        ReorderBuffer buffer = new ReorderBuffer(Duration.ofMinutes(5), out::add);
        buffer.offer(at(30, "b"));
        buffer.offer(at(10, "a"));
        buffer.offer(at(20, "a2"));
        assertThat(out).isEmpty();
        buffer.offer(at(400, "z")); // watermark 10:01:40
        assertThat(ids(out)).containsExactly("a", "a2", "b");
        buffer.flush();
        assertThat(ids(out)).containsExactly("a", "a2", "b", "z");
    }

    @Test
    void maxHoldReleasesInProcessingTimeAndStillSortsWhatArrivesTogether() {
        AtomicLong nanos = new AtomicLong();
        List<CloudTrailEvent> out = new ArrayList<>();
        ReorderBuffer buffer = new ReorderBuffer(Duration.ofMinutes(5), Duration.ofMillis(20), nanos::get, out::add);

        // one payload, out of order, arriving within the hold
        buffer.offer(at(3, "c"));
        buffer.offer(at(1, "a"));
        buffer.offer(at(2, "b"));
        assertThat(out).isEmpty();

        nanos.addAndGet(Duration.ofMillis(20).toNanos());
        buffer.tick();
        assertThat(ids(out)).containsExactly("a", "b", "c");

        // a later payload with an older event: beyond the hold it is late, still evaluated
        assertThat(buffer.offer(at(0, "old"))).isEqualTo(ReorderBuffer.Outcome.LATE);
        assertThat(ids(out)).containsExactly("a", "b", "c", "old");
        assertThat(buffer.late()).isEqualTo(1);
    }

    @Test
    void duplicatesAreDroppedWithinTheLateness() {
        List<CloudTrailEvent> out = new ArrayList<>();
        ReorderBuffer buffer = new ReorderBuffer(Duration.ofMinutes(5), out::add);
        assertThat(buffer.offer(at(1, "x"))).isEqualTo(ReorderBuffer.Outcome.BUFFERED);
        assertThat(buffer.offer(at(1, "x"))).isEqualTo(ReorderBuffer.Outcome.DUPLICATE);
        buffer.flush();
        assertThat(ids(out)).containsExactly("x");
        assertThat(buffer.duplicates()).isEqualTo(1);
    }

    @Test
    void eventsOfOneSecondLeaveInTheStringOrderOfTheirIdsWhateverTheirFirstCharacters() {
        // The sort looks at a key of each id's first four characters before the Strings: ids equal
        // there, shorter than four, holding a NUL or above the ASCII range must still come out in
        // String order, and events without an id first.
        List<String> ids = new ArrayList<>(List.of("abcd", "abc", "ab", "abcde", "abcc\uffff", "ab\u0000", "ab\u0000x",
                "\u00e9t\u00e9", "Z", "", "9f1c0e2a-1b2c-4d5e-8f90-123456789abc", "9f1c0e2a-1b2c-4d5e-8f90-123456789abb",
                "\ud83d\ude00", "\uffff\uffff\uffff\uffff0", "\uffff\uffff\uffff\uffff"));
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 300; i++) {
            StringBuilder id = new StringBuilder();
            for (int c = random.nextInt(7); c > 0; c--) {
                id.append("ab\u0000\u00e9\uffff".charAt(random.nextInt(5)));
            }
            ids.add(id.toString());
        }
        List<String> distinct = ids.stream().distinct().toList();
        List<CloudTrailEvent> shuffled = new ArrayList<>(distinct.stream().map(id -> at(5, id)).toList());
        shuffled.add(TestEvents.call("ListUsers", T.plusSeconds(5), "AIDA", "1.1.1.1").eventID(null).build());
        java.util.Collections.shuffle(shuffled, random);

        List<CloudTrailEvent> out = new ArrayList<>();
        ReorderBuffer buffer = new ReorderBuffer(Duration.ofMinutes(5), out::add);
        shuffled.forEach(buffer::offer);
        buffer.flush();

        List<String> expected = new ArrayList<>();
        expected.add(null);
        expected.addAll(distinct.stream().sorted().toList());
        assertThat(ids(out)).containsExactlyElementsOf(expected);
    }
}
