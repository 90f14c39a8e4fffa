package io.trailsentry.engine.sigma;

import io.trailsentry.context.StageCatalog;

import io.trailsentry.engine.RuleError;
import io.trailsentry.engine.Severity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Compiles the Sigma rules of a rules folder to EPL modules, one per {@code .yml} file.
 *
 * <p>The whole folder is read at once because correlations refer to rules by id or name across
 * files. Each generated module is self-contained (a correlation carries its own copy of the filters
 * of the rules it counts, and of the correlations it chains), so a module deploys and swaps on its
 * own like an {@code .epl} file; the module's text changes when a rule it copies changes, which
 * makes a reload redeploy it.
 *
 * <p>A rule is refused on its own, with file, line and the construct's name: a correlation whose
 * rule is refused is refused too, naming that rule; nothing else is affected.
 */
public final class SigmaCompiler {

    /** A Sigma file's text and its path relative to the rules folder. */
    public record Source(String relativePath, String text) {
    }

    private SigmaCompiler() {
    }

    /** {@code .yml} and {@code .yaml} files other than rule tests ({@code *.tests.yaml}). */
    public static boolean isCandidate(Path file) {
        String name = file.getFileName().toString();
        return (name.endsWith(".yml") || name.endsWith(".yaml")) && !name.endsWith(".tests.yaml") && !name.endsWith(".tests.yml");
    }

    /** Whether a rule file (relative path, as rules and compiled files name it) is a Sigma file. */
    public static boolean isSigmaFile(String relativePath) {
        return relativePath != null && isCandidate(Path.of(relativePath));
    }

