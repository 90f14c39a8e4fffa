package io.trailsentry.engine.sigma;

import io.trailsentry.context.StageCatalog;

import io.trailsentry.engine.EsperEngine;
import io.trailsentry.engine.RuleError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What TrailSentry makes of a folder of Sigma rules (e.g. a checkout of SigmaHQ's
 * {@code rules/cloud/aws}), without touching a running engine: for each rule, compiled or refused
 * with file, line, construct and reason. A rule counts as compiled only when its generated EPL also
 * compiles, passes the rule sandbox and deploys with complete metadata in a scratch runtime.
 */
public final class SigmaImport {

    private SigmaImport() {
    }

    /**
     * The per-rule outcome and the totals.
     *
     * @param rules one report per Sigma document, in file order
     */
    public record Report(Path dir, List<SigmaRuleReport> rules, List<SigmaCompilation.SigmaModule> modules) {

        public Report {
            rules = List.copyOf(rules);
            modules = List.copyOf(modules);
        }

        public long compiled() {
            return rules.stream().filter(SigmaRuleReport::compiled).count();
        }

        public long refused() {
            return rules.size() - compiled();
        }

        /** Compiled rules as a share of all, 0–100. */
        public double compiledPercent() {
            return rules.isEmpty() ? 0 : 100.0 * compiled() / rules.size();
        }

        /** One line per rule and a total, as the import command prints it. */
        public List<String> lines() {
            List<String> out = new ArrayList<>();
            for (SigmaRuleReport r : rules) {
                String what = r.title() != null ? r.title() : r.id() != null ? r.id() : "(untitled)";
                if (r.compiled()) {
                    out.add("compiled  " + r.file() + ":" + r.line() + "  " + what
                            + (r.alerts() ? "" : "  (feeds a correlation only)"));
                } else {
                    out.add("refused   " + r.refusal().describe() + "  [" + what + "]");
                }
            }
            out.add(String.format(Locale.ROOT, "%d of %d Sigma rules compiled (%.1f %%), %d refused", compiled(), rules.size(),
                    compiledPercent(), refused()));
            return out;
        }
    }

    /** Compiles every Sigma rule under {@code dir}; never throws for a rule, only for an unreadable folder. */
    public static Report report(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException(dir + " is not a folder of Sigma rules");
        }
        SigmaCompilation compilation = SigmaCompiler.compileFolder(dir);
        // Imported rules are checked against the stage vocabulary TrailSentry ships.
        StageCatalog stages = StageCatalog.bundled();
        for (SigmaCompilation.SigmaModule module : compilation.modules()) {
            EsperEngine.Validation validation = EsperEngine.validate(module.epl(), module.relativePath(), stages);
            if (!validation.valid()) {
                RuleError first = validation.errors().get(0);
                compilation = compilation.withFileRefused(module.relativePath(), first);
            }
        }
        return new Report(dir, compilation.rules(), compilation.modules());
    }
}
