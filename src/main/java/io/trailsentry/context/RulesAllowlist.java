package io.trailsentry.context;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

import java.io.Reader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The allowlist that travels with the rules: {@code allowlist.yaml} in the rules folder, read, checked
 * and hot-reloaded with them, and added to the operator's {@code trailsentry.context.allowlisted-*}
 * globs. Detection engineers tune it like a threshold (a new scanner, a retired automation role) and
 * can backtest the change ({@code rules backtest}) before it goes live; the operator's keys stay for
 * what a deployment knows and the rules do not.
 * <pre>
 * principals:            # ARN globs: an IAM user, the role behind a session, or the session ARN
 *   - arn:aws:iam::*:role/prowler-*
 * user-agents:           # user-agent globs
 *   - "*Prowler*"
 * </pre>
 *
 * @param principals principal ARN globs ({@link ArnPatterns})
 * @param userAgents user-agent globs
 */
public record RulesAllowlist(List<String> principals, List<String> userAgents) {

    /** The file name in a rules folder. */
    public static final String FILE_NAME = "allowlist.yaml";
    /** A rules folder without {@code allowlist.yaml}. */
    public static final RulesAllowlist NONE = new RulesAllowlist(List.of(), List.of());

    public RulesAllowlist {
        principals = List.copyOf(principals);
        userAgents = List.copyOf(userAgents);
    }

    /**
     * The folder's allowlist, {@link #NONE} when it has no {@code allowlist.yaml}.
     *
     * @throws DataFileException naming the file and line of what is wrong
     */
    public static RulesAllowlist forRulesFolder(Path rulesDir) {
        Path file = rulesDir.resolve(FILE_NAME);
        return Files.isRegularFile(file) ? parse(file.toString(), YamlFiles.compose(file)) : NONE;
    }

    /** @throws DataFileException naming {@code name} and the line of what is wrong */
    public static RulesAllowlist parse(String name, String yaml) {
        try (Reader in = new StringReader(yaml)) {
            return parse(name, YamlFiles.compose(in, name));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    public boolean isEmpty() {
        return principals.isEmpty() && userAgents.isEmpty();
    }

    private static RulesAllowlist parse(String file, Node root) {
        if (root == null) {
            return NONE; // an empty file: nothing allowlisted
        }
        if (!(root instanceof MappingNode top)) {
            throw new DataFileException(file, YamlFiles.line(root), "expected a mapping with 'principals:' and/or 'user-agents:' lists");
        }
        List<String> principals = new ArrayList<>();
        List<String> agents = new ArrayList<>();
        for (NodeTuple t : top.getValue()) {
            String key = t.getKeyNode() instanceof ScalarNode s ? s.getValue() : "";
            switch (key) {
                case "principals" -> globs(file, t.getValueNode(), key, principals);
                case "user-agents" -> globs(file, t.getValueNode(), key, agents);
                default -> throw new DataFileException(file, YamlFiles.line(t.getKeyNode()),
                        "unknown key '" + key + "' (keys: principals, user-agents)");
            }
        }
        return new RulesAllowlist(principals, agents);
    }

    private static void globs(String file, Node node, String key, List<String> into) {
        if (node instanceof ScalarNode s && s.getValue().isEmpty()) {
            return; // "principals:" with nothing under it
        }
        if (!(node instanceof SequenceNode list)) {
            throw new DataFileException(file, YamlFiles.line(node), "'" + key + "' must be a list of globs");
        }
        for (Node item : list.getValue()) {
            String glob = item instanceof ScalarNode s ? s.getValue().trim() : "";
            if (glob.isEmpty() || glob.chars().allMatch(c -> c == '*' || c == '?')) {
                throw new DataFileException(file, YamlFiles.line(item), "'" + key + "' entries must be non-empty globs that do not match "
                        + "everything (a lone '*' would allowlist every caller)");
            }
            into.add(glob);
        }
    }
}
