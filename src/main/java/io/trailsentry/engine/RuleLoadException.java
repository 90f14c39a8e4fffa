package io.trailsentry.engine;

import java.util.List;
import java.util.stream.Collectors;

/** The rule set did not compile or deploy; nothing of it was swapped in. */
public final class RuleLoadException extends Exception {

    private final transient List<RuleError> errors;

    public RuleLoadException(List<RuleError> errors) {
        super(errors.stream().map(RuleError::describe).collect(Collectors.joining("\n")));
        this.errors = List.copyOf(errors);
    }

    public List<RuleError> errors() {
        return errors;
    }
}
