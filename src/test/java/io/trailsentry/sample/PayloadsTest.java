package io.trailsentry.sample;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PayloadsTest {

    @Test
    void groupsRecordsIntoNewlineDelimitedPayloadsInOrder() {
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < 2_500; i++) {
            records.add(("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8));
        }
        List<byte[]> payloads = Payloads.newlineDelimited(records, 1_000);

        assertThat(payloads).hasSize(3);
        List<String> lines = new ArrayList<>();
        for (byte[] payload : payloads) {
            String text = new String(payload, StandardCharsets.UTF_8);
            assertThat(text).endsWith("\n");
            lines.addAll(List.of(text.split("\n")));
        }
        assertThat(new String(payloads.get(2), StandardCharsets.UTF_8).split("\n")).hasSize(500);
        assertThat(lines).hasSize(2_500).startsWith("{\"n\":0}").endsWith("{\"n\":2499}");
    }

    @Test
    void anEmptyListGivesNoPayloadAndANonPositiveSizeIsRefused() {
        assertThat(Payloads.newlineDelimited(List.of(), 10)).isEmpty();
        assertThatThrownBy(() -> Payloads.newlineDelimited(List.of(), 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
