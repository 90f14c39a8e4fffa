package io.trailsentry.engine;

import io.trailsentry.context.DataFileException;
import io.trailsentry.context.StageCatalog;
import io.trailsentry.context.YamlFiles;
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
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code scoring.yaml} (format: the file's own comments, and docs/rules.md "Scorer") from SnakeYAML's
 * node graph, so every error names the line to fix. Everything is required and checked: unknown
 * keys, severities, tiers, contexts and placeholders are refused rather than ignored, since a typo
 * in a ladder silently changes what pages people.
 */
final class ScoringLadderReader {

    private static final String BUNDLED = "/trailsentry/" + ScoringLadder.FILE_NAME;
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
    private static final Set<String> PLACEHOLDERS = Set.of("stages", "count", "suspicious");

    private final String file;

    private ScoringLadderReader(String file) {
        this.file = file;
    }

    static ScoringLadder read(Path path) {
        return new ScoringLadderReader(path.toString()).ladder(YamlFiles.compose(path));
    }

    static ScoringLadder read(String name, Reader in) {
        return new ScoringLadderReader(name).ladder(YamlFiles.compose(in, name));
    }

    static ScoringLadder readBundled() {
        InputStream in = ScoringLadderReader.class.getResourceAsStream(BUNDLED);
        if (in == null) {
            throw new IllegalStateException("the jar has no " + BUNDLED + " (the build copies epl/scoring.yaml there)");
        }
        try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
            return read("(bundled) " + ScoringLadder.FILE_NAME, reader);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ScoringLadder ladder(Node root) {
        MappingNode top = mapping(root, "the ladder", Set.of("suspicious-contexts", "signal", "incident", "points"));
        Set<String> suspicious = new LinkedHashSet<>();
        for (Node item : sequence(required(top, "suspicious-contexts"), "suspicious-contexts").getValue()) {
            suspicious.add(context(item));
        }
        MappingNode signal = mapping(required(top, "signal"), "signal", Set.of("allowlisted", "nothing-suspicious"));
        ScoringLadder.ContextMoves signalMoves = new ScoringLadder.ContextMoves(
                move(required(signal, "allowlisted"), "signal.allowlisted", false),
                move(required(signal, "nothing-suspicious"), "signal.nothing-suspicious", false));
        MappingNode incident = mapping(required(top, "incident"), "incident", Set.of("ladder", "allowlisted", "nothing-suspicious"));
        List<ScoringLadder.Rung> rungs = rungs(sequence(required(incident, "ladder"), "incident.ladder"));
        ScoringLadder.ContextMoves incidentMoves = new ScoringLadder.ContextMoves(
                move(required(incident, "allowlisted"), "incident.allowlisted", true),
                move(required(incident, "nothing-suspicious"), "incident.nothing-suspicious", true));
        return new ScoringLadder(file, suspicious, signalMoves, rungs, incidentMoves, points(required(top, "points")));
    }

    private List<ScoringLadder.Rung> rungs(SequenceNode list) {
        List<ScoringLadder.Rung> rungs = new ArrayList<>();
        for (Node item : list.getValue()) {
            MappingNode rung = mapping(item, "a rung of incident.ladder", Set.of("severity", "stages", "tiers", "suspicious", "reason"));
            Severity severity = severity(required(rung, "severity"));
            int stages = optionalCount(rung, "stages");
            int suspicious = optionalCount(rung, "suspicious");
            Set<StageCatalog.Tier> tiers = tiers(value(rung, "tiers"), "tiers");
            Node reasonNode = required(rung, "reason");
            String reason = text(reasonNode, "reason");
            Matcher m = PLACEHOLDER.matcher(reason);
            while (m.find()) {
                if (!PLACEHOLDERS.contains(m.group(1))) {
                    throw error(reasonNode, "reason names {" + m.group(1) + "}; a reason may name {stages}, {count} and {suspicious}");
                }
            }
            rungs.add(new ScoringLadder.Rung(severity, stages, tiers, suspicious, reason, YamlFiles.line(item)));
        }
        if (rungs.isEmpty()) {
            throw error(list, "incident.ladder has no rung; the last rung (no condition) is the severity of any incident");
        }
        for (int i = 0; i < rungs.size() - 1; i++) {
            if (rungs.get(i).unconditional()) {
                throw new DataFileException(file, rungs.get(i).line(), "this rung has no condition, so the rungs after it are never reached; "
                        + "give it a condition (stages, tiers, suspicious) or move it last");
            }
        }
        ScoringLadder.Rung last = rungs.get(rungs.size() - 1);
        if (!last.unconditional()) {
            throw new DataFileException(file, last.line(), "the last rung must have no condition (only severity and reason), "
                    + "so that every incident gets a severity");
        }
        return rungs;
    }

    private ScoringLadder.Move move(Node node, String what, boolean incident) {
        Set<String> keys = incident ? Set.of("severity", "levels", "floor", "unless-only-tiers") : Set.of("severity", "levels", "floor");
        MappingNode move = mapping(node, what, keys);
        Node to = value(move, "severity");
        Node levels = value(move, "levels");
        if ((to == null) == (levels == null)) {
            throw error(move, what + " needs either 'severity' (move to it) or 'levels' (move by them, negative is down)");
        }
        if (to != null && value(move, "floor") != null) {
            throw error(value(move, "floor"), what + ": 'floor' goes with 'levels', not with 'severity'");
        }
        int by = 0;
        if (levels != null) {
            by = integer(levels, "levels");
            if (Math.abs(by) >= Severity.values().length) {
                throw error(levels, "levels " + by + " moves past every severity; use -4 … 4");
            }
        }
        Node floor = value(move, "floor");
        return new ScoringLadder.Move(to == null ? null : severity(to), by,
                floor == null ? Severity.Informational : severity(floor), tiers(value(move, "unless-only-tiers"), "unless-only-tiers"));
    }

    private ScoringLadder.Points points(Node node) {
        MappingNode points = mapping(node, "points", Set.of("signal", "context", "lineage"));
        MappingNode signalNode = mapping(required(points, "signal"), "points.signal", null);
        Map<Severity, Integer> signal = new EnumMap<>(Severity.class);
        for (NodeTuple t : signalNode.getValue()) {
            Severity severity = severity(t.getKeyNode());
            if (signal.put(severity, integer(t.getValueNode(), "points of " + severity)) != null) {
                throw error(t.getKeyNode(), severity + " is given twice");
            }
        }
        for (Severity s : Severity.values()) {
            if (!signal.containsKey(s)) {
                throw error(signalNode, "points.signal needs points for every severity; " + s + " is missing");
            }
        }
        Map<String, Integer> context = new LinkedHashMap<>();
        for (NodeTuple t : mapping(required(points, "context"), "points.context", null).getValue()) {
            String name = context(t.getKeyNode());
            if (context.put(name, integer(t.getValueNode(), "points of " + name)) != null) {
                throw error(t.getKeyNode(), name + " is given twice");
            }
        }
        return new ScoringLadder.Points(signal, context, integer(required(points, "lineage"), "lineage"));
    }

    private String context(Node node) {
        String name = text(node, "a context");
        if (!CloudTrailEvent.CONTEXTS.contains(name)) {
            throw error(node, "unknown context '" + name + "'; contexts are " + String.join(", ", CloudTrailEvent.CONTEXTS));
        }
        return name;
    }

    private Set<StageCatalog.Tier> tiers(Node node, String what) {
        Set<StageCatalog.Tier> tiers = EnumSet.noneOf(StageCatalog.Tier.class);
        if (node == null) {
            return tiers;
        }
        for (Node item : sequence(node, what).getValue()) {
            String text = text(item, "a tier");
            StageCatalog.Tier tier = null;
            for (StageCatalog.Tier t : StageCatalog.Tier.values()) {
                if (t.lowerCase().equalsIgnoreCase(text)) {
                    tier = t;
                }
            }
            if (tier == null) {
                throw error(item, "tier '" + text + "' is not one of low, medium, high, critical");
            }
            tiers.add(tier);
        }
        if (tiers.isEmpty()) {
            throw error(node, what + " is empty; leave it out for no condition");
        }
        return tiers;
    }

    private Severity severity(Node node) {
        try {
            return Severity.parse(text(node, "a severity"));
        } catch (IllegalArgumentException e) {
            throw error(node, e.getMessage());
        }
    }

    private int optionalCount(MappingNode node, String key) {
        Node value = value(node, key);
        if (value == null) {
            return 0;
        }
        int n = integer(value, key);
        if (n < 1) {
            throw error(value, key + " must be at least 1 (leave it out for no condition)");
        }
        return n;
    }

    private int integer(Node node, String what) {
        String text = text(node, what);
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw error(node, what + " must be a whole number, got '" + text + "'");
        }
    }

    private String text(Node node, String what) {
        if (!(node instanceof ScalarNode s) || s.getValue().isBlank()) {
            throw error(node, what + " must be a single value");
        }
        return s.getValue().trim();
    }

    /** @param keys the keys allowed, or null for any (a table keyed by severity or context) */
    private MappingNode mapping(Node node, String what, Set<String> keys) {
        if (!(node instanceof MappingNode m)) {
            throw error(node, what + " must be a mapping" + (keys == null ? "" : " of " + String.join(", ", sorted(keys))));
        }
        Set<String> seen = new LinkedHashSet<>();
        for (NodeTuple t : m.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "";
            if (keys != null && !keys.contains(key)) {
                throw error(t.getKeyNode(), "unknown key '" + key + "' in " + what + " (keys: " + String.join(", ", sorted(keys)) + ")");
            }
            if (keys != null && !seen.add(key)) {
                throw error(t.getKeyNode(), "'" + key + "' is given twice in " + what);
            }
        }
        return m;
    }

    private SequenceNode sequence(Node node, String what) {
        if (!(node instanceof SequenceNode s)) {
            throw error(node, what + " must be a list");
        }
        return s;
    }

    private Node required(MappingNode node, String key) {
        Node value = value(node, key);
        if (value == null) {
            throw error(node, "'" + key + "' is missing");
        }
        return value;
    }

    private static Node value(MappingNode node, String key) {
        for (NodeTuple t : node.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode s && key.equals(s.getValue())) {
                return t.getValueNode();
            }
        }
        return null;
    }

    private DataFileException error(Node node, String reason) {
        return new DataFileException(file, node == null ? 0 : YamlFiles.line(node), reason);
    }

    private static List<String> sorted(Set<String> keys) {
        return keys.stream().sorted().toList();
    }
}
