package io.trailsentry.context;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What each actor normally does, learned from the stream: the IPs it calls from, the hours it works
 * in, whether it administers IAM. Bounded (least recently seen actors and IPs are dropped first) and
 * saved to a file so a restart does not forget; a replay of history rebuilds it.
 *
 * <p>Everything is in event time and at day granularity for hours and admin work, so a replay and
 * the live stream learn the same thing. What an actor did within the learning delay does not count
 * yet: an attacker's first hour must not teach the baseline that its IP is normal.
 */
public final class Baselines {

    static final int MAX_IPS_PER_ACTOR = 64;
    static final int PRIVILEGED_DAYS_KEPT = 16;
    private static final long DAY_MILLIS = 86_400_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One actor's learned normal. Public fields: this is also the persisted form. */
    public static final class ActorBaseline {
        /** ip → [firstSeen, lastSeen] epoch millis. */
        public LinkedHashMap<String, long[]> ips = new LinkedHashMap<>(8, 0.75f, true);
        /** per hour of day (business time zone): distinct days the actor was active in it. */
        public int[] hourDays = new int[24];
        /** per hour of day: the last epoch day counted in {@link #hourDays}. */
        public long[] hourLastDay = filled(24, Long.MIN_VALUE);
        /** epoch days with a successful privileged IAM write, newest last. */
        public long[] privilegedDays = new long[0];
        public long lastSeen;

        private static long[] filled(int n, long v) {
            long[] a = new long[n];
            Arrays.fill(a, v);
            return a;
        }
    }

    /** How many of the least recently seen actors eviction looks past for one that is not protected. */
    private static final int PROTECTED_SKIP = 64;

    private final int maxActors;
    private final LinkedHashMap<String, ActorBaseline> actors;
    /** Actors whose baseline is evicted last (those with an open incident above Low); none by default. */
    private volatile java.util.function.Predicate<String> protectedActors = actor -> false;
    private long evicted;

    public Baselines(int maxActors) {
        this.maxActors = maxActors;
        this.actors = new LinkedHashMap<>(1024, 0.75f, true);
    }

    /**
     * Eviction keeps these actors' baselines while it finds another to drop among the least recently
     * seen: the suspicious actors are the ones whose normal matters most (issue #17, 2).
     */
    public void protect(java.util.function.Predicate<String> actors) {
        this.protectedActors = actors;
    }

    /** Drops least recently seen actors down to the cap, skipping protected ones when it can. */
    private void evictOverCap() {
        while (actors.size() > maxActors) {
            String victim = null;
            String eldest = null;
            int looked = 0;
            for (String actor : actors.keySet()) {
                if (eldest == null) {
                    eldest = actor;
                }
                if (!protectedActors.test(actor)) {
                    victim = actor;
                    break;
                }
                if (++looked >= PROTECTED_SKIP) {
                    break;
                }
            }
            actors.remove(victim != null ? victim : eldest);
            evicted++;
        }
    }

    /** Actors forgotten because the cap was reached. */
    public synchronized long evicted() {
        return evicted;
    }

    public int maxActors() {
        return maxActors;
    }

    /** What the baseline knew about an event before learning from it. */
    public record Verdict(boolean ipKnown, boolean usualHour, boolean learnedAdmin) {
    }

    /**
     * Judges one event against what the actor normally does, then learns from it: one map lookup
     * per event for all three questions. Judged first, so a first sighting is still unknown.
     *
     * @param ip              the source IP, or null for AWS-internal sources (nothing to learn)
     * @param learningDelayMillis what happened more recently than this does not count yet
     * @param memoryMillis    what happened longer ago than this no longer counts
     */
    public synchronized Verdict judgeAndLearn(String actor, String ip, long now, int hourOfDay, long epochDay,
                                              boolean privilegedWrite, long learningDelayMillis, long memoryMillis, int usualHourMinDays) {
        ActorBaseline b = actors.get(actor);
        Verdict verdict = b == null
                ? new Verdict(false, false, false)
                : new Verdict(ipKnown(b, ip, now, learningDelayMillis, memoryMillis),
                        usualHour(b, hourOfDay, epochDay, usualHourMinDays),
                        learnedAdmin(b, now, learningDelayMillis, memoryMillis));
        if (b == null) {
            b = new ActorBaseline();
            actors.put(actor, b);
            evictOverCap();
        }
        observe(b, ip, now, hourOfDay, epochDay, privilegedWrite);
        return verdict;
    }

