package io.trailsentry.engine.sigma;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads a Sigma file (one or more YAML documents separated by {@code ---}) into {@link YamlNode}
 * trees that keep each value's line and column. Jackson's streaming YAML parser rather than a tree
 * mapper, because its token locations are what a refusal points at.
 */
final class SigmaYaml {

    private static final YAMLFactory FACTORY = new YAMLFactory();

    /** A file is Sigma when a document has a top-level {@code detection:} or {@code correlation:} key. */
    private static final Pattern SIGMA_KEY = Pattern.compile("(?m)^(detection|correlation)\\s*:");

    private SigmaYaml() {
    }

    /** Cheap first look, before parsing: data files beside the rules (stages, tests) have neither key. */
    static boolean looksLikeSigma(String text) {
        return SIGMA_KEY.matcher(text).find();
    }

    /**
     * @return one node per YAML document, in file order
     * @throws SigmaRefusal when the text is not YAML, or uses an alias (Sigma rules spell values out)
     */
    static List<YamlNode> documents(String text) throws SigmaRefusal {
        List<YamlNode> documents = new ArrayList<>();
        try (YAMLParser parser = FACTORY.createParser(text)) {
            while (true) {
                JsonToken token = parser.nextToken();
                if (token == null) {
                    // Jackson reports the end of each document with a null; two in a row end the stream.
                    token = parser.nextToken();
                    if (token == null) {
                        break;
                    }
                }
                documents.add(read(parser, token));
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new SigmaRefusal("YAML", at == null ? 0 : at.getLineNr(), at == null ? 0 : at.getColumnNr(),
                    "not valid YAML: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new SigmaRefusal("YAML", 0, 0, "cannot read: " + e.getMessage());
        }
        return documents;
    }

    private static YamlNode read(YAMLParser parser, JsonToken token) throws IOException, SigmaRefusal {
        JsonLocation at = parser.currentTokenLocation();
        int line = at.getLineNr();
        int column = at.getColumnNr();
        if (parser.isCurrentAlias()) {
            throw new SigmaRefusal("YAML alias *" + parser.getText(), line, column,
                    "YAML aliases are not supported in Sigma rules; write the value out");
        }
        switch (token) {
            case START_OBJECT: {
                Map<String, YamlNode.Entry> entries = new LinkedHashMap<>();
                JsonToken next;
                while ((next = parser.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = parser.currentName();
                    JsonLocation keyAt = parser.currentTokenLocation();
                    YamlNode value = read(parser, parser.nextToken());
                    YamlNode.Entry previous = entries.put(key, new YamlNode.Entry(key, keyAt.getLineNr(), keyAt.getColumnNr(), value));
                    if (previous != null) {
                        throw new SigmaRefusal("key '" + key + "'", keyAt.getLineNr(), keyAt.getColumnNr(),
                                "'" + key + "' appears twice in the same mapping (first at line " + previous.line() + ")");
                    }
                }
                return new YamlNode.Mapping(entries, line, column);
            }
            case START_ARRAY: {
                List<YamlNode> items = new ArrayList<>();
                JsonToken next;
                while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
                    items.add(read(parser, next));
                }
                return new YamlNode.Sequence(items, line, column);
            }
            case VALUE_NULL:
                return new YamlNode.Scalar(parser.getText(), YamlNode.Kind.NULL, line, column);
            case VALUE_TRUE:
            case VALUE_FALSE:
                return new YamlNode.Scalar(parser.getText(), YamlNode.Kind.BOOLEAN, line, column);
            case VALUE_NUMBER_INT:
            case VALUE_NUMBER_FLOAT:
                return new YamlNode.Scalar(parser.getText(), YamlNode.Kind.NUMBER, line, column);
            default:
                return new YamlNode.Scalar(parser.getText(), YamlNode.Kind.STRING, line, column);
        }
    }
}
