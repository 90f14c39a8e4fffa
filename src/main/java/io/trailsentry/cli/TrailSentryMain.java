package io.trailsentry.cli;

import io.quarkus.runtime.annotations.QuarkusMain;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One jar, several commands ({@link TrailSentryCommand}). {@code serve} (the default, and what runs
 * with no arguments) boots Quarkus: HTTP ingest, the inbox folder, {@code GET /alerts}. The batch
 * commands run on plain Java without booting the server, so they start fast and never compete with
 * a running server for its port.
 */
@QuarkusMain
public final class TrailSentryMain {

    TrailSentryMain() {
    }

    public static void main(String... args) {
        if (args.length == 0) {
            args = new String[] {"serve"};
        } else if (!args[0].equals("serve")) {
            // Esper logs every runtime start at INFO; a batch command's output should be its own summary.
            Logger.getLogger("com.espertech").setLevel(Level.WARNING);
        }
        int code = Cli.execute(new TrailSentryCommand(), System.out, System.err, List.of(args));
        System.out.flush();
        System.exit(code);
    }
}
