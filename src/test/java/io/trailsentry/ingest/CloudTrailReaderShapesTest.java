package io.trailsentry.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.trailsentry.ingest.IngestFixtures.full;
import static io.trailsentry.ingest.IngestFixtures.gzip;
import static io.trailsentry.ingest.IngestFixtures.resource;
import static io.trailsentry.ingest.IngestFixtures.second;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Every supported input shape, plain and gzip, through both the stream and the payload entry points. */
class CloudTrailReaderShapesTest {

    private final CloudTrailReader reader = new CloudTrailReader();

    @Test
    void fullRecordNormalisesEveryField() {
        List<CloudTrailEvent> events = new ArrayList<>();
        CollectingDeadLetters dead = new CollectingDeadLetters();

        ReadSummary summary = reader.read(resource("full-record.json"), "full-record.json", events::add, dead);

        assertEquals(new ReadSummary(1, 1, 0), summary, () -> dead.all().toString());
        CloudTrailEvent e = events.get(0);
        assertEquals(Instant.parse("2024-08-01T13:33:28Z"), e.getEventTime());
        assertEquals(1_722_519_208_000L, e.getEventTimeMillis());
        assertEquals("CreateAccessKey", e.getEventName());
        assertEquals("iam.amazonaws.com", e.getEventSource());
        assertEquals("AwsApiCall", e.getEventType());
        assertEquals("us-east-1", e.getAwsRegion());
        assertEquals("cloudformation.amazonaws.com", e.getSourceIPAddress());
        assertEquals("cloudformation.amazonaws.com", e.getUserAgent());
        assertEquals("LimitExceeded", e.getErrorCode());
        assertEquals("Cannot exceed quota for AccessKeysPerUser: 2", e.getErrorMessage());
        assertEquals(Boolean.FALSE, e.getReadOnly());
        assertEquals("3f0b2c1a-0000-4000-8000-00000000000a", e.getEventID());
        assertEquals("123456789012", e.getRecipientAccountId());
        // compact, key order kept, escapes kept, 1.10 not rounded to 1.1, nested null kept
        assertEquals("{\"userName\":\"bob\",\"tags\":[{\"key\":\"team\",\"value\":\"réd \\\"x\\\"\"}],"
                + "\"maxItems\":100,\"ratio\":1.10,\"enabled\":true,\"nothing\":null}", e.getRequestParameters());
        assertNull(e.getResponseElements(), "JSON null becomes Java null, not the text \"null\"");
        assertEquals("AssumedRole", e.getUserIdentityType());
        assertEquals("AROAEXAMPLEROLEID:alice-session", e.getPrincipalId());
        assertEquals("arn:aws:sts::123456789012:assumed-role/Admin/alice-session", e.getArn());
        assertEquals("123456789012", e.getAccountId());
        assertEquals("ASIAEXAMPLEKEY00001", e.getAccessKeyId());
        assertNull(e.getUserName());
        assertEquals("arn:aws:iam::123456789012:role/Admin", e.getSessionIssuerArn());
        assertEquals("Admin", e.getSessionIssuerUserName());
        assertEquals("cloudformation.amazonaws.com", e.getInvokedBy());
        assertEquals(full(), e, "the hand-built fixture the shape tests compare against");
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                Arguments.of("records-pretty.json", List.of(full(), second())),
                Arguments.of("records-compact.json", List.of(full(), second())),
                Arguments.of("records.jsonl", List.of(full(), second())),
                Arguments.of("full-record.json", List.of(full())),
                Arguments.of("array.json", List.of(full(), second())),
                Arguments.of("envelope-detail-first.json", List.of(full())),
                Arguments.of("envelope-detail-last.json", List.of(full())),
                Arguments.of("envelopes-array.json", List.of(full(), second())),
                Arguments.of("envelopes.jsonl", List.of(full(), second())),
                Arguments.of("mixed-roots.json", List.of(full(), second(), full())));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void plainStream(String fixture, List<CloudTrailEvent> expected) {
        assertReads(fixture, resource(fixture), expected, false);
    }

    @ParameterizedTest(name = "{0}.gz")
    @MethodSource("shapes")
    void gzipStream(String fixture, List<CloudTrailEvent> expected) {
        assertReads(fixture + ".gz", gzip(resource(fixture)), expected, false);
    }

    @ParameterizedTest(name = "{0} as payload")
    @MethodSource("shapes")
    void plainPayload(String fixture, List<CloudTrailEvent> expected) {
        assertReads(fixture, resource(fixture), expected, true);
    }

    @ParameterizedTest(name = "{0}.gz as payload")
    @MethodSource("shapes")
    void gzipPayload(String fixture, List<CloudTrailEvent> expected) {
        assertReads(fixture + ".gz", gzip(resource(fixture)), expected, true);
    }

    @Test
    void gzipIsRecognisedByContentNotName() {
        assertReads("records.jsonl", gzip(resource("records.jsonl")), List.of(full(), second()), false);
        assertReads("records.json.gz", resource("records-pretty.json"), List.of(full(), second()), false);
    }

    @Test
    void byteOrderMarkAndLeadingBlankLinesAreIgnored() {
        byte[] jsonl = resource("records.jsonl");
        byte[] withBom = new byte[jsonl.length + 5];
        withBom[0] = (byte) 0xef;
        withBom[1] = (byte) 0xbb;
        withBom[2] = (byte) 0xbf;
        withBom[3] = '\n';
        withBom[4] = '\n';
        System.arraycopy(jsonl, 0, withBom, 5, jsonl.length);
        assertReads("bom.jsonl", withBom, List.of(full(), second()), false);
    }

    private void assertReads(String name, byte[] input, List<CloudTrailEvent> expected, boolean asPayload) {
        List<CloudTrailEvent> events = new ArrayList<>();
        CollectingDeadLetters dead = new CollectingDeadLetters();

        ReadSummary summary = asPayload
                ? reader.read(input, name, events::add, dead)
                : reader.read(new ByteArrayInputStream(input), name, events::add, dead);

        assertEquals(List.of(), dead.all(), name);
        assertEquals(new ReadSummary(1, expected.size(), 0), summary, name);
        assertEquals(expected, events, name);
    }
}
