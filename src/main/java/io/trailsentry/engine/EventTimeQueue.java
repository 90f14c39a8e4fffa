package io.trailsentry.engine;

import io.trailsentry.ingest.CloudTrailEvent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/**
 * Held events, taken out in (eventTime, eventID) order: a priority queue shaped for CloudTrail's
 * disorder. Records come minutes late and unsorted inside a delivery, so a binary heap over five
 * minutes of events (tens of thousands) pays about 17 scattered comparisons per event. Here events
 * are dropped into one bucket per event-time second (an append; consecutive events mostly share the
 * bucket) and a bucket is sorted once, when its turn comes. Not thread-safe.
 */
final class EventTimeQueue {

    private static final long BUCKET_MILLIS = 1000;
    /**
     * Buckets recently added to, direct-mapped by second: a delivery's records are unsorted, so
     * consecutive events land in different seconds, and finding the bucket in the tree (boxing the
     * key, a dozen comparisons) on every event cost more than the rest of the queue. 1,024 slots
     * cover more than the seconds five minutes of lateness keeps open; a collision only falls back
     * to the tree.
     */
    private static final int RECENT_SLOTS = 1024;

    private final Comparator<CloudTrailEvent> order;
    private final TreeMap<Long, Bucket> buckets = new TreeMap<>();
    private final Bucket[] recent = new Bucket[RECENT_SLOTS];
    private Bucket firstBucket;
    private int size;

    EventTimeQueue(Comparator<CloudTrailEvent> order) {
        this.order = order;
    }

    void add(CloudTrailEvent event) {
        long key = Math.floorDiv(event.getEventTimeMillis(), BUCKET_MILLIS);
        int slot = (int) (key & (RECENT_SLOTS - 1));
        Bucket bucket = recent[slot];
        if (bucket == null || bucket.key != key) {
            bucket = buckets.get(key);
            if (bucket == null) {
                bucket = new Bucket(key);
                buckets.put(key, bucket);
                if (firstBucket != null && key < firstBucket.key) {
                    firstBucket = bucket; // an earlier second than any held; otherwise the first stays first
                }
            }
            recent[slot] = bucket;
        }
        bucket.add(event, order);
        size++;
    }

    /** The earliest held event, or null when empty. */
    CloudTrailEvent peek() {
        Bucket first = first();
        return first == null ? null : first.head(order);
    }

    /** Removes and returns the earliest held event, or null when empty. */
    CloudTrailEvent poll() {
        Bucket first = first();
        if (first == null) {
            return null;
        }
        CloudTrailEvent head = first.head(order);
        first.cursor++;
        size--;
        if (first.cursor == first.events.size()) {
            buckets.pollFirstEntry();
            firstBucket = null;
            int slot = (int) (first.key & (RECENT_SLOTS - 1));
            if (recent[slot] == first) {
                recent[slot] = null;
            }
        }
        return head;
    }

    int size() {
        return size;
    }

    private Bucket first() {
        if (firstBucket == null && !buckets.isEmpty()) {
            Map.Entry<Long, Bucket> entry = buckets.firstEntry();
            firstBucket = entry.getValue();
        }
        return firstBucket;
    }

    /** One event-time second: events before {@code cursor} are gone, the rest sorted when {@code sorted}. */
    private static final class Bucket {
        final long key;
        final ArrayList<CloudTrailEvent> events = new ArrayList<>();
        int cursor;
        boolean sorted = true;

        Bucket(long key) {
            this.key = key;
        }

        void add(CloudTrailEvent event, Comparator<CloudTrailEvent> order) {
            if (sorted && events.size() > cursor && order.compare(event, events.get(events.size() - 1)) < 0) {
                sorted = false;
            }
            events.add(event);
        }

        CloudTrailEvent head(Comparator<CloudTrailEvent> order) {
            if (!sorted) {
                events.subList(cursor, events.size()).sort(order);
                sorted = true;
            }
            return events.get(cursor);
        }
    }
}
