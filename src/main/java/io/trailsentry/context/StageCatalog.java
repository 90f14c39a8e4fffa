package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.trailsentry.ingest.CloudTrailEvent;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The one stage vocabulary, read from {@code epl/stages.yaml}: every attack stage with its place on
 * the ladder (file order), ATT&amp;CK mapping, ladder tier and points, and the API calls that belong
 * to it. Rule metadata checks, the context stage, the scorer, the alert factory and the console all
 * read it from here; no stage list is written in Java.
 * <pre>
 * stages:
 *   - key: credential_access
 *     name: Credential access
 *     abbreviation: CA
 *     mitre: TA0006:T1552.005
 *     tier: critical
 *     points: 25
 *     calls:
 *       - secretsmanager:GetSecretValue
 *       - ssm:GetParameter*  if withDecryption=true
 * </pre>
 * A call pattern is {@code <service>:<EventName>} with {@code *} wildcards, the service being
 * {@code eventSource} without {@code .amazonaws.com}; an optional {@code if field=value} tests a
 * top-level field of {@code requestParameters}. A call may belong to several stages.
 */
public final class StageCatalog {

    /** The file name the catalog has in a rules folder. */
    public static final String FILE_NAME = "stages.yaml";
    /** The catalog shipped in the jar (a build-time copy of {@code epl/stages.yaml}), for rule folders without one. */
    private static final String BUNDLED = "/trailsentry/stages.yaml";

    /**
     * Where a stage puts an incident on the severity ladder on its own: {@code low} (Low, Medium with
     * enough suspicious context), {@code medium}, {@code high}, or {@code critical} (High alone,
     * Critical together with any other stage).
     */
    public enum Tier {
        LOW, MEDIUM, HIGH, CRITICAL;

        static Tier parse(String text) {
            for (Tier t : values()) {
                if (t.name().equalsIgnoreCase(text.trim())) {
                    return t;
                }
            }
            throw new IllegalArgumentException("tier '" + text + "' is not one of low, medium, high, critical");
        }

        public String lowerCase() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One stage.
     *
     * @param key          what rules ({@code @Tag(name='stage', …)}), events and incidents call it
     * @param abbreviation two letters for the console's ladder
     * @param mitre        {@code TA0006:T1552.005}: the stage's tactic, and the technique an incident
     *                     reaching it names (checked by the rule loader)
     * @param line         where it is declared, for errors
     */
    public record Stage(String key, String name, String abbreviation, String mitre, Tier tier, int points, int line) {
    }

    private record Entry(String stage, Pattern pattern, String conditionField, String conditionValue) {
    }

    private static final String[] NONE = new String[0];
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern KEY = Pattern.compile("[a-z][a-z_]*");
    private static final Pattern CALL = Pattern.compile("[A-Za-z0-9*.-]+:[A-Za-z0-9*]+");
    private static final Pattern MITRE = Pattern.compile("TA\\d{4}:T\\d{4}(\\.\\d{3})?");

    private final String source;
    private final List<Stage> stages;
    private final Map<String, Stage> byKey;
    private final List<Entry> entries;
    /**
     * What the catalogue says of each (source, name) seen, per eventSource then eventName: the stages
     * it has whatever the request, and the entries whose request-field condition decides the rest.
     * Matching every entry's pattern is done once per call name; a call with conditions then only
     * checks its own. The set of API names is finite, so this stays small. Keyed by the parsed strings
     * themselves (the parser shares one instance per value, whose hash is computed once) rather than a
     * "service:name" string built for every event.
     */
    private final Map<String, Map<String, Resolution>> cache = new ConcurrentHashMap<>();

    private record Resolution(String[] unconditional, List<Entry> conditional) {
    }

    private StageCatalog(String source, List<Stage> stages, List<Entry> entries) {
        this.source = source;
        this.stages = List.copyOf(stages);
        Map<String, Stage> keyed = new LinkedHashMap<>();
        stages.forEach(s -> keyed.put(s.key(), s));
        this.byKey = Map.copyOf(keyed);
        this.entries = List.copyOf(entries);
    }

    /**
     * The catalog of a rules folder: its {@code stages.yaml}, or the bundled one when it has none
     * (rule folders made for tests and experiments need not copy it).
     *
     * @throws DataFileException naming the file and line of what is wrong
     */
    public static StageCatalog forRulesFolder(Path rulesDir) {
        Path file = rulesDir.resolve(FILE_NAME);
        return Files.isRegularFile(file) ? read(file) : bundled();
    }

    /** The catalog shipped in the jar (immutable, read once). */
    public static StageCatalog bundled() {
        return Bundled.CATALOG;
    }

    private static final class Bundled {
        static final StageCatalog CATALOG = readBundled();
    }

