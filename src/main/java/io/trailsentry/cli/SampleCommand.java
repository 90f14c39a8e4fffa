package io.trailsentry.cli;

import io.trailsentry.sample.SampleGenerator;
import io.trailsentry.sample.SampleRequest;
import io.trailsentry.sample.SampleSpec;
import io.trailsentry.sample.WriteSummary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code sample}: writes synthetic CloudTrail and prints one summary line. With no size options it
 * writes exactly the bundled sample ({@link SampleSpec#bundled()}).
 */
@Command(name = "sample", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Write synthetic CloudTrail: the bundled sample by default, or a sized stream with attacks injected.",
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:written", "1:could not write", "2:usage error"})
public final class SampleCommand implements Callable<Integer> {

    /** Output shapes: JSON lines, gzipped JSON lines, or S3 delivery files in an AWSLogs/ tree. */
    enum Format {
        jsonl, jsonl_gz, s3;

        static Format parse(String text) {
            return switch (text) {
                case "jsonl" -> jsonl;
                case "jsonl.gz" -> jsonl_gz;
                case "s3" -> s3;
                default -> throw new IllegalArgumentException("--format must be jsonl, jsonl.gz or s3, got " + text);
            };
        }
    }

    @Option(names = "--out", required = true, paramLabel = "PATH", description = "file (jsonl, jsonl.gz) or folder (s3) to write")
    Path out;

    @Option(names = "--seed", paramLabel = "N", description = "random seed (default: the bundled sample's)")
    long seed = SampleSpec.DEFAULT_SEED;

    @Option(names = "--events", paramLabel = "N", description = "background records to generate instead of the bundled hour")
    Long events;

    @Option(names = "--eps", paramLabel = "R", description = "background rate with --events (default " + SampleRequest.DEFAULT_SIZED_EPS + "/s)")
    Double eps;

    @Option(names = "--format", paramLabel = "jsonl|jsonl.gz|s3", converter = FormatConverter.class, description = "default jsonl")
    Format format = Format.jsonl;

    @Option(names = "--scenarios", paramLabel = "LIST", split = ",",
            description = "attacks to inject: burst, straddle, chain, lowslow, or none (default burst,chain)")
    List<String> scenarios = List.of("burst", "chain");

    private final PrintStream stdout;
    private final PrintStream stderr;

    public SampleCommand() {
        this(System.out, System.err);
    }

    SampleCommand(PrintStream stdout, PrintStream stderr) {
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Parses and runs on the given streams (tests). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        return Cli.execute(new SampleCommand(out, err), out, err, List.of(args));
    }

    @Override
    public Integer call() {
        SampleRequest request;
        try {
            request = new SampleRequest(seed, events, eps, scenarios.equals(List.of("none")) ? List.of() : scenarios);
        } catch (IllegalArgumentException e) {
            stderr.println(e.getMessage());
            return ExitCode.USAGE;
        }
        SampleSpec spec = request.spec();
        SampleGenerator generator = new SampleGenerator(spec);
        try {
            WriteSummary s = switch (format) {
                case jsonl -> generator.writeJsonLines(out, false);
                case jsonl_gz -> generator.writeJsonLines(out, true);
                case s3 -> generator.writeS3DeliveryFiles(out);
            };
            stdout.printf("wrote %d records (%d background, %d injected: %s) %s..%s seed %d to %s (%d file%s, %d bytes)%n",
                    s.records(), s.background(), s.injected(), request.scenarioNames(), spec.start(), spec.end(),
                    spec.seed(), out, s.files(), s.files() == 1 ? "" : "s", s.bytes());
            return ExitCode.OK;
        } catch (IOException e) {
            stderr.println("could not write " + out + ": " + e + " (check the path exists and is writable)");
            return ExitCode.FINDINGS;
        }
    }

    static final class FormatConverter implements picocli.CommandLine.ITypeConverter<Format> {
        @Override
        public Format convert(String value) {
            return Format.parse(value);
        }
    }
}
