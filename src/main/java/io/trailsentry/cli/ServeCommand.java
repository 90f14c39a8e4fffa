package io.trailsentry.cli;

import io.quarkus.runtime.Quarkus;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code serve}: boots the server (Quarkus) and runs until it is stopped. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Run the server: POST /events, the inbox folder, GET /alerts, the SOC console, hot-reloaded rules.",
                "Configuration: application.properties, TRAILSENTRY_* environment variables, -D system properties (docs/operations.md Configuration)."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:stopped", "1:failed to start"})
final class ServeCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        Quarkus.run();
        return ExitCode.OK;
    }
}
