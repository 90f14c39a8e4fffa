package io.trailsentry.ingest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each class of bad input: exactly one dead letter with a reason and position an operator can act on,
 * and every good record around it still delivered.
 */
class CloudTrailReaderBadInputTest {

    private static final IngestLimits SMALL = new IngestLimits(100, 1000, 300);

    /** One bad thing in an input; {@code good} lists the eventNames that must still come through, in order. */
    record Case(String name, String source, byte[] input, IngestLimits limits, List<String> good,
                String reason, String position) {
        @Override
        public String toString() {
            return name;
        }
    }

    static String good(int n) {
        return "{\"eventTime\":\"2024-08-01T13:33:28Z\",\"eventName\":\"Good" + n + "\",\"eventID\":\"id-" + n + "\"}";
    }

    static String record(String fields) {
        return "{\"eventID\":\"bad-1\"," + fields + "}";
    }

    static final String TIME = "\"eventTime\":\"2024-08-01T13:33:28Z\"";
    static final String NAME = "\"eventName\":\"Bad\"";

    static Case text(String name, String input, List<String> good, String reason, String position) {
        return new Case(name, "input.json", input.getBytes(StandardCharsets.UTF_8), IngestLimits.defaults(),
                good, reason, position);
    }

    static Stream<Case> cases() {
        List<String> oneThree = List.of("Good1", "Good3");
        return Stream.of(
                text("truncated Records document",
                        "{\"Records\":[\n" + good(1) + ",\n" + good(2) + ",\n{\"eventTime\":\"2024-08-01T13:33:28Z\",\"eventNa",
                        List.of("Good1", "Good2"), "malformed JSON: Unexpected end-of-input", "record 3, line 4"),
                text("wrong-type eventTime inside Records",
                        "{\"Records\":[\n" + good(1) + ",\n" + record("\"eventTime\":12345," + NAME) + ",\n" + good(3) + "]}",
                        oneThree, "eventTime must be an ISO-8601 timestamp string, got a number", "record 2, line 3"),
                text("unparseable eventTime in an array",
                        "[" + good(1) + "," + record("\"eventTime\":\"yesterday\"," + NAME) + "," + good(3) + "]",
                        oneThree, "eventTime \"yesterday\" is not an ISO-8601 timestamp", "record 2, line 1"),
                text("userIdentity a string, JSON lines",
                        good(1) + "\n" + record(TIME + "," + NAME + ",\"userIdentity\":\"root\"") + "\n" + good(3),
                        oneThree, "userIdentity must be an object, got a string", "line 2"),
                text("eventName an object, JSON lines",
                        good(1) + "\n" + record(TIME + ",\"eventName\":{\"x\":1}") + "\n" + good(3),
                        oneThree, "eventName must be a string, got an object", "line 2"),
                text("sessionIssuer a number",
                        good(1) + "\n" + record(TIME + "," + NAME
                                + ",\"userIdentity\":{\"sessionContext\":{\"sessionIssuer\":7}}") + "\n" + good(3),
                        oneThree, "userIdentity.sessionContext.sessionIssuer must be an object, got a number", "line 2"),
                text("readOnly neither boolean nor \"true\"/\"false\"",
                        good(1) + "\n" + record(TIME + "," + NAME + ",\"readOnly\":\"yes\"") + "\n" + good(3),
                        oneThree, "readOnly must be true or false, got \"yes\"", "line 2"),
                text("missing eventTime",
                        "[\n" + good(1) + ",\n" + record(NAME) + ",\n" + good(3) + "\n]",
                        oneThree, "missing eventTime", "record 2, line 3"),
                text("missing eventName",
                        "[\n" + good(1) + ",\n" + record(TIME) + ",\n" + good(3) + "\n]",
                        oneThree, "missing eventName", "record 2, line 3"),
                text("null record in an array",
                        "[" + good(1) + ",null," + good(3) + "]", oneThree, "record is null", "record 2, line 1"),
                text("null line in JSON lines",
                        good(1) + "\nnull\n" + good(3), oneThree, "record is null", "line 2"),
                text("root value not an object",
                        good(1) + "\n42\n" + good(3), oneThree, "expected a CloudTrail record object, got a number", "line 2"),
                text("Records not an array",
                        "{\"Records\":{}}\n" + good(1), List.of("Good1"), "Records must be an array of records", "line 1"),
                text("EventBridge detail not an object",
                        good(1) + "\n{\"detail-type\":\"AWS API Call via CloudTrail\",\"detail\":\"oops\"}\n" + good(3),
                        oneThree, "detail must be an object", "line 2"),
                text("EventBridge event that is not CloudTrail",
                        "[" + good(1) + ",{\"detail-type\":\"EC2 Instance State-change Notification\","
                                + "\"detail\":{\"instance-id\":\"i-1\",\"state\":\"running\"}}," + good(3) + "]",
                        oneThree, "missing eventTime and eventName", "record 2"),
                new Case("binary junk line in JSON lines", "junk.jsonl",
                        concat(good(1) + "\n", new byte[]{0, (byte) 0xff, 0x1f, (byte) 0x8b, 7, 'x'}, "\n" + good(3) + "\n"),
                        IngestLimits.defaults(), oneThree, "malformed JSON", "line 2"),
                text("junk after a pretty-printed record",
                        "{\n  " + TIME + ",\n  \"eventName\": \"Good1\"\n}\ngarbage here", List.of("Good1"),
                        "malformed JSON: Unrecognized token 'garbage'", "record 2, line 5"),
                new Case("scalar field over maxFieldChars", "input.json",
                        bytes(good(1) + "\n" + record(TIME + "," + NAME + ",\"userAgent\":\"" + "a".repeat(200) + "\"") + "\n" + good(3)),
                        SMALL, oneThree, "userAgent is 200 chars, over the limit of 100", "line 2"),
                new Case("requestParameters over maxNestedJsonChars", "input.json",
                        bytes("[" + good(1) + "," + record(TIME + "," + NAME + ",\"requestParameters\":{\"k\":["
                                + "\"0123456789\",".repeat(100) + "1]}") + "," + good(3) + "]"),
                        SMALL, oneThree, "requestParameters is 1309 chars of JSON, over the limit of 1000", "record 2"),
                // Jackson checks maxStringLength as its text buffer grows, so this needs a truly big string.
                new Case("string over the tokenizer limit costs only its line", "input.json",
                        bytes(good(1) + "\n" + record(TIME + "," + NAME + ",\"userAgent\":\"" + "a".repeat(100_000) + "\"") + "\n" + good(3)),
                        new IngestLimits(100, 200, 1_000_000), oneThree, "input over the ingest limits", "line 2"),
                new Case("line over maxLineBytes", "input.jsonl",
                        bytes(good(1) + "\n" + record(TIME + "," + NAME + ",\"pad\":\"" + "p".repeat(400) + "\"") + "\n" + good(3)),
                        SMALL, oneThree, "line is longer than the 300-byte limit", "line 2"),
                text("empty file", "", List.of(), "empty input", "start"),
                text("blank file", " \n\r\n\t\n", List.of(), "empty input", "start"),
                new Case("not gzip despite a .gz name", "AWSLogs/x.json.gz", bytes("this is not gzip, nor JSON"),
                        IngestLimits.defaults(), List.of(), "named .gz but not gzip-compressed", "record 1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void streamLosesOnlyTheBadPart(Case c) {
        List<CloudTrailEvent> events = new ArrayList<>();
        CollectingDeadLetters dead = new CollectingDeadLetters();
        ReadSummary summary = new CloudTrailReader(c.limits())
                .read(new ByteArrayInputStream(c.input()), c.source(), events::add, dead);
        assertCase(c, summary, events, dead);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void payloadLosesOnlyTheBadPart(Case c) {
        List<CloudTrailEvent> events = new ArrayList<>();
        CollectingDeadLetters dead = new CollectingDeadLetters();
        ReadSummary summary = new CloudTrailReader(c.limits()).read(c.input(), c.source(), events::add, dead);
        assertCase(c, summary, events, dead);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void gzippedLosesOnlyTheBadPart(Case c) {
        List<CloudTrailEvent> events = new ArrayList<>();
        CollectingDeadLetters dead = new CollectingDeadLetters();
        ReadSummary summary = new CloudTrailReader(c.limits())
                .read(IngestFixtures.gzip(c.input()), "gz-" + c.source(), events::add, dead);
        assertCase(new Case(c.name(), "gz-" + c.source(), c.input(), c.limits(), c.good(),
                c.reason().replace("named .gz but not gzip-compressed", "malformed JSON"), c.position()),
                summary, events, dead);
    }

    private static void assertCase(Case c, ReadSummary summary, List<CloudTrailEvent> events, CollectingDeadLetters dead) {
        DeadLetter letter = dead.only();
        assertEquals(new ReadSummary(1, c.good().size(), 1), summary, letter::toString);
        assertEquals(c.good(), events.stream().map(CloudTrailEvent::getEventName).toList());
        assertEquals(c.source(), letter.source());
        assertTrue(letter.reason().contains(c.reason()), () -> "reason: " + letter);
        assertTrue(letter.position().startsWith(c.position()), () -> "position: " + letter);
        assertTrue(letter.excerpt().length() <= Excerpts.MAX_CHARS + 1, () -> "excerpt capped: " + letter);
    }

    @Test
    void junkLineExcerptEscapesBinaryBytes() {
        CollectingDeadLetters dead = new CollectingDeadLetters();
        new CloudTrailReader().read(concat(good(1) + "\n", new byte[]{0, (byte) 0xff, 'x'}, "\n"), "junk.jsonl", e -> { }, dead);
        assertEquals("\\x00\\xffx", dead.only().excerpt());
        assertTrue(dead.only().reason().contains("at col "), dead.only()::toString);
    }

    @Test
    void wrongTypeExcerptNamesTheRecordAndTheValue() {
        CollectingDeadLetters dead = new CollectingDeadLetters();
        new CloudTrailReader().read(bytes("[" + record("\"eventTime\":12345," + NAME) + "]"), "a.json", e -> { }, dead);
        assertEquals("eventName=Bad eventID=bad-1; eventTime=12345", dead.only().excerpt());
    }

    @Test
    void truncatedGzipKeepsWhatWasReadAndReportsTheRest() {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            lines.append(good(i)).append('\n');
        }
        byte[] gz = IngestFixtures.gzip(bytes(lines.toString()));
        byte[] truncated = Arrays.copyOf(gz, gz.length / 2);
        List<CloudTrailEvent> events = new ArrayList<>();
        CollectingDeadLetters dead = new CollectingDeadLetters();

        ReadSummary summary = new CloudTrailReader().read(new ByteArrayInputStream(truncated), "cut.json.gz", events::add, dead);

        assertEquals(1, summary.rejected(), dead.all()::toString);
        assertTrue(summary.accepted() > 0 && summary.accepted() < 2000, summary::toString);
        assertTrue(dead.only().reason().startsWith("could not read input"), dead.only()::toString);
        assertTrue(dead.only().position().startsWith("line "), dead.only()::toString);
    }

    @Test
    void corruptGzipHeaderIsOneDeadLetter() {
        CollectingDeadLetters dead = new CollectingDeadLetters();
        ReadSummary summary = new CloudTrailReader().read(new ByteArrayInputStream(new byte[]{0x1f, (byte) 0x8b, 1, 2, 3}),
                "bad.gz", e -> { }, dead);
        assertEquals(new ReadSummary(1, 0, 1), summary);
        assertTrue(dead.only().reason().contains("gzip"), dead.only()::toString);
    }

    @Test
    void slowPathTimesAreExact() {
        List<CloudTrailEvent> events = new ArrayList<>();
        new CloudTrailReader().read(bytes(
                "{\"eventTime\":\"2024-08-01T13:33:28.123Z\",\"eventName\":\"A\"}\n"
                        + "{\"eventTime\":\"2024-08-01T15:33:28+02:00\",\"eventName\":\"B\"}\n"), "t.jsonl", events::add,
                d -> { throw new AssertionError(d.toString()); });
        assertEquals(1_722_519_208_123L, events.get(0).getEventTimeMillis());
        assertEquals(1_722_519_208_000L, events.get(1).getEventTimeMillis());
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] concat(String head, byte[] middle, String tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(bytes(head));
        out.writeBytes(middle);
        out.writeBytes(bytes(tail));
        return out.toByteArray();
    }
}
