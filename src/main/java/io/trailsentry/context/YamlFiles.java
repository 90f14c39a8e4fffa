package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.representer.Representer;
import org.yaml.snakeyaml.resolver.Resolver;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Reads the YAML data files that sit beside the rules (stage catalog, rule tests) into Jackson
 * trees. SnakeYAML directly rather than Jackson's YAML parser, because these files lean on anchors,
 * aliases and {@code <<} merge keys; timestamps stay text, so the CloudTrail parser, not YAML,
 * decides what an eventTime is.
 */
public final class YamlFiles {

    private static final ObjectMapper JSON = new ObjectMapper();

    private YamlFiles() {
    }

    /** @throws IllegalArgumentException naming the file and what is wrong with it */
    public static JsonNode read(Path path) {
        try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return JSON.valueToTree(yaml().load(in));
        } catch (IOException e) {
            throw new IllegalArgumentException(path + ": cannot read: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(path + ": not valid YAML: " + e.getMessage(), e);
        }
    }

    /**
     * The file as SnakeYAML's node graph, which keeps every value's line: for data files whose
     * errors must name the line to fix. Anchors resolve; merge keys are not applied.
     *
     * @throws DataFileException naming the file (and the line, for a syntax error)
     */
    public static org.yaml.snakeyaml.nodes.Node compose(Path path) {
        try (Reader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            return compose(in, path.toString());
        } catch (IOException e) {
            throw new DataFileException(path, 0, "cannot read: " + e.getMessage());
        }
    }

    /** As {@link #compose(Path)}, for text that is not a file of its own (a resource in the jar); {@code name} names it in errors. */
    public static org.yaml.snakeyaml.nodes.Node compose(Reader in, String name) {
        try {
            return yaml().compose(in);
        } catch (org.yaml.snakeyaml.error.MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new DataFileException(name, line, "not valid YAML: " + e.getProblem());
        } catch (RuntimeException e) {
            throw new DataFileException(name, 0, "not valid YAML: " + e.getMessage());
        }
    }

    /** 1-based line of a node. */
    public static int line(org.yaml.snakeyaml.nodes.Node node) {
        return node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    private static Yaml yaml() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(1000);
        Resolver textTimestamps = new Resolver() {
            @Override
            public void addImplicitResolver(Tag tag, Pattern regexp, String first, int limit) {
                if (!Tag.TIMESTAMP.equals(tag)) {
                    super.addImplicitResolver(tag, regexp, first, limit);
                }
            }
        };
        DumperOptions dumperOptions = new DumperOptions();
        return new Yaml(new SafeConstructor(options), new Representer(dumperOptions), dumperOptions, options, textTimestamps);
    }
}
