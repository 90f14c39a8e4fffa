package io.trailsentry.engine.sigma;

import io.trailsentry.engine.RuleError;

import java.util.List;

/**
 * The Sigma rules of a folder compiled to EPL: one module per {@code .yml} file that has something
 * to run, and a report per rule (refusals included).
 */
public record SigmaCompilation(List<SigmaModule> modules, List<SigmaRuleReport> rules) {

    public SigmaCompilation {
        modules = List.copyOf(modules);
        rules = List.copyOf(rules);
    }

    public List<RuleError> refusals() {
        return rules.stream().filter(r -> !r.compiled()).map(SigmaRuleReport::refusal).toList();
    }

    /**
     * One generated EPL module.
     *
     * @param relativePath the {@code .yml} file, relative to the rules folder (also the deployment id)
     * @param epl          the generated module text; its hash decides whether a reload redeploys it
     */
    public record SigmaModule(String relativePath, String epl) {
    }

    /** This compilation with every rule of {@code file} refused for {@code why} (its generated EPL did not compile). */
    public SigmaCompilation withFileRefused(String file, RuleError why) {
        return new SigmaCompilation(modules.stream().filter(m -> !m.relativePath().equals(file)).toList(),
                rules.stream().map(r -> r.file().equals(file) && r.compiled() ? r.refused(new RuleError(file, r.line(), 0,
                        "generated EPL: " + why.message())) : r).toList());
    }
}
