package io.trailsentry.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Rule sets of any size for the rule-count table, in the shapes the shipped rules have, so that what
 * the table shows is how Esper's cost grows with the number of such rules:
 * <ul>
 *   <li>nine in ten are <b>single-call rules</b>, one per call that changes something among those the
 *       shipped rules name (equality on {@code eventName} and {@code eventSource} first, so Esper's
 *       filter index routes each event to the few rules of its call; then the usual {@code errorCode},
 *       {@code serviceCall}, {@code actorKey} tests). Past one rule per call, the next rounds are
 *       variants of the same call: denied, by the root user, from an unknown network, in a region;</li>
 *   <li>one in ten is a <b>window rule grouped by actor</b>: reads of one service (the calls everyday
 *       traffic is made of, which a single-call rule would flag by the thousand) in a sliding window,
 *       firing once per actor and window when the actor's count reaches a threshold.</li>
 * </ul>
 * The calls, with each one's stage and MITRE mapping, are read from the shipped rules folder (the
 * {@code CloudTrailEvent(…)} filters that name an {@code eventSource} and event names): the calls a
 * detection engineer cares about, and the ones the input's attacks make. A regex, not Esper's parser:
 * this only picks a vocabulary, and a filter it misses only makes the vocabulary smaller. The same
 * folder always gives the same rules, so the rule cache serves them from the second run on.
 */
final class GeneratedRules {

    /** One call the shipped rules name, with the stage and MITRE mapping of the first rule naming it. */
    record Call(String eventSource, String eventName, String stage, String mitre) {
    }

    private static final Pattern FILTER_START = Pattern.compile("CloudTrailEvent\\(");
    private static final Pattern SOURCE = Pattern.compile("eventSource\\s*=\\s*'([a-z0-9.-]+)'");
    private static final Pattern NAME_EQUALS = Pattern.compile("eventName\\s*=\\s*'([A-Za-z0-9]+)'");
    private static final Pattern NAME_IN = Pattern.compile("eventName\\s+in\\s*\\(([^)]*)\\)");
    private static final Pattern QUOTED = Pattern.compile("'([A-Za-z0-9]+)'");
    private static final Pattern STAGE = Pattern.compile("@Tag\\(name='stage',\\s*value='([^']+)'\\)");
    private static final Pattern MITRE = Pattern.compile("@Tag\\(name='mitre',\\s*value='([^']+)'\\)");
    private static final Pattern COMMENTS = Pattern.compile("//[^\\n]*|/\\*.*?\\*/", Pattern.DOTALL);
    /** Data the rules folder carries beside its rules, copied so the generated set loads like the shipped one. */
    private static final List<String> DATA_FILES = List.of("stages.yaml", "scoring.yaml", "allowlist.yaml");
    private static final String[] DENIED = {"AccessDenied", "Client.UnauthorizedOperation", "AccessDeniedException"};
    /**
     * Reads and the data plane: what everyday traffic is made of. A rule per such call would fire on
     * most events, which no rule set does; they are counted in windows instead.
     */
    private static final Pattern EVERYDAY = Pattern.compile(
            "(Get|List|Describe|Head|Lookup|Search|BatchGet|Scan|Query|Select|Filter|Check|Validate|Simulate|Generate|Decrypt|Encrypt"
                    + "|ReEncrypt|Invoke|AssumeRole|ConsoleLogin|PutObject|CopyObject|DeleteObject|PutMetricData|PutLogEvents).*");

    private GeneratedRules() {
    }

