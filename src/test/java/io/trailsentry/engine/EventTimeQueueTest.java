package io.trailsentry.engine;

import io.trailsentry.ingest.CloudTrailEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class EventTimeQueueTest {

    private static final Comparator<CloudTrailEvent> ORDER = Comparator.comparingLong(CloudTrailEvent::getEventTimeMillis)
            .thenComparing(CloudTrailEvent::getEventID);

    /** Interleaved adds and polls over CloudTrail-like disorder: must come out exactly as a heap's would. */
    @Test
    void pollsInTheSameOrderAsAHeap() {
        // mostly forward in time, some records up to five minutes behind, many sharing a millisecond
        assertSameOrderAsAHeap(11, (i, random) -> i * 7L - (random.nextInt(10) == 0 ? random.nextInt(300_000) : 0) - random.nextInt(3));
    }

    /**
     * Seconds 1,024 apart share a slot of the queue's recent-bucket cache, and a second whose bucket
     * was drained gets a new one: times spread over hours, jumping back and forth by multiples of
     * 1,024 seconds, must still come out as a heap's would.
     */
    @Test
    void secondsSharingACacheSlotStayApart() {
        assertSameOrderAsAHeap(12, (i, random) -> (random.nextInt(8) * 1024L + random.nextInt(3)) * 1000 + i / 10 + random.nextInt(5));
    }

    private interface Offsets {
        long millis(int i, Random random);
    }

    private static void assertSameOrderAsAHeap(long seed, Offsets offsets) {
        Random random = new Random(seed);
        EventTimeQueue queue = new EventTimeQueue(ORDER);
        PriorityQueue<CloudTrailEvent> heap = new PriorityQueue<>(ORDER);
        Instant start = Instant.parse("2024-08-01T10:00:00Z");
        List<String> fromQueue = new ArrayList<>();
        List<String> fromHeap = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            long offset = offsets.millis(i, random);
            CloudTrailEvent event = TestEvents.call("ListUsers", start.plusMillis(offset), "AIDA", "1.1.1.1")
                    .eventID(String.format("%08d", random.nextInt(100_000_000))).build();
            queue.add(event);
            heap.add(event);
            int polls = random.nextInt(3);
            for (int p = 0; p < polls && heap.size() > 100; p++) {
                assertThat(queue.peek()).isSameAs(heap.peek());
                fromQueue.add(queue.poll().getEventID());
                fromHeap.add(heap.poll().getEventID());
            }
            assertThat(queue.size()).isEqualTo(heap.size());
        }
        while (!heap.isEmpty()) {
            fromQueue.add(queue.poll().getEventID());
            fromHeap.add(heap.poll().getEventID());
        }
        assertThat(fromQueue).isEqualTo(fromHeap);
        assertThat(queue.peek()).isNull();
        assertThat(queue.size()).isZero();
    }
}
