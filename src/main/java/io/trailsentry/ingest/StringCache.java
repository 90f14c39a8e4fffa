package io.trailsentry.ingest;

/**
 * Reuses String instances for low-cardinality field values (eventSource, awsRegion, eventName, …).
 *
 * <p>Most fields of a CloudTrail stream repeat endlessly; returning the same instance straight from the
 * parser's char buffer saves an allocation and a copy per field, and lets events held in Esper windows
 * share their strings. Direct-mapped and bounded: a collision simply replaces the slot, so a
 * high-cardinality value costs one compare, never unbounded memory. Not thread-safe: one per reading thread.
 */
final class StringCache {

    // Power of two. 16k slots hold a busy account's principals, ARNs, addresses and agents with few
    // collisions; at most 16k strings of up to 160 chars (a few MB) per reading thread.
    private static final int SLOTS = 16_384;
    private static final int MAX_CACHED_LENGTH = 160;

    private final String[] slots = new String[SLOTS];

    String get(char[] chars, int offset, int length) {
        if (length > MAX_CACHED_LENGTH) {
            return new String(chars, offset, length);
        }
        int h = 0;
        for (int i = offset; i < offset + length; i++) {
            h = 31 * h + chars[i];
        }
        int slot = (h ^ (h >>> 16)) & (SLOTS - 1);
        String cached = slots[slot];
        if (cached != null && sameChars(cached, chars, offset, length)) {
            return cached;
        }
        String value = new String(chars, offset, length);
        slots[slot] = value;
        return value;
    }

    private static boolean sameChars(String s, char[] chars, int offset, int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (s.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }
}
