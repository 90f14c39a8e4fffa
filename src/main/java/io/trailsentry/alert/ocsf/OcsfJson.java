package io.trailsentry.alert.ocsf;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * The JSON form of an OCSF finding: snake_case attribute names and no null attributes (OCSF omits
 * what it does not know rather than writing null). Map and {@code unmapped} keys are left as they are.
 */
public final class OcsfJson {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .build();

    private OcsfJson() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    /** One finding as a single line of JSON. */
    public static String write(OcsfDetectionFinding finding) {
        try {
            return MAPPER.writeValueAsString(finding);
        } catch (JsonProcessingException e) {
            // Only records of strings, numbers and JSON trees: failing here is a bug, not bad input.
            throw new IllegalStateException("cannot write OCSF finding " + finding.metadata().uid() + ": " + e.getMessage(), e);
        }
    }
}
