package io.trailsentry.engine.sigma;

import io.trailsentry.context.StageCatalog;
import io.trailsentry.engine.Severity;

import java.util.ArrayList;
import java.util.List;

/**
 * The annotations a generated rule statement carries, worked out from the Sigma header (see
 * {@link SigmaTags} for the level, tactic and technique tables). Only a statement that alerts gets
 * them; a rule that only feeds a correlation is a helper statement without an id.
 */
record AlertMetadata(String id, String title, String description, Severity severity, String stage, String mitre,
                     String version, boolean buildingBlock, List<String> tags, List<String> tacticStages, SigmaHeader header) {

    /**
     * @param inherited tags and level of the referenced rules, used by a correlation that names none itself
     * @throws SigmaRefusal naming the missing id, title, level or tactic
     */
    static AlertMetadata of(SigmaHeader h, List<String> inheritedTags, String inheritedLevel, StageCatalog stages) throws SigmaRefusal {
        if (h.id() == null || h.id().isBlank()) {
            throw new SigmaRefusal("id", h.line(), 1, "a rule that alerts needs an 'id' (a UUID): alerts, tests and"
                    + " suppressions refer to it");
        }
        if (h.title() == null || h.title().isBlank()) {
            throw new SigmaRefusal("title", h.line(), 1, "the Sigma specification requires a 'title'");
        }
        String level = h.level() != null ? h.level() : inheritedLevel;
        if (level == null) {
            throw new SigmaRefusal("level", h.line(), 1, "a rule that alerts needs a 'level' (informational, low, medium, high, critical)");
        }
        Severity severity = SigmaTags.severity(level).orElseThrow(() -> new SigmaRefusal("level " + level, h.line(), 1,
                "unknown level; expected informational, low, medium, high or critical"));
        List<String> tags = h.tags();
        if (SigmaTags.primary(tags, stages).isEmpty() && !inheritedTags.isEmpty()) {
            List<String> merged = new ArrayList<>(tags);
            inheritedTags.stream().filter(t -> !merged.contains(t)).forEach(merged::add);
            tags = merged;
        }
        List<String> ruleTags = tags;
        SigmaTags.Tactic tactic = SigmaTags.primary(tags, stages).orElseThrow(() -> new SigmaRefusal("tags", h.line(), 1,
                "no ATT&CK tactic tag maps to a TrailSentry stage, so incidents cannot place the rule; add one of: "
                        + SigmaTags.stageTactics(stages)));
        List<String> tacticStages = SigmaTags.tactics(ruleTags).stream().map(t -> t.stageIn(stages))
                .flatMap(java.util.Optional::stream).distinct().toList();
        String version = h.modified() != null ? h.modified() : h.date() != null ? h.date() : "1";
        String description = h.description() != null && !h.description().isBlank() ? h.description() : h.title();
        return new AlertMetadata(h.id().trim(), h.title(), description, severity, tactic.stageIn(stages).orElseThrow(),
                SigmaTags.mitre(tactic, tags), version, SigmaTags.buildingBlock(level), tags, tacticStages, h);
    }

    /** The annotation block, one annotation a line, ending with a line break. */
    String annotations(String statementName) {
        StringBuilder sb = new StringBuilder();
        sb.append("@Name(").append(SigmaEpl.literal(statementName)).append(")\n");
        sb.append("@Description(").append(SigmaEpl.literal(SigmaEpl.oneLine(description))).append(")\n");
        tag(sb, "id", id);
        tag(sb, "name", SigmaEpl.oneLine(title));
        tag(sb, "severity", severity.name());
        tag(sb, "stage", stage);
        tag(sb, "mitre", mitre);
        tag(sb, "version", version);
        if (buildingBlock) {
            tag(sb, "alert", "building-block");
        }
        tag(sb, "source", "sigma");
        if (header.level() != null) {
            tag(sb, "sigmaLevel", header.level());
        }
        if (header.status() != null) {
            tag(sb, "sigmaStatus", header.status());
        }
        if (!tacticStages.isEmpty()) {
            tag(sb, "tactics", String.join(",", tacticStages));
        }
        if (!tags.isEmpty()) {
            tag(sb, "sigmaTags", String.join(",", tags));
        }
        if (!header.falsepositives().isEmpty()) {
            tag(sb, "falsepositives", String.join(" | ", header.falsepositives().stream().map(SigmaEpl::oneLine).toList()));
        }
        if (!header.references().isEmpty()) {
            tag(sb, "references", String.join(" ", header.references()));
        }
        if (header.author() != null) {
            tag(sb, "author", SigmaEpl.oneLine(header.author()));
        }
        return sb.toString();
    }

    private static void tag(StringBuilder sb, String name, String value) {
        sb.append("@Tag(name=").append(SigmaEpl.literal(name)).append(", value=").append(SigmaEpl.literal(value)).append(")\n");
    }
}
