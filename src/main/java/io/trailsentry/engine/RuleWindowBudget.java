package io.trailsentry.engine;

import com.espertech.esper.common.client.EventBean;
import com.espertech.esper.common.client.EventPropertyGetter;
import com.espertech.esper.common.internal.epl.namedwindow.core.NamedWindowInstance;
import com.espertech.esper.common.internal.epl.namedwindow.core.NamedWindowManagementService;
import com.espertech.esper.common.internal.epl.namedwindow.core.NamedWindowRootViewInstance;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The state budget's part for rules' windows ({@code create window W#time(…)}): all of them together
 * keep at most {@code maxEvents} events, whatever the event rate. A window holds rate × its length:
 * the S3 read-burst window at 10,000 events/s with one call in ten a never-seen session's
 * {@code GetObject} keeps 600,000 calls for its 10 minutes, each with its request text and Esper's
 * index entries (about 1 KB), and the heap fills before the window turns over.
 *
 * <p>Past the cap the biggest windows are cut back to one level ({@link RuleTableBudget#level}) so that
 * all hold {@link RuleTableBudget#LOW_WATER} of the cap; small windows keep every event. A window cut
 * back loses, first, the events of the actors with the fewest events in it (a spray of one-call
 * sessions is the furthest from any threshold; an actor in a burst has many), the oldest first among
 * equals; a window of events without an {@code actorKey}, its oldest. The deletion is what an
 * {@code on … delete} would do: the window's indexes and the statements fed by its remove stream (the
 * per-actor counts kept in tables) see the events leave.
 */
final class RuleWindowBudget {

    /** The property the rules key per-actor state by. */
    static final String ACTOR_PROPERTY = "actorKey";

    private final int maxEvents;
    private long evictions;
    private long events;

    RuleWindowBudget(int maxEvents) {
        if (maxEvents < 10) {
            throw new IllegalArgumentException("max rule window events must be at least 10, was " + maxEvents);
        }
        this.maxEvents = maxEvents;
    }

    int maxEvents() {
        return maxEvents;
    }

    /** Events evicted from rules' windows since start. */
    long evictions() {
        return evictions;
    }

    /** Events in all rule windows together at the last check. */
    long events() {
        return events;
    }

    /**
     * Counts the windows' events; cuts back the biggest when together they are over the cap. On the
     * engine thread, between events; {@code afterDeletion} then works off what the deletions queued for
     * the windows' consumers (as the runtime does after an event).
     *
     * @return whether anything was deleted
     */
    boolean enforce(NamedWindowManagementService windows) {
        record Sized(NamedWindowInstance instance, long events) {
        }
        List<Sized> sized = new ArrayList<>();
        long[] total = {0};
        windows.traverseNamedWindows((deploymentId, window) -> {
            NamedWindowInstance instance = window.getNamedWindowInstanceNoContext();
            if (instance != null && instance.getCountDataWindow() > 0) {
                sized.add(new Sized(instance, instance.getCountDataWindow()));
                total[0] += instance.getCountDataWindow();
            }
        });
        boolean deleted = false;
        if (total[0] > maxEvents) {
            long level = RuleTableBudget.level(sized.stream().mapToLong(Sized::events).toArray(), (long) (maxEvents * RuleTableBudget.LOW_WATER));
            for (Sized window : sized) {
                if (window.events() > level) {
                    long dropped = cutBack(window.instance(), window.events() - level);
                    evictions += dropped;
                    total[0] -= dropped;
                    deleted |= dropped > 0;
                }
            }
        }
        events = total[0];
        return deleted;
    }

    private static long cutBack(NamedWindowInstance instance, long drop) {
        NamedWindowRootViewInstance root = instance.getRootViewInstance();
        List<EventBean> victims = victims(root.getDataWindowContents(), root.getEventType().getGetter(ACTOR_PROPERTY), drop);
        if (victims.isEmpty()) {
            return 0;
        }
        var lock = root.getAgentInstanceContext().getAgentInstanceLock();
        lock.acquireWriteLock();
        try {
            // As an on-delete does: the data window drops them, then its indexes and consumers hear of it.
            root.update(null, victims.toArray(new EventBean[0]));
        } finally {
            lock.releaseWriteLock();
        }
        return victims.size();
    }

    /**
     * The {@code drop} events that matter least: of the actors with the fewest events first, in window
     * order (oldest first) among equals.
     */
    static List<EventBean> victims(Iterable<EventBean> contents, EventPropertyGetter actor, long drop) {
        List<EventBean> all = new ArrayList<>();
        contents.forEach(all::add);
        int n = (int) Math.min(drop, all.size());
        if (actor == null) {
            return all.subList(0, n);
        }
        record Ranked(EventBean event, Object actor) {
        }
        List<Ranked> ranked = new ArrayList<>(all.size());
        Map<Object, Integer> perActor = new HashMap<>();
        for (EventBean event : all) {
            Object key = actor.get(event);
            ranked.add(new Ranked(event, key));
            perActor.merge(key, 1, Integer::sum);
        }
        // List.sort is stable: window order survives among actors with as many events.
        ranked.sort(Comparator.comparingInt(r -> perActor.get(r.actor())));
        return ranked.subList(0, n).stream().map(Ranked::event).toList();
    }
}
