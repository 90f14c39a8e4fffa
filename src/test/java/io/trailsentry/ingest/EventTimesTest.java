package io.trailsentry.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class EventTimesTest {

    @Test
    void fastPathAgreesWithInstantParseAcrossCenturies() {
        SplittableRandom random = new SplittableRandom(42);
        long from = Instant.parse("1900-01-01T00:00:00Z").getEpochSecond();
        long to = Instant.parse("2200-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 200_000; i++) {
            Instant expected = Instant.ofEpochSecond(random.nextLong(from, to));
            char[] text = expected.toString().toCharArray();
            assertEquals(expected.getEpochSecond(), EventTimes.fastEpochSecond(text, 0), expected::toString);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-02-29T23:59:59Z", "2000-02-29T00:00:00Z", "1970-01-01T00:00:00Z", "2024-12-31T23:59:59Z"})
    void fastPathHandlesEdgeDates(String text) {
        assertEquals(Instant.parse(text), parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2024-08-01T13:33:28.5Z", "2024-08-01T13:33:28.123456789Z", "2024-08-01T15:33:28+02:00",
            "2024-08-01T09:33:28-04:00"})
    void slowPathHandlesFractionsAndOffsets(String text) {
        assertEquals(java.time.OffsetDateTime.parse(text).toInstant(), parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"2023-02-29T00:00:00Z", "2024-13-01T00:00:00Z", "2024-08-01T25:00:00Z", "2024-08-01 13:33:28Z",
            "2024-08-01T13:33:28", "yesterday", "", "2024-08-0xT13:33:28Z"})
    void rejectsWhatIsNotAnInstant(String text) {
        assertNull(parse(text));
    }

    @Test
    void endOfDayMidnightIsLegalIso8601() {
        // not the fast shape CloudTrail writes, but java.time (rightly) reads 24:00 as the next midnight
        assertEquals(Instant.parse("2024-08-02T00:00:00Z"), parse("2024-08-01T24:00:00Z"));
    }

    private static Instant parse(String text) {
        return EventTimes.parse(text.toCharArray(), 0, text.length());
    }
}
