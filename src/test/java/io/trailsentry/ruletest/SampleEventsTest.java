package io.trailsentry.ruletest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The three ways a rule test writes its events: a record, "- record: {…}", and a repeat block. */
class SampleEventsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aRecordARecordBlockAndARepeatBlockAllBecomeRecords() throws Exception {
        JsonNode plain = JSON.readTree("{\"eventTime\":\"2024-08-01T10:00:00Z\",\"eventName\":\"ListUsers\",\"eventID\":\"a\"}");
        JsonNode block = JSON.readTree("{\"record\":{\"eventTime\":\"2024-08-01T10:00:01Z\",\"eventName\":\"ListRoles\",\"eventID\":\"b\"}}");
        JsonNode repeat = JSON.readTree("{\"repeat\":2,\"every\":\"10s\",\"record\":{\"eventTime\":\"2024-08-01T10:00:02Z\","
                + "\"eventName\":\"ListGroups\",\"eventID\":\"c\"}}");

        JsonNode out = JSON.readTree(SampleEvents.toJsonArray(List.of(plain, block, repeat)));

        assertThat(out).hasSize(4);
        assertThat(out.get(1).get("eventName").asText()).isEqualTo("ListRoles");
        assertThat(out.get(3).get("eventID").asText()).isEqualTo("c-1");
        assertThat(out.get(3).get("eventTime").asText()).isEqualTo("2024-08-01T10:00:12Z");
    }
}
