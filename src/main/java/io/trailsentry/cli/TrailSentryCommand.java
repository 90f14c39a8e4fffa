package io.trailsentry.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code trailsentry <command>}: the commands of the one jar; {@code bin/trailsentry} is its launcher. */
@Command(name = "trailsentry", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Real-time CloudTrail detection on Esper. With no command: serve.",
        subcommands = {ServeCommand.class, ReplayCommand.class, RulesCommand.class, SampleCommand.class,
                picocli.CommandLine.HelpCommand.class},
        footerHeading = "%n", footer = {"Benchmarks run from the launcher, outside this jar: bin/trailsentry bench --help"},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {
                "0:done", "1:findings", "2:usage error", "3:rules refused", "4:input unreadable"})
public final class TrailSentryCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return ExitCode.OK;
    }
}