    private static StageCatalog readBundled() {
        InputStream in = StageCatalog.class.getResourceAsStream(BUNDLED);
        if (in == null) {
            throw new IllegalStateException("the jar has no " + BUNDLED + " (the build copies epl/stages.yaml there)");
        }
        String name = "(bundled) " + FILE_NAME;
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return parse(name, YamlFiles.compose(reader, name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @throws DataFileException naming the file and line of what is wrong */
    public static StageCatalog read(Path file) {
        return parse(file.toString(), YamlFiles.compose(file));
    }

    private static StageCatalog parse(String file, Node root) {
        if (!(root instanceof MappingNode top)) {
            throw new DataFileException(file, root == null ? 0 : YamlFiles.line(root), "expected a mapping with a 'stages:' list");
        }
        Node list = value(top, "stages");
        if (!(list instanceof SequenceNode sequence)) {
            throw new DataFileException(file, YamlFiles.line(top), "expected 'stages:' with a list of stages (key, name, abbreviation, mitre, tier, points, calls)");
        }
        List<Stage> stages = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>();
        for (Node item : sequence.getValue()) {
            if (!(item instanceof MappingNode stageNode)) {
                throw new DataFileException(file, YamlFiles.line(item), "a stage is a mapping of key, name, abbreviation, mitre, tier, points, calls");
            }
            Stage stage = stage(file, stageNode);
            if (!keys.add(stage.key())) {
                throw new DataFileException(file, stage.line(), "stage '" + stage.key() + "' is declared twice");
            }
            stages.add(stage);
            Node calls = value(stageNode, "calls");
            if (calls != null) {
                if (!(calls instanceof SequenceNode callList)) {
                    throw new DataFileException(file, YamlFiles.line(calls), "'calls' of stage '" + stage.key() + "' must be a list of <service>:<EventName> patterns");
                }
                for (Node call : callList.getValue()) {
                    entries.add(entry(file, stage.key(), call));
                }
            }
        }
        if (stages.isEmpty()) {
            throw new DataFileException(file, YamlFiles.line(sequence), "no stages declared");
        }
        return new StageCatalog(file, stages, entries);
    }

    private static Stage stage(String file, MappingNode node) {
        for (NodeTuple tuple : node.getValue()) {
            String name = scalar(tuple.getKeyNode());
            if (!Set.of("key", "name", "abbreviation", "mitre", "tier", "points", "calls").contains(name)) {
                throw new DataFileException(file, YamlFiles.line(tuple.getKeyNode()), "unknown stage field '" + name
                        + "' (fields: key, name, abbreviation, mitre, tier, points, calls)");
            }
        }
        int line = YamlFiles.line(node);
        String key = required(file, node, "key");
        if (!KEY.matcher(key).matches()) {
            throw new DataFileException(file, line, "stage key '" + key + "' must be lower_snake_case");
        }
        String mitre = required(file, node, "mitre");
        if (!MITRE.matcher(mitre).matches()) {
            throw new DataFileException(file, YamlFiles.line(value(node, "mitre")), "mitre '" + mitre + "' of stage '" + key
                    + "' must look like TA0007:T1580 (tactic id : technique id)");
        }
        Tier tier;
        try {
            tier = Tier.parse(required(file, node, "tier"));
        } catch (IllegalArgumentException e) {
            throw new DataFileException(file, YamlFiles.line(value(node, "tier")), "stage '" + key + "': " + e.getMessage());
        }
        int points;
        try {
            points = Integer.parseInt(required(file, node, "points"));
        } catch (NumberFormatException e) {
            throw new DataFileException(file, YamlFiles.line(value(node, "points")), "points of stage '" + key + "' must be a whole number");
        }
        String abbreviation = required(file, node, "abbreviation");
        // Interned: the event's in<Stage> getters compare against string constants, identity first.
        return new Stage(key.intern(), required(file, node, "name"), abbreviation, mitre, tier, points, line);
    }

    private static Entry entry(String file, String stage, Node node) {
        String text = scalar(node);
        int line = YamlFiles.line(node);
        String pattern = text.trim();
        String field = null;
        String value = null;
        int ifAt = pattern.indexOf(" if ");
        if (ifAt > 0) {
            String condition = pattern.substring(ifAt + 4).trim();
            pattern = pattern.substring(0, ifAt).trim();
            int eq = condition.indexOf('=');
            if (eq <= 0) {
                throw new DataFileException(file, line, "'" + text + "': a condition is 'if field=value'");
            }
            field = condition.substring(0, eq).trim();
            value = condition.substring(eq + 1).trim();
        }
        if (!CALL.matcher(pattern).matches()) {
            throw new DataFileException(file, line, "'" + text + "' is not <service>:<EventName> (wildcards: *)");
        }
        return new Entry(stage, Pattern.compile(pattern.replace(".", "\\.").replace("*", ".*")), field, value);
    }

    private static Node value(MappingNode node, String key) {
        for (NodeTuple tuple : node.getValue()) {
            if (key.equals(scalar(tuple.getKeyNode()))) {
                return tuple.getValueNode();
            }
        }
        return null;
    }

    private static String required(String file, MappingNode node, String key) {
        Node value = value(node, key);
        String text = value instanceof ScalarNode ? scalar(value).trim() : "";
        if (text.isEmpty()) {
            throw new DataFileException(file, value == null ? YamlFiles.line(node) : YamlFiles.line(value), "stage needs '" + key + "'");
        }
        return text;
    }

    private static String scalar(Node node) {
        return node instanceof ScalarNode s ? s.getValue() : "";
    }

    /** Where the catalog was read from. */
    public String source() {
        return source;
    }

    /** Every stage, in ladder (kill-chain) order. */
    public List<Stage> stages() {
        return stages;
    }

    /** Every stage key, in ladder order. */
    public List<String> keys() {
        return stages.stream().map(Stage::key).toList();
    }

    public Optional<Stage> find(String key) {
        return Optional.ofNullable(key == null ? null : byKey.get(key));
    }

    /** The first stage (in ladder order) whose ATT&amp;CK tactic is {@code tacticId}, e.g. TA0007 → discovery. */
    public Optional<String> stageForTactic(String tacticId) {
        return stages.stream().filter(s -> s.mitre().startsWith(tacticId + ":")).map(Stage::key).findFirst();
    }

    public boolean contains(String key) {
        return key != null && byKey.containsKey(key);
    }

    /** Position on the ladder, or {@link Integer#MAX_VALUE} for an unknown key. */
    public int order(String key) {
        Stage stage = byKey.get(key);
        return stage == null ? Integer.MAX_VALUE : stages.indexOf(stage);
    }

    /** {@code keys} in ladder order, unknown ones left out. */
    public List<String> inLadderOrder(java.util.Collection<String> keys) {
        return stages.stream().map(Stage::key).filter(keys::contains).toList();
    }

    /** The stages of this call, in ladder order; empty when it is in none. */
    public String[] stagesOf(CloudTrailEvent e) {
        String source = e.getEventSource() == null ? "" : e.getEventSource();
        String name = e.getEventName() == null ? "" : e.getEventName();
        Map<String, Resolution> byName = cache.get(source);
        Resolution resolution = byName == null ? null : byName.get(name);
        if (resolution == null) {
            resolution = resolve(service(e.getEventSource()) + ":" + e.getEventName());
            if (cache.size() < 10_000 && (byName == null || byName.size() < 10_000)) {
                cache.computeIfAbsent(source, s -> new ConcurrentHashMap<>()).put(name, resolution);
            }
        }
        if (resolution.conditional().isEmpty()) {
            return resolution.unconditional();
        }
        Set<String> matched = new LinkedHashSet<>(java.util.Arrays.asList(resolution.unconditional()));
        JsonNode parameters = parameters(e);
        for (Entry entry : resolution.conditional()) {
            JsonNode actual = parameters.get(entry.conditionField());
            if (actual != null && ("*".equals(entry.conditionValue()) || actual.asText().equalsIgnoreCase(entry.conditionValue()))) {
                matched.add(entry.stage());
            }
        }
        return matched.isEmpty() ? NONE : inLadderOrder(matched).toArray(String[]::new);
    }

    private Resolution resolve(String key) {
        Set<String> unconditional = new LinkedHashSet<>();
        List<Entry> conditional = new java.util.ArrayList<>();
        for (Entry entry : entries) {
            if (entry.pattern().matcher(key).matches()) {
                if (entry.conditionField() == null) {
                    unconditional.add(entry.stage());
                } else {
                    conditional.add(entry);
                }
            }
        }
        return new Resolution(unconditional.isEmpty() ? NONE : inLadderOrder(unconditional).toArray(String[]::new),
                List.copyOf(conditional));
    }

    private static JsonNode parameters(CloudTrailEvent e) {
        if (e.getRequestParameters() == null) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(e.getRequestParameters());
            return node == null || !node.isObject() ? JSON.createObjectNode() : node;
        } catch (java.io.IOException notJson) {
            return JSON.createObjectNode();
        }
    }

    static String service(String eventSource) {
        if (eventSource == null) {
            return "";
        }
        return eventSource.endsWith(".amazonaws.com") ? eventSource.substring(0, eventSource.length() - 14) : eventSource;
    }
}
