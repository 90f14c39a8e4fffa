package io.trailsentry.ingest;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A syntax error in the middle of a {@code {"Records":[…]}} document costs the broken record, not the
 * rest of the document (issue #17, 8): the reader resyncs at the next record, and when it cannot, the
 * dead letter and the rejected count say how many records were lost instead of "1". A repeated key is
 * refused the same way (readers disagree on which value counts).
 */
class RecordResyncTest {

    private static final int N = 1000;
    private static final int BROKEN = 300;

    @Test
    void aBrokenRecordInAnS3FileCostsOnlyItself() {
        for (Function<String, Read> read : List.<Function<String, Read>>of(RecordResyncTest::asPayload, RecordResyncTest::asStream, RecordResyncTest::asGzip)) {
            Read r = read.apply(records(i -> i == BROKEN ? record(i).replace("\"eventName\":", "\"eventName\" ") : record(i)));

            assertThat(r.summary().accepted()).isEqualTo(N - 1);
            assertThat(r.summary().rejected()).isEqualTo(1);
            assertThat(r.dead().only().reason()).contains("malformed JSON").contains("resumed at the next record");
            assertThat(r.dead().only().position()).startsWith("record " + (BROKEN + 1) + ", line " + (BROKEN + 2));
            assertThat(r.ids()).doesNotContain("id-" + BROKEN).contains("id-" + (BROKEN - 1), "id-" + (BROKEN + 1), "id-" + (N - 1));
        }
    }

    @Test
    void aRepeatedKeyIsRefusedAndTheRestRead() {
        for (Function<String, Read> read : List.<Function<String, Read>>of(RecordResyncTest::asPayload, RecordResyncTest::asStream)) {
            Read r = read.apply(records(i -> i == BROKEN
                    ? record(i).replace("\"eventName\":\"ListUsers\"", "\"eventName\":\"GetCallerIdentity\",\"eventName\":\"DeleteTrail\"") : record(i)));

            assertThat(r.summary().accepted()).isEqualTo(N - 1);
            assertThat(r.summary().rejected()).isEqualTo(1);
            assertThat(r.dead().only().reason()).contains("duplicate key").contains("eventName");
            assertThat(r.ids()).doesNotContain("id-" + BROKEN);
        }
        CollectingDeadLetters dead = new CollectingDeadLetters();
        ReadSummary lines = new CloudTrailReader().read(bytes(record(1) + "\n" + record(2).replace("\"eventName\":\"ListUsers\"",
                "\"eventName\":\"ListUsers\",\"eventName\":\"DeleteTrail\"") + "\n" + record(3)), "x.jsonl", e -> { }, dead);
        assertThat(lines).isEqualTo(new ReadSummary(1, 2, 1));
        assertThat(dead.only().reason()).contains("duplicate key");
    }

    @Test
    void severalBrokenRecordsEachCostThemselves() {
        Read r = asStream(records(i -> i % 100 == 7 ? record(i).replace("\"eventTime\":", "\"eventTime\"") : record(i)));

        assertThat(r.summary().accepted()).isEqualTo(N - 10);
        assertThat(r.summary().rejected()).isEqualTo(10);
        assertThat(r.dead().all()).hasSize(10);
    }

    @Test
    void theLastRecordBrokenEndsTheArrayAndTheNextDocumentIsRead() {
        String first = "{\"Records\":[" + record(1) + "," + record(2).replace("\"eventName\":", "\"eventName\" ") + "]}";
        String second = "{\"Records\":[" + record(3) + "]}";
        for (Function<String, Read> read : List.<Function<String, Read>>of(RecordResyncTest::asPayload, RecordResyncTest::asStream)) {
            Read r = read.apply(first + "\n" + second);

            assertThat(r.ids()).containsExactly("id-1", "id-3");
            assertThat(r.summary().rejected()).isEqualTo(1);
        }
    }

    @Test
    void whenTheRestCannotBeResyncedTheCountSaysWhatWasLost() {
        // an unterminated string puts the structure out of step: every record is still accounted for
        for (Function<String, Read> read : List.<Function<String, Read>>of(RecordResyncTest::asPayload, RecordResyncTest::asStream)) {
            Read r = read.apply(records(i -> i == BROKEN ? record(i).replace("\"ListUsers\"", "\"ListUsers") : record(i)));

            assertThat(r.summary().accepted()).isGreaterThanOrEqualTo(BROKEN);
            assertThat(r.summary().accepted() + r.summary().rejected()).isEqualTo(N);
            assertThat(r.ids()).doesNotContain("id-" + BROKEN);
        }
        Read oneLine = asPayload(records(i -> i == BROKEN ? record(i).replace("\"ListUsers\"", "\"ListUsers") : record(i)).replace("\n", ""));
        assertThat(oneLine.summary().accepted() + oneLine.summary().rejected()).isEqualTo(N);
        assertThat(oneLine.dead().all().get(oneLine.dead().all().size() - 1).reason()).contains("records, counted by their eventTime");
    }

    private record Read(ReadSummary summary, List<String> ids, CollectingDeadLetters dead) {
    }

    private static Read asPayload(String text) {
        List<String> ids = new ArrayList<>();
        CollectingDeadLetters dead = new CollectingDeadLetters();
        ReadSummary summary = new CloudTrailReader().read(bytes(text), "body", e -> ids.add(e.getEventID()), dead);
        return new Read(summary, ids, dead);
    }

    private static Read asStream(String text) {
        List<String> ids = new ArrayList<>();
        CollectingDeadLetters dead = new CollectingDeadLetters();
        ReadSummary summary = new CloudTrailReader().read(new ByteArrayInputStream(bytes(text)), "file.json", e -> ids.add(e.getEventID()), dead);
        return new Read(summary, ids, dead);
    }

    private static Read asGzip(String text) {
        List<String> ids = new ArrayList<>();
        CollectingDeadLetters dead = new CollectingDeadLetters();
        ReadSummary summary = new CloudTrailReader().read(new ByteArrayInputStream(IngestFixtures.gzip(bytes(text))), "file.json.gz",
                e -> ids.add(e.getEventID()), dead);
        return new Read(summary, ids, dead);
    }

    /** An S3 delivery file, one record per line (as pretty-printers leave it) so positions show their line. */
    private static String records(java.util.function.IntFunction<String> record) {
        StringBuilder sb = new StringBuilder("{\"Records\":[\n");
        for (int i = 0; i < N; i++) {
            sb.append(record.apply(i)).append(i < N - 1 ? ",\n" : "\n");
        }
        return sb.append("]}").toString();
    }

    private static String record(int i) {
        return "{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-08-01T13:33:" + String.format("%02d", i % 60) + "Z\",\"eventName\":\"ListUsers\","
                + "\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::111122223333:user/u" + i + "\"},"
                + "\"requestParameters\":{\"filters\":[{\"a\":\"}\"},{\"b\":[1,2,{\"c\":\"]\"}]}]},\"eventID\":\"id-" + i + "\"}";
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
