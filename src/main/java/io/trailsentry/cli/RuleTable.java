package io.trailsentry.cli;

import io.trailsentry.engine.RuleMetadata;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The rule table of docs/rules.md, made from the rules' own metadata ({@code rules validate
 * --markdown}), so the docs list exactly what is deployed; a test compares the two.
 */
public final class RuleTable {

    public static final String HEADER = "| rule | name | severity | kind | stage | MITRE | fires on |";

    private RuleTable() {
    }

    public static List<String> markdown(List<RuleMetadata> rules) {
        List<String> lines = new ArrayList<>();
        lines.add(HEADER);
        lines.add("|---|---|---|---|---|---|---|");
        rules.stream().sorted(Comparator.comparing(RuleMetadata::statementName)).forEach(rule -> lines.add(String.join(" | ",
                "| `" + rule.statementName() + "`",
                cell(rule.name()),
                rule.severity().name(),
                rule.buildingBlock() ? "building block" : "alert",
                String.join(", ", rule.stages()),
                (rule.mitre().techniqueId() == null ? "" : rule.mitre().techniqueId() + " ") + "(" + rule.mitre().tactic() + ")",
                cell(rule.description()) + " |")));
        return lines;
    }

    private static String cell(String text) {
        return text == null ? "" : text.replace("|", "\\|").replace("\n", " ");
    }
}
