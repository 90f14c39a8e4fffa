package io.trailsentry.sample;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * SplitMix64, written out here rather than taken from {@code java.util} so that the committed sample stays
 * byte-identical whatever JDK regenerates it: the algorithms behind {@code SplittableRandom} and the
 * {@code RandomGenerator} default methods are not part of their contracts.
 */
public final class SeededRandom {

    private static final long GOLDEN_GAMMA = 0x9e3779b97f4a7c15L;
    private static final char[] ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private long state;

    public SeededRandom(long seed) {
        this.state = seed;
    }

    /** A generator for one named stream of a seed, so streams don't shift when another one draws more. */
    public static SeededRandom forStream(long seed, String stream) {
        return new SeededRandom(streamSeed(seed, stream));
    }

    static long streamSeed(long seed, String stream) {
        return mix(seed ^ fnv1a(stream));
    }

    /** The SplitMix64 finaliser: a fixed bijection that spreads nearby inputs (k, k+1, …) far apart. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    static long fnv1a(String s) {
        long h = 0xcbf29ce484222325L;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return h;
    }

    public long nextLong() {
        state += GOLDEN_GAMMA;
        return mix(state);
    }

    /** Uniform in [0, bound); the modulo bias is below 2^-40 for the small bounds used here. */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
        return (int) Math.floorMod(nextLong(), (long) bound);
    }

    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    public boolean chance(double p) {
        return nextDouble() < p;
    }

    public <T> T pick(List<T> items) {
        return items.get(nextInt(items.size()));
    }

    /** Upper-case letters and digits 2–7, the alphabet AWS uses in key and principal ids. */
    public String alnum(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) out[i] = ALNUM[nextInt(ALNUM.length)];
        return new String(out);
    }

    public String hex(int length) {
        char[] out = new char[length];
        for (int i = 0; i < length; i++) out[i] = HEX[nextInt(HEX.length)];
        return new String(out);
    }

    /** A version-4-shaped UUID string drawn from this stream (CloudTrail's eventID / requestID shape). */
    public String uuid() {
        long hi = (nextLong() & ~0xF000L) | 0x4000L;
        long lo = (nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new java.util.UUID(hi, lo).toString();
    }
}
