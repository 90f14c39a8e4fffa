package io.trailsentry.scoring;

import io.trailsentry.engine.ScoringLadder;
import io.trailsentry.ingest.CloudTrailEvent;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the context stage said about the events behind a signal or an incident, summed up for the
 * severity ladder.
 *
 * @param contexts    every context that held for any of the events, sorted (unknown_ip, off_hours, …)
 * @param suspicious  the suspicious ones among them (the ladder's {@code suspicious-contexts})
 * @param allowlisted every event made by an actor was allowlisted (an authorised scanner's own
 *                    calls); one call by the same principal with another user agent is not
 * @param actorEvents whether any event had an actor at all (AWS acting on its own has no context)
 */
public record ContextEvidence(List<String> contexts, List<String> suspicious, boolean allowlisted, boolean actorEvents) {

    public static final ContextEvidence NONE = new ContextEvidence(List.of(), List.of(), false, false);

    public static ContextEvidence of(List<CloudTrailEvent> events, ScoringLadder ladder) {
        Set<String> contexts = new TreeSet<>();
        boolean actor = false;
        boolean allAllowlisted = true;
        for (CloudTrailEvent e : events) {
            if (e.getActorKey() == null) {
                continue;
            }
            actor = true;
            allAllowlisted &= e.isAllowlisted();
            contexts.addAll(e.getContexts());
        }
        return of(contexts, actor && allAllowlisted, actor, ladder);
    }

    static ContextEvidence of(Set<String> contexts, boolean allowlisted, boolean actorEvents, ScoringLadder ladder) {
        return new ContextEvidence(List.copyOf(contexts), contexts.stream().filter(ladder::suspicious).toList(), allowlisted, actorEvents);
    }
}
