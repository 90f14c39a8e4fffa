package io.trailsentry.cli;

/**
 * The one exit-code table of every command (README "Commands"): scripts and CI jobs branch on these.
 */
public final class ExitCode {

    /** Done, nothing to report. */
    public static final int OK = 0;
    /** Ran, and found something: a failing rule test, alerts over a gate, an output that could not be written. */
    public static final int FINDINGS = 1;
    /** The command line is wrong: an unknown option, a missing argument, a bad value. */
    public static final int USAGE = 2;
    /** The rules were refused: a rule or {@code stages.yaml} does not compile or lacks its metadata. */
    public static final int RULES_REFUSED = 3;
    /** The input could not be read: a missing file, or not one CloudTrail record in it. */
    public static final int INPUT_UNREADABLE = 4;

    /** The table as picocli prints it under each command's help. */
    static final String[] HELP = {
            "0:done",
            "1:findings (failing rule tests, more new alerts than --max-new-alerts, an output that could not be written)",
            "2:usage error",
            "3:rules refused (compile errors or missing metadata)",
            "4:input unreadable (missing, or no CloudTrail record in it)"};

    private ExitCode() {
    }
}
