package io.trailsentry.engine.sigma;

import io.trailsentry.engine.RuleError;

import java.util.List;

/**
 * What became of one Sigma rule (one YAML document): compiled, and whether it alerts on its own, or
 * refused with where and why.
 *
 * @param kind    {@code detection} or {@code correlation}
 * @param alerts  true when the rule raises alerts itself; false for a rule that only feeds a
 *                correlation ({@code generate: false}, the default) or is refused
 * @param level   the Sigma level as written, or null
 * @param refusal why it is refused (file, line, column, construct and reason), or null when compiled
 * @param epl     the EPL generated for it (its statements, or for a rule that only feeds a correlation
 *                its filter), or null when refused
 */
public record SigmaRuleReport(String file, int line, String id, String title, String kind, boolean alerts, String level,
                              List<String> tags, RuleError refusal, String epl) {

    public SigmaRuleReport {
        tags = List.copyOf(tags);
    }

    public boolean compiled() {
        return refusal == null;
    }

    SigmaRuleReport refused(RuleError why) {
        return new SigmaRuleReport(file, line, id, title, kind, false, level, tags, why, null);
    }
}
