package io.trailsentry.engine;

import io.trailsentry.ingest.CloudTrailEvent;

/**
 * The eventIDs seen recently, as 64-bit hashes in an open-addressing table, forgotten in the order
 * they were remembered. A CloudTrail eventID is a 36-character UUID: as a {@code HashMap<String, Long>}
 * entry it costs about 150 bytes; here it costs 24 (the hash in the table at half load, plus the hash
 * and its time in the expiry ring). At 10k events/s and a five-minute horizon that is 70 MB instead
 * of 450 MB.
 *
 * <p>Two different ids share a 64-bit hash with probability 2<sup>-64</sup> per pair: with three
 * million ids remembered, an event is wrongly taken for a repeat about once in 10<sup>13</sup> events.
 * Not thread-safe.
 */
final class EventIdSet {

    private static final long EMPTY = 0L;

    private long[] table = new long[1 << 12];
    private int size;

    // Expiry ring: (time, hash) in the order ids were registered for forgetting.
    private long[] ringTimes = new long[1 << 12];
    private long[] ringHashes = new long[1 << 12];
    private int ringHead;
    private int ringCount;

    /** Adds the id, given as its {@link CloudTrailEvent#eventIdHash()}; false when it was already present (a repeat). */
    boolean add(long hash) {
        int mask = table.length - 1;
        int slot = spread(hash) & mask;
        while (table[slot] != EMPTY) {
            if (table[slot] == hash) {
                return false;
            }
            slot = (slot + 1) & mask;
        }
        table[slot] = hash;
        if (++size > table.length / 2) {
            resize(table.length * 2);
        }
        return true;
    }

    /** Schedules the id to be forgotten once {@link #forgetBefore} passes {@code eventTimeMillis}. */
    void expireAt(long hash, long eventTimeMillis) {
        if (ringCount == ringTimes.length) {
            growRing();
        }
        int tail = (ringHead + ringCount) & (ringTimes.length - 1);
        ringTimes[tail] = eventTimeMillis;
        ringHashes[tail] = hash;
        ringCount++;
    }

    /** Forgets, in registration order, every id registered with a time before the horizon. */
    void forgetBefore(long horizon) {
        int ringMask = ringTimes.length - 1;
        while (ringCount > 0 && ringTimes[ringHead] < horizon) {
            remove(ringHashes[ringHead]);
            ringHead = (ringHead + 1) & ringMask;
            ringCount--;
        }
        if (table.length > (1 << 12) && size < table.length / 8) {
            resize(table.length / 2);
        }
    }

    int size() {
        return size;
    }

    private void remove(long hash) {
        int mask = table.length - 1;
        int slot = spread(hash) & mask;
        while (table[slot] != hash) {
            if (table[slot] == EMPTY) {
                return;
            }
            slot = (slot + 1) & mask;
        }
        // Backward-shift deletion keeps every probe chain unbroken without tombstones.
        int hole = slot;
        int next = (hole + 1) & mask;
        while (table[next] != EMPTY) {
            int home = spread(table[next]) & mask;
            boolean movable = hole <= next ? (home <= hole || home > next) : (home <= hole && home > next);
            if (movable) {
                table[hole] = table[next];
                hole = next;
            }
            next = (next + 1) & mask;
        }
        table[hole] = EMPTY;
        size--;
    }

    private void resize(int capacity) {
        long[] old = table;
        table = new long[capacity];
        int mask = capacity - 1;
        for (long hash : old) {
            if (hash != EMPTY) {
                int slot = spread(hash) & mask;
                while (table[slot] != EMPTY) {
                    slot = (slot + 1) & mask;
                }
                table[slot] = hash;
            }
        }
    }

    private void growRing() {
        int capacity = ringTimes.length * 2;
        long[] times = new long[capacity];
        long[] hashes = new long[capacity];
        for (int i = 0; i < ringCount; i++) {
            int from = (ringHead + i) & (ringTimes.length - 1);
            times[i] = ringTimes[from];
            hashes[i] = ringHashes[from];
        }
        ringTimes = times;
        ringHashes = hashes;
        ringHead = 0;
    }

    private static int spread(long hash) {
        return (int) (hash ^ (hash >>> 32));
    }
}
