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
}