    /** Known: first seen for this actor at least {@code learningDelay} ago, and seen within {@code memory} before now. */
    private static boolean ipKnown(ActorBaseline b, String ip, long now, long learningDelayMillis, long memoryMillis) {
        long[] seen = ip == null ? null : b.ips.get(ip);
        return seen != null && now - seen[0] >= learningDelayMillis && now - seen[1] <= memoryMillis;
    }

    /** Usual: the actor was active in this hour of the day on at least {@code minDays} earlier days. */
    private static boolean usualHour(ActorBaseline b, int hourOfDay, long epochDay, int minDays) {
        int days = b.hourDays[hourOfDay] - (b.hourLastDay[hourOfDay] == epochDay ? 1 : 0);
        return days >= minDays;
    }

    /** Administrator: made a privileged IAM write on a day between {@code memory} ago and {@code delay} ago. */
    private static boolean learnedAdmin(ActorBaseline b, long now, long learningDelayMillis, long memoryMillis) {
        long newest = Math.floorDiv(now - learningDelayMillis, DAY_MILLIS);
        long oldest = Math.floorDiv(now - memoryMillis, DAY_MILLIS);
        for (long day : b.privilegedDays) {
            if (day >= oldest && day <= newest) {
                return true;
            }
        }
        return false;
    }

    private static void observe(ActorBaseline b, String ip, long now, int hourOfDay, long epochDay, boolean privilegedWrite) {
        b.lastSeen = Math.max(b.lastSeen, now);
        if (ip != null) {
            long[] seen = b.ips.get(ip);
            if (seen == null) {
                if (b.ips.size() >= MAX_IPS_PER_ACTOR) {
                    String eldest = b.ips.keySet().iterator().next();
                    b.ips.remove(eldest);
                }
                b.ips.put(ip, new long[] {now, now});
            } else {
                seen[0] = Math.min(seen[0], now);
                seen[1] = Math.max(seen[1], now);
            }
        }
        if (b.hourLastDay[hourOfDay] != epochDay) {
            b.hourLastDay[hourOfDay] = epochDay;
            b.hourDays[hourOfDay]++;
        }
        if (privilegedWrite) {
            long[] days = b.privilegedDays;
            if (days.length == 0 || days[days.length - 1] != epochDay) {
                long[] next = Arrays.copyOfRange(days, Math.max(0, days.length + 1 - PRIVILEGED_DAYS_KEPT), days.length + 1);
                next[next.length - 1] = epochDay;
                b.privilegedDays = next;
            }
        }
    }

    /** Whether the actor's baseline is held. */
    public synchronized boolean knows(String actor) {
        return actors.containsKey(actor);
    }

    public synchronized int actorCount() {
        return actors.size();
    }

    /** Writes atomically (temp file, then rename), so a crash mid-write leaves the previous file. */
    public synchronized void save(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), Map.of("version", 1, "actors", actors));
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Loads a saved file; a missing file is an empty baseline, an unreadable one an error naming it. */
    public static Baselines load(Path file, int maxActors) throws IOException {
        Baselines baselines = new Baselines(maxActors);
        if (file == null || !Files.exists(file)) {
            return baselines;
        }
        var tree = JSON.readTree(file.toFile());
        var actorsNode = tree.path("actors");
        for (var it = actorsNode.fields(); it.hasNext(); ) {
            var entry = it.next();
            ActorBaseline b = JSON.treeToValue(entry.getValue(), ActorBaseline.class);
            LinkedHashMap<String, long[]> ips = new LinkedHashMap<>(8, 0.75f, true);
            ips.putAll(b.ips);
            b.ips = ips;
            baselines.actors.put(entry.getKey(), b);
        }
        baselines.evictOverCap();
        baselines.evicted = 0; // a file saved under a larger cap is not an eviction of this run
        return baselines;
    }
}