    /**
     * The Sigma files under a folder: candidates whose text has a top-level {@code detection:} or
     * {@code correlation:} key (stages.yaml, rule tests and other data files have neither), sorted by path.
     */
    public static List<Source> sources(Path rulesDir) {
        List<Source> sources = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(rulesDir)) {
            for (Path file : walk.filter(Files::isRegularFile).filter(SigmaCompiler::isCandidate).sorted().toList()) {
                String relative = rulesDir.relativize(file).toString().replace('\\', '/');
                if (relative.startsWith(".")) {
                    continue;
                }
                String text = Files.readString(file, StandardCharsets.UTF_8);
                if (SigmaYaml.looksLikeSigma(text)) {
                    sources.add(new Source(relative, text));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return sources;
    }

    /** The folder's Sigma files, placed on the ladder by the folder's own stage vocabulary. */
    public static SigmaCompilation compileFolder(Path rulesDir) {
        return compile(sources(rulesDir), StageCatalog.forRulesFolder(rulesDir));
    }

    /** With the stage vocabulary TrailSentry ships. */
    public static SigmaCompilation compile(List<Source> sources) {
        return compile(sources, StageCatalog.bundled());
    }

    /** @param stages the stage vocabulary the rules' ATT&amp;CK tactics are placed by */
    public static SigmaCompilation compile(List<Source> sources, StageCatalog stages) {
        return new Run(sources, stages).compile();
    }

    /** One document of a file and what became of it so far. */
    private static final class Unit {
        final String file;
        final int index;
        final int line;
        final SigmaDocument doc;
        SigmaRefusal refusal;
        String filter;
        AlertMetadata alert;
        final List<Unit> references = new ArrayList<>();
        final List<Unit> referencedBy = new ArrayList<>();
        String epl;
        /** For a document refused before it was understood: its title and id as written, if any. */
        String rawTitle;
        String rawId;

        Unit(String file, int index, int line, SigmaDocument doc, SigmaRefusal refusal) {
            this.file = file;
            this.index = index;
            this.line = line;
            this.doc = doc;
            this.refusal = refusal;
        }

        boolean ok() {
            return refusal == null;
        }

        boolean correlation() {
            return doc instanceof SigmaCorrelation;
        }

        SigmaHeader header() {
            return doc == null ? null : doc.header();
        }

        /** Alerts unless it only feeds correlations that do not ask for it ({@code generate: false}, the default). */
        boolean alerts() {
            return referencedBy.isEmpty() || referencedBy.stream().anyMatch(u -> ((SigmaCorrelation) u.doc).generate());
        }

        String label() {
            SigmaHeader h = header();
            return h == null ? file + " #" + (index + 1) : h.name() != null ? h.name() : h.id() != null ? h.id() : h.label();
        }
    }

    private static final class Run {
        private final List<Source> sources;
        private final StageCatalog stages;
        private final List<Unit> units = new ArrayList<>();
        private final Map<String, Unit> byReference = new HashMap<>();

        Run(List<Source> sources, StageCatalog stages) {
            this.sources = sources;
            this.stages = stages;
        }

        SigmaCompilation compile() {
            for (Source source : sources) {
                parse(source);
            }
            index();
            link();
            for (Unit u : units) {
                if (u.ok() && u.doc instanceof SigmaRule rule) {
                    try {
                        u.filter = DetectionCompiler.filter(rule.detection());
                    } catch (SigmaRefusal e) {
                        u.refusal = e;
                    }
                }
            }
            for (Unit u : units) {
                checkCorrelation(u, new LinkedHashSet<>());
            }
            for (Unit u : units) {
                if (u.ok() && u.alerts()) {
                    try {
                        u.alert = AlertMetadata.of(u.header(), inheritedTags(u, new HashSet<>()), inheritedLevel(u, new HashSet<>()), stages);
                    } catch (SigmaRefusal e) {
                        u.refusal = e;
                    }
                }
            }
            List<SigmaCompilation.SigmaModule> modules = new ArrayList<>();
            for (Source source : sources) {
                String epl = module(source.relativePath());
                if (epl != null) {
                    modules.add(new SigmaCompilation.SigmaModule(source.relativePath(), epl));
                }
            }
            return new SigmaCompilation(modules, units.stream().map(this::report).toList());
        }

        private void parse(Source source) {
            List<YamlNode> documents;
            try {
                documents = SigmaYaml.documents(source.text());
            } catch (SigmaRefusal e) {
                units.add(new Unit(source.relativePath(), 0, e.line(), null, e));
                return;
            }
            SigmaParser parser = new SigmaParser(source.relativePath(), source.text());
            for (int i = 0; i < documents.size(); i++) {
                YamlNode node = documents.get(i);
                try {
                    units.add(new Unit(source.relativePath(), i, node.line(), parser.parse(node, i), null));
                } catch (SigmaRefusal e) {
                    Unit refused = new Unit(source.relativePath(), i, node.line(), null, e);
                    refused.rawTitle = raw(node, "title");
                    refused.rawId = raw(node, "id");
                    units.add(refused);
                }
            }
        }

        /** Ids and names are unique across the folder: a repeat is refused, the first one kept. */
        private void index() {
            for (Unit u : units) {
                if (!u.ok()) {
                    continue;
                }
                for (String key : new String[] {u.header().id(), u.header().name()}) {
                    if (key == null) {
                        continue;
                    }
                    Unit first = byReference.get(key);
                    if (first != null && first != u) {
                        u.refusal = new SigmaRefusal(key.equals(u.header().id()) ? "id" : "name", u.line, 1, "'" + key
                                + "' is already used by the rule at " + first.file + ":" + first.line + "; ids and names must be unique");
                    } else {
                        byReference.put(key, u);
                    }
                }
            }
        }

        private void link() {
            for (Unit u : units) {
                if (!u.ok() || !(u.doc instanceof SigmaCorrelation c)) {
                    continue;
                }
                for (SigmaCorrelation.Reference ref : c.rules()) {
                    Unit target = byReference.get(ref.target());
                    if (target == null || !target.ok()) {
                        target = units.stream().filter(x -> x.doc != null && x.doc.answersTo(ref.target())).findFirst().orElse(null);
                    }
                    if (target == null) {
                        u.refusal = new SigmaRefusal("rules", ref.line(), ref.column(), "no Sigma rule in the rules folder has id or name '"
                                + ref.target() + "'");
                        break;
                    }
                    if (!u.references.contains(target)) {
                        u.references.add(target);
                        target.referencedBy.add(u);
                    }
                }
            }
        }

        /** A correlation stands only if everything it correlates stands, and it does not refer back to itself. */
        private void checkCorrelation(Unit u, Set<Unit> path) {
            if (!u.ok() || !u.correlation()) {
                return;
            }
            if (!path.add(u)) {
                u.refusal = new SigmaRefusal("rules", u.line, 1, "the correlation refers back to itself through "
                        + String.join(" → ", path.stream().map(Unit::label).toList()));
                return;
            }
            SigmaCorrelation c = (SigmaCorrelation) u.doc;
            if ((c.type() == SigmaCorrelation.Type.TEMPORAL || c.type() == SigmaCorrelation.Type.TEMPORAL_ORDERED) && u.references.size() < 2) {
                u.refusal = new SigmaRefusal(c.type().sigmaName(), c.line(), 1, "a temporal correlation relates at least two rules");
            }
            for (Unit target : u.references) {
                if (!u.ok()) {
                    break;
                }
                checkCorrelation(target, path);
                if (!target.ok()) {
                    u.refusal = new SigmaRefusal("rules", c.line(), 1, "correlates '" + target.label() + "', which is refused: "
                            + target.refusal.construct() + ": " + target.refusal.getMessage());
                }
            }
            path.remove(u);
        }

        /** Tags of the rules a correlation counts (recursively), for a correlation that names no tactic itself. */
        private List<String> inheritedTags(Unit u, Set<Unit> seen) {
            List<String> tags = new ArrayList<>();
            if (!seen.add(u)) {
                return tags;
            }
            for (Unit target : u.references) {
                target.header().tags().stream().filter(t -> !tags.contains(t)).forEach(tags::add);
                inheritedTags(target, seen).stream().filter(t -> !tags.contains(t)).forEach(tags::add);
            }
            return tags;
        }

        /** The highest level among the rules a correlation counts, for a correlation that states none. */
        private String inheritedLevel(Unit u, Set<Unit> seen) {
            String best = null;
            if (!seen.add(u)) {
                return null;
            }
            for (Unit target : u.references) {
                for (String level : new String[] {target.header().level(), inheritedLevel(target, seen)}) {
                    if (level != null && SigmaTags.severity(level).isPresent()
                            && (best == null || SigmaTags.severity(level).get().compareTo(SigmaTags.severity(best).orElse(Severity.Informational)) > 0)) {
                        best = level;
                    }
                }
            }
            return best;
        }

        /** The module of one file: its alerting rules, or null when nothing in it runs on its own. */
        private String module(String file) {
            List<Unit> alerting = units.stream().filter(u -> u.file.equals(file) && u.ok() && u.alerts()).toList();
            if (alerting.isEmpty()) {
                units.stream().filter(u -> u.file.equals(file) && u.ok() && u.filter != null).forEach(u -> u.epl = u.filter);
                return null;
            }
            String stem = SigmaEpl.identifier(Path.of(file).getFileName().toString().replaceAll("\\.ya?ml$", ""));
            String prefix = stem + "_" + Integer.toHexString(file.hashCode() & 0xfffff);
            StringBuilder epl = new StringBuilder();
            epl.append("// Generated by TrailSentry from the Sigma rules in ").append(file)
                    .append("; edit the .yml, not this text.\n\n");
            Set<String> names = new HashSet<>();
            int[] counter = {0};
            for (Unit u : units) {
                if (!u.file.equals(file) || !u.ok()) {
                    continue;
                }
                if (!u.alerts()) {
                    u.epl = u.filter != null ? u.filter : "(runs inside the correlations that refer to it)";
                    continue;
                }
                String name = statementName(stem, u, names);
                int start = epl.length();
                epl.append("// ").append(SigmaEpl.oneLine(u.header().label())).append(" (").append(file).append(':').append(u.line).append(")\n");
                try {
                    if (u.doc instanceof SigmaRule) {
                        epl.append(u.alert.annotations(name)).append("select * from CloudTrailEvent(").append(u.filter).append(");\n\n");
                    } else {
                        writeCorrelation(u, epl, prefix, counter, u.alert.annotations(name), false);
                    }
                    u.epl = epl.substring(start);
                } catch (SigmaRefusal e) {
                    epl.setLength(start);
                    u.refusal = e;
                }
            }
            return units.stream().anyMatch(u -> u.file.equals(file) && u.ok() && u.alerts()) ? epl.toString() : null;
        }

        private static String statementName(String stem, Unit u, Set<String> used) {
            String name = used.isEmpty() ? stem
                    : stem + "_" + SigmaEpl.identifier(u.header().name() != null ? u.header().name() : String.valueOf(u.index + 1));
            String unique = name;
            for (int i = 2; !used.add(unique); i++) {
                unique = name + "_" + i;
            }
            return unique;
        }

        /**
         * Writes a correlation and, first, every correlation it chains (each under its own number).
         *
         * @return the stream its hits are inserted into for a correlation chaining it, or null
         */
        private String writeCorrelation(Unit u, StringBuilder epl, String prefix, int[] counter, String annotations, boolean feedsAnother)
                throws SigmaRefusal {
            String name = prefix + "_c" + (++counter[0]);
            SigmaCorrelation c = (SigmaCorrelation) u.doc;
            List<CorrelationWriter.Input> inputs = new ArrayList<>();
            Map<Unit, String> labels = new LinkedHashMap<>();
            for (Unit target : u.references) {
                String label = target.label();
                while (labels.containsValue(label)) {
                    label = label + "'";
                }
                labels.put(target, label);
                if (target.doc instanceof SigmaRule) {
                    inputs.add(new CorrelationWriter.Input(target.doc, label, target.filter, null));
                } else {
                    inputs.add(new CorrelationWriter.Input(target.doc, label, null, writeCorrelation(target, epl, prefix, counter, null, true)));
                }
            }
            String output = feedsAnother ? name + "_Out" : null;
            new CorrelationWriter(epl, name, c, inputs).write(annotations, output);
            epl.append('\n');
            return output;
        }

        private SigmaRuleReport report(Unit u) {
            SigmaHeader h = u.header();
            RuleError why = u.ok() ? null : u.refusal.toRuleError(u.file);
            String kind = u.doc == null ? "unknown" : u.correlation() ? "correlation" : "detection";
            return new SigmaRuleReport(u.file, u.line, h == null ? u.rawId : h.id(), h == null ? u.rawTitle : h.title(), kind,
                    u.ok() && u.alerts(), h == null ? null : h.level(), h == null ? List.of() : h.tags(), why, u.ok() ? u.epl : null);
        }

        private static String raw(YamlNode node, String key) {
            return node instanceof YamlNode.Mapping m && m.get(key) instanceof YamlNode.Scalar s ? s.text() : null;
        }
    }
}
