package io.trailsentry.cli;

import picocli.CommandLine;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs a command with picocli on given streams: what {@code main} and the tests share. */
final class Cli {

    private Cli() {
    }

    /** Parses {@code args} into {@code command} (a fresh instance) and runs it; usage errors exit {@link ExitCode#USAGE}. */
    static int execute(Object command, PrintStream out, PrintStream err, List<String> args) {
        CommandLine line = commandLine(command, out, err);
        int code = line.execute(args.toArray(String[]::new));
        line.getOut().flush();
        line.getErr().flush();
        return code;
    }

    static CommandLine commandLine(Object command, PrintStream out, PrintStream err) {
        CommandLine line = new CommandLine(command);
        line.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        line.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        line.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + e.getMessage()));
            return ExitCode.FINDINGS;
        });
        return line;
    }
}
