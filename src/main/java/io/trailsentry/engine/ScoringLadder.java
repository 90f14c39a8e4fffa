package io.trailsentry.engine;

import io.trailsentry.context.DataFileException;
import io.trailsentry.context.StageCatalog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The escalation ladder, read from {@code scoring.yaml} beside the rules: which contexts are
 * suspicious, how context moves a signal's and an incident's severity, which rung of stages reached
 * makes an incident Low … Critical, and the points of an incident's score. It is loaded, checked and
 * swapped with the rules (it travels in {@link CompiledRules} as {@code stages.yaml} does); the
 * scorer ({@code io.trailsentry.scoring}) interprets it. The rule loader owns it rather than the
 * scorer because errors in it refuse a rule set, with file and line, like any rule error.
 *
 * @param source             where it was read from, for messages
 * @param suspiciousContexts contexts that make activity suspicious (unknown_ip, off_hours, non_admin)
 * @param signal             how context moves a signal's severity
 * @param ladder             the incident rungs, first match wins; the last has no condition
 * @param incident           how context moves an incident's severity
 * @param points             the score's points by source (stage points are in {@code stages.yaml})
 */
public record ScoringLadder(String source, Set<String> suspiciousContexts, ContextMoves signal, List<Rung> ladder,
                            ContextMoves incident, Points points) {

    /** The file name the ladder has in a rules folder. */
    public static final String FILE_NAME = "scoring.yaml";

    public ScoringLadder {
        suspiciousContexts = Set.copyOf(suspiciousContexts);
        ladder = List.copyOf(ladder);
    }

    /**
     * One rung of the incident ladder: it holds when every condition it sets holds.
     *
     * @param minStages     at least this many stages reached (0: no condition)
     * @param anyTier       at least one stage reached has one of these tiers (empty: no condition)
     * @param minSuspicious at least this many suspicious contexts seen (0: no condition)
     * @param reason        what the alert's severityReason says, with {stages}, {count} and {suspicious} filled in
     * @param line          where it is declared, for errors
     */
    public record Rung(Severity severity, int minStages, Set<StageCatalog.Tier> anyTier, int minSuspicious, String reason, int line) {

        public Rung {
            anyTier = Set.copyOf(anyTier);
        }

        public boolean holds(int stages, Set<StageCatalog.Tier> tiers, int suspicious) {
            return stages >= minStages && suspicious >= minSuspicious
                    && (anyTier.isEmpty() || tiers.stream().anyMatch(anyTier::contains));
        }

        public boolean unconditional() {
            return minStages == 0 && anyTier.isEmpty() && minSuspicious == 0;
        }

        /** The reason with its placeholders filled in, then the rung's severity. */
        public String explain(String stages, int count, int suspicious) {
            return reason.replace("{stages}", stages).replace("{count}", Integer.toString(count))
                    .replace("{suspicious}", Integer.toString(suspicious)) + ": " + severity;
        }
    }

    /**
     * A move of severity by context: to {@code to} when set, else by {@code levels} (negative: down),
     * never below {@code floor} nor above Critical.
     *
     * @param unlessOnlyTiers not applied to an incident whose stages reached only these tiers
     */
    public record Move(Severity to, int levels, Severity floor, Set<StageCatalog.Tier> unlessOnlyTiers) {

        public Move {
            unlessOnlyTiers = Set.copyOf(unlessOnlyTiers);
        }

        public Severity apply(Severity base) {
            if (to != null) {
                return to;
            }
            int level = Math.min(Severity.Critical.ordinal(), Math.max(floor.ordinal(), base.ordinal() + levels));
            // A floor above the base does not raise it: a move down never goes up.
            return levels <= 0 && level > base.ordinal() ? base : Severity.values()[level];
        }

        /** Whether it applies to an incident that reached stages of {@code tiers}. */
        public boolean appliesTo(Set<StageCatalog.Tier> tiers) {
            return unlessOnlyTiers.isEmpty() || !unlessOnlyTiers.containsAll(tiers);
        }

        /** "one level down", "two levels down", "to Informational". */
        public String describe() {
            if (to != null) {
                return "to " + to;
            }
            if (levels == 0) {
                return "unchanged";
            }
            int n = Math.abs(levels);
            String count = n <= WORDS.length ? WORDS[n - 1] : Integer.toString(n);
            return count + (n == 1 ? " level " : " levels ") + (levels < 0 ? "down" : "up");
        }

        private static final String[] WORDS = {"one", "two", "three", "four"};
    }

    /**
     * @param allowlisted       every call behind it was allowlisted (the result is also suppressed)
     * @param nothingSuspicious no call behind it was suspicious
     */
    public record ContextMoves(Move allowlisted, Move nothingSuspicious) {
    }

    /**
     * @param signal  points for the first hit of each rule, by the signal's severity in context
     * @param context points for each context seen in the evidence
     * @param lineage points when an identity the actor created acts
     */
    public record Points(Map<Severity, Integer> signal, Map<String, Integer> context, int lineage) {

        public Points {
            signal = Map.copyOf(signal);
            context = Map.copyOf(context);
        }
    }

    /**
     * The ladder of a rules folder: its {@code scoring.yaml}, or the bundled one when it has none.
     *
     * @throws DataFileException naming the file and line of what is wrong
     */
    public static ScoringLadder forRulesFolder(Path rulesDir) {
        Path file = rulesDir.resolve(FILE_NAME);
        return Files.isRegularFile(file) ? ScoringLadderReader.read(file) : bundled();
    }

    /** The ladder shipped in the jar (a build-time copy of {@code epl/scoring.yaml}), read once. */
    public static ScoringLadder bundled() {
        return Bundled.LADDER;
    }

    /**
     * Reads a ladder from text, for a file that is not on disk (a backtest's submitted files).
     *
     * @throws DataFileException naming {@code name} and the line of what is wrong
     */
    public static ScoringLadder parse(String name, String yaml) {
        return ScoringLadderReader.read(name, new java.io.StringReader(yaml));
    }

    private static final class Bundled {
        static final ScoringLadder LADDER = ScoringLadderReader.readBundled();
    }

    /** Whether a context makes activity suspicious on this ladder. */
    public boolean suspicious(String context) {
        return suspiciousContexts.contains(context);
    }
}
