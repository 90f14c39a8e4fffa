package io.trailsentry.pipeline;

import io.trailsentry.alert.Alert;
import io.trailsentry.config.StandaloneConfig;
import io.trailsentry.config.TrailSentryConfig;
import io.trailsentry.context.Baselines;
import io.trailsentry.ingest.ReadSummary;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The server's alerts depend on what it is sent, not on when (issue #17, 4): two HTTP runs of one file
 * once gave 1,118 and 1,131 alerts with 459 ids in common, because a thread released events that had
 * waited 20 ms of processing time in the middle of a body. Now a payload is evaluated whole and flushed
 * at its end; eventIDs are remembered for the dedup horizon, so a payload sent again adds nothing.
 * The bundled sample (1,304 records, an hour, out of order within minutes) is the input.
 */
class LiveDeterminismTest {

    private static final Path SAMPLE = Path.of("samples/cloudtrail-sample.jsonl");
    private static final TrailSentryConfig CONFIG = StandaloneConfig.load(null);

    @Test
    void aPayloadGivesTheSameAlertsWhateverTheThreadsDo() throws Exception {
        // Eight hours of the sample in one body: long enough to parse that a processing-time hold
        // would release part of it before the rest was read.
        byte[] sample = bytes(hours(Files.readAllLines(SAMPLE), 8));
        Set<String> quiet = ids(runOnce(List.of(sample), false));
        Set<String> busy = ids(runOnce(List.of(sample), true));

        assertThat(quiet).hasSizeGreaterThan(10);
        assertThat(busy).isEqualTo(quiet);
    }

    @Test
    void oneBodyOrManyInTimeOrderGiveTheSameAlerts() throws Exception {
        List<String> lines = sortedByTime(Files.readAllLines(SAMPLE));
        List<byte[]> ten = new ArrayList<>();
        for (int i = 0; i < lines.size(); i += lines.size() / 10 + 1) {
            ten.add(bytes(lines.subList(i, Math.min(lines.size(), i + lines.size() / 10 + 1))));
        }

        assertThat(ids(runOnce(ten, true))).isEqualTo(ids(runOnce(List.of(bytes(lines)), false)));
    }

    @Test
    void aPayloadSentAgainWithinTheDedupHorizonAddsNoAlert() throws Exception {
        // The sample's last half hour, sent, then 20 minutes of someone else's calls (event time moves
        // well past the allowed lateness), then the same half hour again: a retry, or a file read twice.
        List<String> lastHalfHour = sortedByTime(Files.readAllLines(SAMPLE)).stream()
                .filter(line -> timeOf(line).compareTo("2026-01-20T17:45:00Z") >= 0).toList();
        byte[] payload = bytes(lastHalfHour);
        List<Alert> alerts = new ArrayList<>();
        try (DetectionPipeline server = server(alerts)) {
            server.ingestPayload(payload, "http", d -> { });
            int first = alerts.size();
            server.ingestPayload(bytes(laterTraffic(Instant.parse("2026-01-20T18:16:00Z"), 20)), "http", d -> { });
            int afterOthers = alerts.size();

            ReadSummary again = server.ingestPayload(payload, "http", d -> { });

            assertThat(first).isPositive();
            assertThat(again.accepted()).isEqualTo(lastHalfHour.size());
            assertThat(server.counters("http").duplicates()).isEqualTo(lastHalfHour.size());
            assertThat(alerts).hasSize(afterOthers);
        }
    }

    private List<Alert> runOnce(List<byte[]> payloads, boolean racingThread) throws Exception {
        List<Alert> alerts = new ArrayList<>();
        try (DetectionPipeline server = server(alerts)) {
            AtomicBoolean done = new AtomicBoolean();
            // What used to release held events mid-body: a thread ticking the pipeline as fast as it can.
            Thread ticker = new Thread(() -> {
                while (!done.get()) {
                    server.tick();
                }
            });
            if (racingThread) {
                ticker.start();
            }
            try {
                for (byte[] payload : payloads) {
                    server.ingestPayload(payload, "http", d -> { });
                }
            } finally {
                done.set(true);
                if (racingThread) {
                    ticker.join();
                }
            }
        }
        return alerts;
    }

    private static DetectionPipeline server(List<Alert> alerts) throws Exception {
        return Pipelines.serverPipeline(CONFIG, PipelineFixture.rules(), new Baselines(100_000), List.of(alerts::add), d -> { });
    }

    private static Set<String> ids(List<Alert> alerts) {
        Set<String> ids = new TreeSet<>();
        alerts.forEach(a -> ids.add(a.alertId()));
        assertThat(ids).as("no alert twice").hasSize(alerts.size());
        return ids;
    }

    private static final Pattern TIME = Pattern.compile("\"eventTime\"\\s*:\\s*\"([^\"]+)\"");

    private static List<String> sortedByTime(List<String> lines) {
        List<String> sorted = new ArrayList<>(lines);
        sorted.sort(Comparator.comparing(LiveDeterminismTest::timeOf));
        return sorted;
    }

    private static String timeOf(String line) {
        Matcher m = TIME.matcher(line);
        return m.find() ? m.group(1) : "";
    }

    /** The sample again each hour after it, with its eventIDs made unique per copy. */
    private static List<String> hours(List<String> sample, int copies) {
        List<String> out = new ArrayList<>();
        for (int h = 0; h < copies; h++) {
            for (String line : sample) {
                Matcher m = TIME.matcher(line);
                if (!m.find()) {
                    continue;
                }
                String shifted = Instant.parse(m.group(1)).plus(Duration.ofHours(h)).toString();
                out.add(line.substring(0, m.start(1)) + shifted + line.substring(m.end(1))
                        .replaceFirst("\"eventID\"\\s*:\\s*\"", "\"eventID\":\"h" + h + "-"));
            }
        }
        return out;
    }

    private static List<String> laterTraffic(Instant start, int minutes) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < minutes; i++) {
            lines.add("{\"eventTime\":\"" + start.plus(Duration.ofMinutes(i)) + "\",\"eventName\":\"GetCallerIdentity\","
                    + "\"eventSource\":\"sts.amazonaws.com\",\"eventID\":\"later-" + i + "\",\"sourceIPAddress\":\"10.0.0.1\","
                    + "\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"AIDALATER\",\"arn\":\"arn:aws:iam::111122223333:user/later\","
                    + "\"accountId\":\"111122223333\"}}");
        }
        return lines;
    }

    private static byte[] bytes(List<String> lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