    /** The calls the {@code .epl} files of {@code rulesDir} filter on, sorted by service and name. */
    static List<Call> vocabulary(Path rulesDir) throws IOException {
        Map<String, Call> calls = new TreeMap<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(rulesDir)) {
            files = list.filter(f -> f.getFileName().toString().endsWith(".epl")).sorted().toList();
        }
        for (Path file : files) {
            String text = COMMENTS.matcher(Files.readString(file, StandardCharsets.UTF_8)).replaceAll("");
            Matcher stage = STAGE.matcher(text);
            Matcher mitre = MITRE.matcher(text);
            if (!stage.find() || !mitre.find()) {
                continue;
            }
            Matcher start = FILTER_START.matcher(text);
            while (start.find()) {
                String filter = enclosed(text, start.end());
                Matcher source = SOURCE.matcher(filter);
                if (!source.find()) {
                    continue;
                }
                List<String> names = new ArrayList<>();
                Matcher equals = NAME_EQUALS.matcher(filter);
                while (equals.find()) {
                    names.add(equals.group(1));
                }
                Matcher in = NAME_IN.matcher(filter);
                while (in.find()) {
                    Matcher quoted = QUOTED.matcher(in.group(1));
                    while (quoted.find()) {
                        names.add(quoted.group(1));
                    }
                }
                for (String name : names) {
                    calls.putIfAbsent(source.group(1) + " " + name,
                            new Call(source.group(1), name, stage.group(1).split(",")[0].trim(), mitre.group(1).trim()));
                }
            }
        }
        return List.copyOf(calls.values());
    }

    /** The text from {@code from} to the parenthesis that closes the one before it. */
    private static String enclosed(String text, int from) {
        int depth = 1;
        int i = from;
        while (i < text.length() && depth > 0) {
            char c = text.charAt(i++);
            depth += c == '(' ? 1 : c == ')' ? -1 : 0;
        }
        return text.substring(from, Math.max(from, i - 1));
    }

    /**
     * Writes {@code count} rules (one file each) and the rules folder's data files into {@code into}:
     * a rules folder of its own.
     *
     * @return the rules written, by file name
     */
    static Map<String, String> write(Path shippedRules, int count, Path into) throws IOException {
        Map<String, String> rules = writeRules(shippedRules, count, into);
        for (String data : DATA_FILES) {
            Path file = shippedRules.resolve(data);
            if (Files.exists(file)) {
                Files.copy(file, into.resolve(data), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return rules;
    }

    /** Writes {@code count} rules (one file each) into {@code into}, which may be inside another rules folder. */
    static Map<String, String> writeRules(Path shippedRules, int count, Path into) throws IOException {
        List<Call> calls = vocabulary(shippedRules);
        if (calls.isEmpty()) {
            throw new IllegalStateException("no CloudTrailEvent(eventSource = … and eventName …) filter found in " + shippedRules
                    + ": the generated rules take their calls from the shipped ones");
        }
        Files.createDirectories(into);
        Map<String, String> rules = rules(calls, count);
        for (Map.Entry<String, String> rule : rules.entrySet()) {
            Files.writeString(into.resolve(rule.getKey()), rule.getValue(), StandardCharsets.UTF_8);
        }
        return rules;
    }

    /** Whether a call is a read or a data-plane call, which single-call rules leave to window rules. */
    static boolean everyday(Call call) {
        return EVERYDAY.matcher(call.eventName()).matches();
    }

    /** {@code count} rules over {@code calls}: file name to EPL text. */
    static Map<String, String> rules(List<Call> calls, int count) {
        List<Call> changes = calls.stream().filter(c -> !everyday(c)).toList();
        Map<String, List<Call>> readsByService = new TreeMap<>();
        for (Call call : calls) {
            if (everyday(call)) {
                readsByService.computeIfAbsent(call.eventSource(), s -> new ArrayList<>()).add(call);
            }
        }
        if (changes.isEmpty() || readsByService.isEmpty()) {
            throw new IllegalStateException("the shipped rules name " + changes.size() + " calls that change something and "
                    + readsByService.size() + " services' reads; the generated rules need both");
        }
        List<String> services = List.copyOf(readsByService.keySet());
        int windows = count / 10;
        Map<String, String> rules = new LinkedHashMap<>();
        for (int i = 0; i < count - windows; i++) {
            Call call = changes.get(i % changes.size());
            String name = call.stage() + "_bench_call_" + number(i);
            rules.put(name + ".epl", singleCall(name, call, i / changes.size(), i));
        }
        for (int j = 0; j < windows; j++) {
            List<Call> ofService = readsByService.get(services.get(j % services.size()));
            int round = j / services.size();
            List<Call> chosen = new ArrayList<>();
            for (int k = 0; k < Math.min(4, ofService.size()); k++) {
                chosen.add(ofService.get((round * 4 + k) % ofService.size()));
            }
            String name = chosen.get(0).stage() + "_bench_window_" + number(j);
            rules.put(name + ".epl", window(name, chosen, round));
        }
        return rules;
    }

    private static String number(int i) {
        return String.format(Locale.ROOT, "%04d", i + 1);
    }

    /** A single-call rule; {@code variant} 0 is the successful call, the next ones narrow it otherwise. */
    private static String singleCall(String name, Call call, int variant, int i) {
        String condition = switch (variant) {
            case 0 -> "errorCode is null and serviceCall = false and actorKey is not null";
            case 1 -> "errorCode in ('" + String.join("', '", DENIED) + "') and serviceCall = false";
            case 2 -> "userIdentityType = 'Root'";
            case 3 -> "errorCode is null and unknownIp = true and actorKey is not null";
            default -> "errorCode is null and awsRegion = 'bench-region-" + variant + "' and actorKey is not null";
        };
        String what = switch (variant) {
            case 0 -> "A successful";
            case 1 -> "A denied";
            case 2 -> "The root user's";
            case 3 -> "From an unknown network, a successful";
            default -> "In region bench-region-" + variant + ", a successful";
        };
        String service = call.eventSource().substring(0, call.eventSource().indexOf('.'));
        return header(name, what + " " + service + ":" + call.eventName() + " (generated for the rule-count benchmark).",
                "Bench call " + number(i) + ": " + call.eventName(), "Low", call, true)
                + "select e as trigger\n"
                + "from CloudTrailEvent(eventName = '" + call.eventName() + "' and eventSource = '" + call.eventSource() + "'\n"
                + "                     and " + condition + ") as e;\n";
    }

    /**
     * A window rule: an actor's calls to a few read APIs of one service within 10 (or 5) minutes,
     * firing once per actor and window when the count reaches a threshold.
     */
    private static String window(String name, List<Call> calls, int round) {
        int threshold = 50 + 25 * (round % 3);
        String minutes = round % 2 == 0 ? "10 min" : "5 min";
        List<String> names = calls.stream().map(Call::eventName).distinct().toList();
        Call first = calls.get(0);
        return header(name, threshold + " calls of " + String.join(", ", names) + " by one actor within " + minutes
                        + " (generated for the rule-count benchmark).",
                "Bench window " + name.substring(name.lastIndexOf('_') + 1) + ": " + first.eventSource(), "Medium", first, false)
                + "select e as trigger, count(*) as eventCount\n"
                + "from CloudTrailEvent(eventSource = '" + first.eventSource() + "' and eventName in ('" + String.join("', '", names) + "')\n"
                + "                     and serviceCall = false and actorKey is not null)#time(" + minutes + ") as e\n"
                + "group by e.actorKey\n"
                + "having count(*) >= " + threshold + "\n"
                + "output first every " + minutes + ";\n";
    }

    private static String header(String name, String description, String displayName, String severity, Call call, boolean buildingBlock) {
        return "// " + displayName + "\n"
                + "//\n"
                + "// Generated by bin/trailsentry bench (rule-count table) from the shipped rules' calls; not a detection.\n\n"
                + "@Name('" + name + "')\n"
                + "@Description('" + description.replace("'", "") + "')\n"
                + "@Tag(name='id', value='" + UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)) + "')\n"
                + "@Tag(name='name', value='" + displayName + "')\n"
                + "@Tag(name='severity', value='" + severity + "')\n"
                + "@Tag(name='stage', value='" + call.stage() + "')\n"
                + "@Tag(name='mitre', value='" + call.mitre() + "')\n"
                + (buildingBlock ? "@Tag(name='alert', value='building-block')\n" : "")
                + "@Tag(name='version', value='1.0.0')\n";
    }
}
