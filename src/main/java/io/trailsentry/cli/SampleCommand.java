package io.trailsentry.sample;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Command-line entry point: writes a sample and prints one summary line. With no size options it writes
 * exactly the bundled sample ({@link SampleSpec#bundled()}).
 *
 * <pre>
 * SampleCommand --out PATH [--seed N] [--events N] [--eps R] [--format jsonl|jsonl.gz|s3]
 *               [--scenarios burst,straddle,chain,lowslow|none]
 * </pre>
 */
public final class SampleCommand {

    static final String USAGE = "usage: SampleCommand --out PATH [--seed N] [--events N] [--eps R] "
            + "[--format jsonl|jsonl.gz|s3] [--scenarios burst,straddle,chain,lowslow|none]";
    /** Business-hours rate used when --events is given without --eps: about 2 M events a weekday. */
    static final double DEFAULT_SIZED_EPS = 50;

    private SampleCommand() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** @return the process exit code: 0 done, 2 bad arguments, 1 failed to write */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        }
        SampleSpec spec = options.spec();
        SampleGenerator generator = new SampleGenerator(spec);
        try {
            WriteSummary s = switch (options.format()) {
                case "jsonl" -> generator.writeJsonLines(options.out(), false);
                case "jsonl.gz" -> generator.writeJsonLines(options.out(), true);
                default -> generator.writeS3DeliveryFiles(options.out());
            };
            out.printf("wrote %d records (%d background, %d injected: %s) %s..%s seed %d to %s (%d file%s, %d bytes)%n",
                    s.records(), s.background(), s.injected(), options.scenarioNames(), spec.start(), spec.end(),
                    spec.seed(), options.out(), s.files(), s.files() == 1 ? "" : "s", s.bytes());
            return 0;
        } catch (IOException e) {
            err.println("could not write " + options.out() + ": " + e + " (check the path exists and is writable)");
            return 1;
        }
    }

    /** Parsed arguments. {@code events} is null unless --events was given. */
    record Options(Path out, long seed, Long events, Double eps, String format, List<String> scenarioNames) {

        static Options parse(String[] args) {
            Path out = null;
            long seed = SampleSpec.DEFAULT_SEED;
            Long events = null;
            Double eps = null;
            String format = "jsonl";
            List<String> scenarios = List.of("burst", "chain");
            for (int i = 0; i < args.length; i++) {
                String flag = args[i];
                if (i + 1 >= args.length) throw new IllegalArgumentException("missing value after " + flag);
                String value = args[++i];
                switch (flag) {
                    case "--out" -> out = Path.of(value);
                    case "--seed" -> seed = number(flag, value);
                    case "--events" -> events = number(flag, value);
                    case "--eps" -> eps = Double.parseDouble(value);
                    case "--format" -> {
                        if (!List.of("jsonl", "jsonl.gz", "s3").contains(value)) {
                            throw new IllegalArgumentException("--format must be jsonl, jsonl.gz or s3, got " + value);
                        }
                        format = value;
                    }
                    case "--scenarios" -> scenarios = value.equals("none") ? List.of() : List.of(value.split(","));
                    default -> throw new IllegalArgumentException("unknown option " + flag);
                }
            }
            if (out == null) throw new IllegalArgumentException("--out is required");
            if (eps != null && events == null) throw new IllegalArgumentException("--eps only applies with --events");
            for (String s : scenarios) scenario(s, Instant.EPOCH); // reject unknown names before writing anything
            return new Options(out, seed, events, eps, format, scenarios);
        }

        private static long number(String flag, String value) {
            try {
                return Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(flag + " needs a whole number, got " + value);
            }
        }

        /**
         * The bundled spec, re-seeded, unless --events asks for a size. Scenarios the bundled sample does not
         * hold are placed relative to its start so the default output stays the bundled file.
         */
        SampleSpec spec() {
            SampleSpec bundled = SampleSpec.bundled();
            Instant start = bundled.start();
            List<Scenario> chosen = new ArrayList<>();
            for (String name : scenarioNames) {
                chosen.add(switch (name) {
                    case "burst" -> bundled.scenarios().get(0);
                    case "chain" -> bundled.scenarios().get(1);
                    default -> scenario(name, start);
                });
            }
            if (events == null) return bundled.withSeed(seed).withScenarios(chosen);
            return SampleSpec.sizedFor(seed, start, events, eps == null ? DEFAULT_SIZED_EPS : eps,
                    bundled.backgroundPrincipals(), chosen);
        }

        private static Scenario scenario(String name, Instant start) {
            return switch (name) {
                case "burst" -> new EnumerationBurst("build-bot", start.plus(Duration.ofMinutes(16)), "203.0.113.42");
                // 17:15 + 35 min = 17:50, a bin edge; any start on a 5-minute mark stays aligned.
                case "straddle" -> new StraddlingBurst("legacy-reporting",
                        Instant.ofEpochSecond(Math.floorDiv(start.plus(Duration.ofMinutes(35)).getEpochSecond(), 600) * 600),
                        "203.0.113.57");
                case "chain" -> new PrivilegeEscalationChain("marketing-uploader", start.plus(Duration.ofMinutes(47)),
                        "203.0.113.99");
                case "lowslow" -> new LowAndSlow("qa-readonly", start.plus(Duration.ofMinutes(20)), "203.0.113.150");
                default -> throw new IllegalArgumentException("unknown scenario " + name
                        + ": use burst, straddle, chain, lowslow or none");
            };
        }
    }
}
