package io.trailsentry.ingest;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Blank bytes before the first value cost time and memory in proportion to their number, not its
 * square (issue #17, 1): an 8.6 KB gzip body of 8 MiB of spaces used to keep a request busy for 45 s,
 * because deciding the input's shape looked at each blank without consuming it and grew the line
 * buffer by one byte per look. Scaled down: a 64 KiB line limit and 4 MiB of blanks show the same
 * growth (before the fix: hours), and positions still count the skipped lines.
 */
class LeadingBlanksTest {

    private static final IngestLimits SMALL_LINES = new IngestLimits(64 * 1024, 64 * 1024, 64 * 1024);
    private static final int BLANKS = 4 * 1024 * 1024 + 64 * 1024;

    @Test
    void megabytesOfLeadingSpacesAreSkippedInLinearTime() {
        byte[] body = IngestFixtures.gzip(withLeading(" ".repeat(BLANKS), record("after-spaces")));
        List<CloudTrailEvent> events = new ArrayList<>();
        CollectingDeadLetters dead = new CollectingDeadLetters();

        ReadSummary summary = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> new CloudTrailReader(SMALL_LINES).read(new ByteArrayInputStream(body), "spaces.json.gz", events::add, dead));

        assertThat(summary.accepted()).isEqualTo(1);
        assertThat(dead.all()).isEmpty();
        assertThat(events).extracting(CloudTrailEvent::getEventID).containsExactly("after-spaces");
    }

    @Test
    void onlyBlanksIsAnEmptyInputQuickly() {
        byte[] body = IngestFixtures.gzip(" \n\t\r".repeat(BLANKS / 4).getBytes(StandardCharsets.US_ASCII));
        CollectingDeadLetters dead = new CollectingDeadLetters();

        ReadSummary summary = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> new CloudTrailReader(SMALL_LINES).read(new ByteArrayInputStream(body), "blank.gz", e -> { }, dead));

        assertThat(summary.rejected()).isEqualTo(1);
        assertThat(dead.only().reason()).contains("empty input");
    }

    @Test
    void linesSkippedBeforeTheFirstValueStillCountInPositions() {
        String lines = "\n".repeat(3) + record("one") + "\n" + "{\"eventTime\": 7, \"eventName\": \"X\"}\n";
        String document = "\n\n[\n" + record("one") + ",\n" + "{\"eventTime\": 7, \"eventName\": \"X\"}]";
        CollectingDeadLetters fromLines = new CollectingDeadLetters();
        CollectingDeadLetters fromDocument = new CollectingDeadLetters();

        new CloudTrailReader().read(new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8)), "l.jsonl", e -> { }, fromLines);
        new CloudTrailReader().read(document.getBytes(StandardCharsets.UTF_8), "d.json", e -> { }, fromDocument);

        assertThat(fromLines.only().position()).isEqualTo("line 5");
        assertThat(fromDocument.only().position()).startsWith("record 2, line 5");
    }

    private static String record(String id) {
        return "{\"eventTime\":\"2024-08-01T13:33:28Z\",\"eventName\":\"ListUsers\",\"eventID\":\"" + id + "\"}";
    }

    private static byte[] withLeading(String blanks, String record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(blanks.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(record.getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
