package io.trailsentry.engine.sigma;

import io.trailsentry.context.StageCatalog;

import io.trailsentry.engine.Severity;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How a Sigma rule's {@code level} and ATT&amp;CK {@code tags} become TrailSentry's severity, stage,
 * MITRE mapping and alerting mode: the one table for each.
 *
 * <p>Stage: the rule's <em>first</em> ATT&amp;CK tactic tag. SigmaHQ lists every tactic its
 * techniques belong to (T1078 Valid Accounts alone gives initial-access, persistence,
 * privilege-escalation and stealth), which says what a technique can serve, not what one call
 * reached; counting them all would let a single root-account call open a four-stage incident. The
 * other tactics are kept in the {@code tactics} tag. A rule with no tactic that maps to a stage is
 * refused: the scorer cannot place it on the ladder (add e.g. {@code attack.persistence}).
 */
final class SigmaTags {

    /**
     * A Sigma tactic tag and its ATT&amp;CK id. Its TrailSentry stage is the stage vocabulary's
     * ({@code stages.yaml}) stage of that tactic; ATT&amp;CK v19's Defense Impairment (TA0112), split
     * from Defense Evasion, counts as that tactic's stage.
     */
    record Tactic(String tag, String id) {

        Optional<String> stageIn(StageCatalog stages) {
            return stages.stageForTactic("TA0112".equals(id) ? "TA0005" : id);
        }
    }

    /**
     * ATT&amp;CK v19 renamed Defense Evasion (TA0005) to Stealth and split Defense Impairment
     * (TA0112) from it; SigmaHQ uses the new names. Both count as TrailSentry's defense_evasion.
     * Tactics no stage of {@code stages.yaml} carries (reconnaissance, resource development,
     * command-and-control in the shipped file) give no stage.
     */
    private static final List<Tactic> TACTICS = List.of(
            new Tactic("reconnaissance", "TA0043"),
            new Tactic("resource-development", "TA0042"),
            new Tactic("initial-access", "TA0001"),
            new Tactic("execution", "TA0002"),
            new Tactic("persistence", "TA0003"),
            new Tactic("privilege-escalation", "TA0004"),
            new Tactic("defense-evasion", "TA0005"),
            new Tactic("stealth", "TA0005"),
            new Tactic("defense-impairment", "TA0112"),
            new Tactic("credential-access", "TA0006"),
            new Tactic("discovery", "TA0007"),
            new Tactic("lateral-movement", "TA0008"),
            new Tactic("collection", "TA0009"),
            new Tactic("command-and-control", "TA0011"),
            new Tactic("exfiltration", "TA0010"),
            new Tactic("impact", "TA0040"));

    private static final Pattern TECHNIQUE = Pattern.compile("attack\\.(t\\d{4}(\\.\\d{3})?)");

    /**
     * Sigma level → severity, and whether a hit pages a person. Informational ("no case or alerting
     * should be triggered", says the specification) and low ("rarely an incident, no immediate
     * reaction") rules are building blocks: scored into incidents, never alerting alone.
     */
    private static final Map<String, Severity> LEVELS = Map.of(
            "informational", Severity.Informational,
            "low", Severity.Low,
            "medium", Severity.Medium,
            "high", Severity.High,
            "critical", Severity.Critical);

    private static final Set<String> BUILDING_BLOCK_LEVELS = Set.of("informational", "low");

    private SigmaTags() {
    }

    static Optional<Severity> severity(String level) {
        return level == null ? Optional.empty() : Optional.ofNullable(LEVELS.get(level.trim().toLowerCase(Locale.ROOT)));
    }

    static boolean buildingBlock(String level) {
        return level != null && BUILDING_BLOCK_LEVELS.contains(level.trim().toLowerCase(Locale.ROOT));
    }

    /** The tactics among the tags, in tag order, without repeats. */
    static List<Tactic> tactics(List<String> tags) {
        Set<Tactic> found = new LinkedHashSet<>();
        for (String tag : tags) {
            String t = tag.trim().toLowerCase(Locale.ROOT);
            for (Tactic tactic : TACTICS) {
                if (t.equals("attack." + tactic.tag()) || t.equals("attack." + tactic.tag().replace('-', '_'))) {
                    found.add(tactic);
                }
            }
        }
        return new ArrayList<>(found);
    }

    /** The first tactic that maps to a stage of {@code stages}. */
    static Optional<Tactic> primary(List<String> tags, StageCatalog stages) {
        return tactics(tags).stream().filter(t -> t.stageIn(stages).isPresent()).findFirst();
    }

    /** The techniques among the tags, upper case ({@code T1098.001}), in tag order. */
    static List<String> techniques(List<String> tags) {
        List<String> out = new ArrayList<>();
        for (String tag : tags) {
            var m = TECHNIQUE.matcher(tag.trim().toLowerCase(Locale.ROOT));
            if (m.matches()) {
                String id = m.group(1).toUpperCase(Locale.ROOT);
                if (!out.contains(id)) {
                    out.add(id);
                }
            }
        }
        return out;
    }

    /** {@code TA0003:T1098} (or {@code TA0003} when the rule names no technique), as the mitre tag reads it. */
    static String mitre(Tactic tactic, List<String> tags) {
        List<String> techniques = techniques(tags);
        return techniques.isEmpty() ? tactic.id() : tactic.id() + ":" + techniques.get(0);
    }

    /** For refusals and docs: the tactic tags that give a stage. */
    static String stageTactics(StageCatalog stages) {
        return String.join(", ", TACTICS.stream().filter(t -> t.stageIn(stages).isPresent()).map(t -> "attack." + t.tag()).toList());
    }
}
