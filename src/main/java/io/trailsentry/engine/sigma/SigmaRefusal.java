package io.trailsentry.engine.sigma;

import io.trailsentry.engine.RuleError;

/**
 * A Sigma rule this compiler will not run, with where and why: the construct's name (a modifier,
 * a field, a correlation type, …), its line and column in the {@code .yml} file, and what to do.
 * Refusing is per rule: the rules around it still compile.
 */
public final class SigmaRefusal extends Exception {

    private final String construct;
    private final int line;
    private final int column;

    public SigmaRefusal(String construct, int line, int column, String message) {
        super(message);
        this.construct = construct;
        this.line = line;
        this.column = column;
    }

    SigmaRefusal(String construct, YamlNode at, String message) {
        this(construct, at == null ? 0 : at.line(), at == null ? 0 : at.column(), message);
    }

    /** The refused construct as written in Sigma, e.g. {@code |windash}, {@code keywords}, {@code value_sum}. */
    public String construct() {
        return construct;
    }

    public int line() {
        return line;
    }

    public int column() {
        return column;
    }

    /** {@code file:line:column: <construct>: message}, as the loader reports every rule error. */
    public RuleError toRuleError(String file) {
        return new RuleError(file, line, column, construct + ": " + getMessage());
    }
}
