package io.trailsentry.api;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One jar, several commands. {@code serve} (the default) boots Quarkus: HTTP ingest, the inbox
 * folder, {@code GET /alerts}. The batch commands run on plain Java without booting the server, so
 * they start fast and never compete with a running server for its port.
 */
@QuarkusMain
public final class TrailSentryMain {

    static final String USAGE = """
            usage: trailsentry <command> [options]
              serve                     run the server (default): POST /events, inbox folder, GET /alerts
              replay [--config FILE] [--alerts OUT.jsonl] [--ocsf FINDINGS.jsonl] [--dead-letter FILE] INPUT...
                                        process CloudTrail files/folders on event time and write alerts
              rules validate [--rules DIR]
                                        compile the rules and list their metadata
              rules test [--rules DIR] [PATH...]
                                        run the rules' sample-event tests (*.tests.yaml)
              bench [--events N] [--seed S] [--principals P] [--rounds R]
                                        benchmark: parse-only vs end-to-end events/s, ratio, peak heap
              bench --peers [--events N] [--rounds R]
                                        two rules on TrailSentry, Siddhi and plain Java: events/s, agreement
              sample --out PATH [--seed N] [--events N] [--format jsonl|jsonl.gz|s3] [--scenarios …]
                                        write synthetic CloudTrail (the bundled sample by default)
              help                      this text""";

    private TrailSentryMain() {
    }

    public static void main(String... args) {
        String command = args.length == 0 ? "serve" : args[0];
        List<String> rest = args.length == 0 ? List.of() : Arrays.asList(args).subList(1, args.length);
        switch (command) {
            case "serve" -> Quarkus.run(rest.toArray(String[]::new));
            case "replay" -> exit(new ReplayCommand(System.out, System.err).run(quietEngineLogs(rest)));
            case "rules" -> exit(new RulesCommand(System.out, System.err).run(quietEngineLogs(rest)));
            case "bench" -> exit(new BenchCommand(System.out, System.err).run(quietEngineLogs(rest)));
            case "sample" -> io.trailsentry.sample.SampleCommand.main(rest.toArray(String[]::new));
            case "help", "-h", "--help" -> System.out.println(USAGE);
            default -> {
                System.err.println("unknown command '" + command + "'\n" + USAGE);
                exit(2);
            }
        }
    }

    /** Esper logs every runtime start at INFO; a batch command's output should be its own summary. */
    private static List<String> quietEngineLogs(List<String> args) {
        Logger.getLogger("com.espertech").setLevel(Level.WARNING);
        return args;
    }

    private static void exit(int code) {
        System.out.flush();
        System.exit(code);
    }
}
