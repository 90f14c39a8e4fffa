package io.trailsentry.engine;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class EventIdSetTest {

    @Test
    void aRepeatIsRecognisedUntilItsTimeIsBehindTheHorizonThenForgotten() {
        EventIdSet ids = new EventIdSet();
        assertThat(ids.add(h("a"), 1_000)).isTrue();
        assertThat(ids.add(h("a"), 1_000)).isFalse();
        ids.forgetBefore(1_000);
        assertThat(ids.add(h("a"), 1_000)).as("time 1000 is not before the horizon 1000").isFalse();
        ids.forgetBefore(1_001);
        ids.forgetBefore(1_001);
        assertThat(ids.size()).isZero();
        assertThat(ids.add(h("a"), 1_000)).isTrue();
    }

    /**
     * Out-of-order times and a horizon moving in bursts: an id whose time is at or after the horizon
     * is always recognised as a repeat, a new id is never taken for one, and nothing older than the
     * horizon survives two generations.
     */
    @Test
    void neverForgetsAnIdAtOrAfterTheHorizon() {
        Random random = new Random(7);
        EventIdSet ids = new EventIdSet();
        Map<String, Long> seen = new HashMap<>();
        String[] recent = new String[256];
        long horizon = Long.MIN_VALUE;
        for (int t = 0; t < 200_000; t++) {
            long time = t - random.nextInt(3_000); // up to 3,000 behind
            boolean repeat = t % 10 == 3 && recent[t % 256] != null;
            String id = repeat ? recent[t % 256] : UUID.randomUUID().toString();
            recent[random.nextInt(256)] = id;
            boolean added = ids.add(h(id), repeat ? seen.get(id) : time);
            if (!repeat) {
                assertThat(added).as("a new id").isTrue();
                seen.put(id, time);
            } else if (seen.get(id) >= horizon) {
                assertThat(added).as("a repeat of an id at or after the horizon").isFalse();
            }
            if (t % 5_000 == 0) {
                horizon = Math.max(horizon, t - 10_000 - random.nextInt(20_000));
                ids.forgetBefore(horizon);
            }
        }
        ids.forgetBefore(Long.MAX_VALUE);
        ids.forgetBefore(Long.MAX_VALUE);
        assertThat(ids.size()).isZero();
    }

    /** Times in order and a horizon trailing by W: the set holds at most about two generations of W. */
    @Test
    void holdsAboutTwoGenerationsOfIds() {
        EventIdSet ids = new EventIdSet();
        int trailing = 10_000;
        int most = 0;
        for (int t = 0; t < 100_000; t++) {
            ids.add(h("id-" + t), t);
            ids.forgetBefore(t - trailing);
            most = Math.max(most, ids.size());
        }
        assertThat(most).isBetween(trailing, 2 * trailing + 2);
    }

    private static long h(String id) {
        return io.trailsentry.ingest.CloudTrailEvent.idHash(id);
    }
}
