package io.trailsentry.sample;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/** Test helper: generated records parsed back with a real JSON parser, and the fields tests group by. */
final class Records {

    static final ObjectMapper MAPPER = new ObjectMapper();

    private Records() {
    }

    static List<JsonNode> of(SampleSpec spec) {
        List<JsonNode> out = new ArrayList<>();
        for (Iterator<String> it = new SampleGenerator(spec).records(); it.hasNext(); ) out.add(parse(it.next()));
        return out;
    }

    static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException("not JSON: " + json, e);
        }
    }

    static List<String> text(SampleSpec spec) {
        List<String> out = new ArrayList<>();
        new SampleGenerator(spec).records().forEachRemaining(out::add);
        return out;
    }

    static Instant time(JsonNode r) {
        return Instant.parse(r.get("eventTime").asText());
    }

    /** The Sentinel rule's grouping key; services have no principalId, so fall back to invokedBy. */
    static String principal(JsonNode r) {
        JsonNode id = r.get("userIdentity");
        return id.has("principalId") ? id.get("principalId").asText() : id.get("invokedBy").asText();
    }

    static String arn(JsonNode r) {
        JsonNode arn = r.get("userIdentity").get("arn");
        return arn == null ? null : arn.asText();
    }

    static boolean isSentinelEnumeration(JsonNode r) {
        return SampleOrg.SENTINEL_ENUMERATION_EVENTS.contains(r.get("eventName").asText());
    }

    static String userArn(String name) {
        return "arn:aws:iam::" + SampleOrg.ACCOUNT_ID + ":user/" + name;
    }
}
