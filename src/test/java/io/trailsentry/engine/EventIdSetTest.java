package io.trailsentry.engine;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class EventIdSetTest {

    @Test
    void aRepeatIsRecognisedUntilItsTimeIsForgotten() {
        EventIdSet ids = new EventIdSet();
        assertThat(ids.add(h("a"))).isTrue();
        assertThat(ids.add(h("a"))).isFalse();
        ids.expireAt(h("a"), 1_000);
        ids.forgetBefore(1_000);
        assertThat(ids.add(h("a"))).as("time 1000 is not before the horizon 1000").isFalse();
        ids.forgetBefore(1_001);
        assertThat(ids.size()).isZero();
        assertThat(ids.add(h("a"))).isTrue();
    }

    /** Grows, shrinks and deletes from the middle of probe chains; must agree with a HashSet throughout. */
    @Test
    void agreesWithAHashSetOverASlidingHorizon() {
        Random random = new Random(7);
        EventIdSet ids = new EventIdSet();
        Set<String> expected = new HashSet<>();
        ArrayDeque<String> order = new ArrayDeque<>();
        ArrayDeque<Long> times = new ArrayDeque<>();
        String[] recent = new String[64];
        for (int t = 0; t < 200_000; t++) {
            // one in ten offers repeats a recent id, which may or may not still be remembered
            String id = t % 10 == 3 && recent[t % 64] != null ? recent[t % 64] : UUID.randomUUID().toString();
            recent[random.nextInt(64)] = id;
            boolean added = ids.add(h(id));
            assertThat(added).isEqualTo(expected.add(id));
            if (added) {
                ids.expireAt(h(id), t);
                order.add(id);
                times.add((long) t);
            }
            // the horizon moves in bursts, like a watermark jumping after a quiet spell
            if (t % 5_000 == 0) {
                long horizon = t - random.nextInt(40_000);
                ids.forgetBefore(horizon);
                while (!times.isEmpty() && times.peekFirst() < horizon) {
                    times.pollFirst();
                    expected.remove(order.pollFirst());
                }
                assertThat(ids.size()).isEqualTo(expected.size());
            }
        }
        ids.forgetBefore(Long.MAX_VALUE);
        assertThat(ids.size()).isZero();
    }

    private static long h(String id) {
        return io.trailsentry.ingest.CloudTrailEvent.idHash(id);
    }
}
