package io.trailsentry.engine;

import com.espertech.esper.common.client.annotation.Description;
import com.espertech.esper.common.client.annotation.Tag;
import io.trailsentry.context.StageCatalog;

import java.lang.annotation.Annotation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads {@link RuleMetadata} back from a deployed statement's annotations and checks it is complete. */
final class RuleMetadataReader {

    private RuleMetadataReader() {
    }

    /**
     * @return empty for helper statements (no {@code id} tag: schemas, variables, {@code insert into} steps)
     * @throws IllegalArgumentException naming what is missing or malformed when the statement is a rule
     */
    static Optional<RuleMetadata> read(String file, String statementName, Annotation[] annotations, StageCatalog stageCatalog) {
        List<TagValue> tags = new ArrayList<>();
        String description = null;
        for (Annotation annotation : annotations) {
            if (annotation instanceof Tag tag) {
                tags.add(new TagValue(tag.name(), tag.value()));
            } else if (annotation instanceof Description d) {
                description = d.value();
            }
        }
        return read(file, statementName, tags, description, stageCatalog);
    }

    /** One {@code @Tag(name=…, value=…)}, as written. */
    record TagValue(String name, String value) {
    }

    /**
     * As {@link #read(String, String, Annotation[], StageCatalog)}, from the annotations as written
     * in the statement's text (nothing deployed, nothing run): what validation reads.
     */
    static Optional<RuleMetadata> read(String file, String statementName, List<TagValue> tagValues, String description,
                                       StageCatalog stageCatalog) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (TagValue tag : tagValues) {
            if (tags.putIfAbsent(tag.name(), tag.value()) != null) {
                throw new IllegalArgumentException("statement '" + statementName + "' has tag '" + tag.name() + "' twice");
            }
        }
        if (!tags.containsKey("id")) {
            return Optional.empty();
        }
        List<String> missing = new ArrayList<>();
        for (String required : RuleMetadata.REQUIRED_TAGS) {
            String value = tags.get(required);
            if (value == null || value.isBlank()) {
                missing.add("@Tag(name='" + required + "', value=…)");
            }
        }
        if (description == null || description.isBlank()) {
            missing.add("@Description('…')");
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("rule '" + statementName + "' is missing required metadata: " + String.join(", ", missing));
        }
        List<String> stages = Arrays.stream(tags.get("stage").split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
        for (String stage : stages) {
            if (!stageCatalog.contains(stage)) {
                throw new IllegalArgumentException("rule '" + statementName + "' names unknown stage '" + stage
                        + "'; the stages of " + stageCatalog.source() + " are: " + String.join(", ", stageCatalog.keys()));
            }
        }
        boolean buildingBlock = switch (tags.getOrDefault("alert", "alert").trim()) {
            case "alert" -> false;
            case "building-block" -> true;
            default -> throw new IllegalArgumentException("rule '" + statementName + "': tag 'alert' is '" + tags.get("alert")
                    + "'; use 'alert' (pages a person) or 'building-block' (feeds incidents only)");
        };
        RuleMetadata.SeverityAdjustment adjustment = switch (tags.getOrDefault("severityAdjust", "context").trim()) {
            case "context" -> RuleMetadata.SeverityAdjustment.CONTEXT;
            case "allowlist-only" -> RuleMetadata.SeverityAdjustment.ALLOWLIST_ONLY;
            default -> throw new IllegalArgumentException("rule '" + statementName + "': tag 'severityAdjust' is '"
                    + tags.get("severityAdjust") + "'; use 'context' (the default) or 'allowlist-only'");
        };
        try {
            return Optional.of(new RuleMetadata(
                    tags.get("id").trim(),
                    tags.get("name").trim(),
                    Severity.parse(tags.get("severity")),
                    stages,
                    Mitre.parse(tags.get("mitre")),
                    description.trim(),
                    tags.get("version").trim(),
                    statementName,
                    file,
                    tags,
                    buildingBlock,
                    adjustment));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("rule '" + statementName + "': " + e.getMessage(), e);
        }
    }
}
