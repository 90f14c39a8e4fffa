package io.trailsentry.engine;

import io.trailsentry.ingest.CloudTrailEvent;

import java.util.Arrays;

/**
 * The eventIDs seen recently, as 64-bit hashes ({@link CloudTrailEvent#eventIdHash()}) in two
 * open-addressing tables, one per generation: ids are added to the current one; once every id of
 * the previous generation is older than the horizon, that table is emptied in one go and the
 * generations swap. Nothing is removed one by one, so an id costs one probe per table to add and
 * no expiry bookkeeping (an earlier version kept a (time, hash) ring and deleted each id from the
 * table when it expired: three scattered memory accesses per event on the engine thread).
 *
 * <p>An id is remembered at least until the horizon passes its time, and about one generation
 * longer: with the horizon the reorder buffer uses (the allowed lateness behind the newest released
 * event), a generation spans about twice the allowed lateness. At 10k events/s and five minutes of
 * lateness that is up to 12 million ids, 16 bytes each at half load: under 200 MB, as the
 * per-id ring cost before.
 *
 * <p>Two different ids share a 64-bit hash with probability 2<sup>-64</sup> per pair: with ten
 * million ids remembered, an event is wrongly taken for a repeat about once in 10<sup>12</sup>
 * events. Not thread-safe.
 */
final class EventIdSet {

    /** Ids kept at most (both generations): past it the older generation goes early (part of the state budget). */
    private final int maxIds;
    private long forgottenEarly;
    private LongTable current = new LongTable();
    private LongTable previous = new LongTable();
    private long currentNewest = Long.MIN_VALUE;
    private long previousNewest = Long.MIN_VALUE;

    EventIdSet() {
        this(Integer.MAX_VALUE);
    }

    EventIdSet(int maxIds) {
        this.maxIds = maxIds;
    }

    /** Adds the id of an event of that time; false when it was already present (a repeat). */
    boolean add(long hash, long eventTimeMillis) {
        if (previous.contains(hash) || !current.add(hash)) {
            return false;
        }
        if (eventTimeMillis > currentNewest) {
            currentNewest = eventTimeMillis;
        }
        if (current.size() > maxIds / 2) {
            // Over budget: the older generation goes before its time (its events' repeats will then be
            // evaluated again, as late events), so memory stays bounded whatever the rate.
            forgottenEarly += previous.size();
            rotate();
        }
        return true;
    }

    /**
     * Ids of events before the horizon may be forgotten from now on; ids at or after it are kept.
     * Forgets the previous generation when all of it is before the horizon.
     */
    void forgetBefore(long horizon) {
        if (previousNewest < horizon && (previous.size() > 0 || current.size() > 0)) {
            rotate();
        }
    }

    private void rotate() {
        LongTable emptied = previous;
        emptied.clear();
        previous = current;
        previousNewest = currentNewest;
        current = emptied;
        currentNewest = Long.MIN_VALUE;
    }

    int size() {
        return current.size() + previous.size();
    }

    int maxIds() {
        return maxIds;
    }

    /** Ids forgotten before the dedup horizon because of the cap. */
    long forgottenEarly() {
        return forgottenEarly;
    }

    /** A set of non-zero longs by linear probing, kept at most half full. */
    private static final class LongTable {

        private static final long EMPTY = 0L;
        private static final int MIN_CAPACITY = 1 << 12;

        private long[] slots = new long[MIN_CAPACITY];
        private int size;

        boolean contains(long hash) {
            if (size == 0) {
                return false;
            }
            int mask = slots.length - 1;
            for (int slot = spread(hash) & mask; slots[slot] != EMPTY; slot = (slot + 1) & mask) {
                if (slots[slot] == hash) {
                    return true;
                }
            }
            return false;
        }

        /** False when already present. */
        boolean add(long hash) {
            int mask = slots.length - 1;
            int slot = spread(hash) & mask;
            while (slots[slot] != EMPTY) {
                if (slots[slot] == hash) {
                    return false;
                }
                slot = (slot + 1) & mask;
            }
            slots[slot] = hash;
            if (++size > slots.length / 2) {
                resize(slots.length * 2);
            }
            return true;
        }

        int size() {
            return size;
        }

        /** Empties the table; a table that grew far beyond what it held shrinks back. */
        void clear() {
            if (slots.length > MIN_CAPACITY && size < slots.length / 8) {
                slots = new long[Math.max(MIN_CAPACITY, Integer.highestOneBit(Math.max(1, size * 4 - 1)) << 1)];
            } else {
                Arrays.fill(slots, EMPTY);
            }
            size = 0;
        }

        private void resize(int capacity) {
            long[] old = slots;
            slots = new long[capacity];
            int mask = capacity - 1;
            for (long hash : old) {
                if (hash != EMPTY) {
                    int slot = spread(hash) & mask;
                    while (slots[slot] != EMPTY) {
                        slot = (slot + 1) & mask;
                    }
                    slots[slot] = hash;
                }
            }
        }

        private static int spread(long hash) {
            return (int) (hash ^ (hash >>> 32));
        }
    }
}
