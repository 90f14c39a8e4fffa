package io.trailsentry.server;

import io.trailsentry.alert.Alert;
import io.trailsentry.alert.JsonlAlertSink;
import io.trailsentry.config.StandaloneConfig;
import io.trailsentry.config.TrailSentryConfig;
import io.trailsentry.context.Baselines;
import io.trailsentry.engine.CompiledRules;
import io.trailsentry.engine.TestRules;
import io.trailsentry.pipeline.DetectionPipeline;
import io.trailsentry.pipeline.Pipelines;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An inbox file read again after a kill gives the alerts it would have given, with the ids those
 * already written had (issue #17, 4: a file reprocessed after a crash once added 2,658 alerts of which
 * 243 had pre-crash ids). The kill is a pipeline abandoned halfway through the second file (nothing
 * flushed, closed or saved); the restart is a fresh pipeline that first reads the recently processed
 * files again with nothing emitted ({@link InboxRecovery}), then the unfinished file whole.
 */
class InboxRecoveryTest {

    private static final Path SAMPLE = Path.of("samples/cloudtrail-sample.jsonl");
    private static final TrailSentryConfig CONFIG = StandaloneConfig.load(null);
    private static CompiledRules rules;

    @BeforeAll
    static void compile() throws Exception {
        rules = TestRules.shipped();
    }

    @Test
    void aFileReadAgainAfterAKillGivesTheSameAlertsAndTheAlertFileNoDuplicate(@TempDir Path dir) throws Exception {
        List<String> lines = sortedByTime(Files.readAllLines(SAMPLE));
        byte[] first = bytes(lines.subList(0, lines.size() / 2));
        byte[] second = bytes(lines.subList(lines.size() / 2, lines.size()));
        Path processed = dir.resolve("inbox/processed");
        Files.createDirectories(processed);

        // What an uninterrupted server gives for the two files
        List<Alert> uninterrupted = new ArrayList<>();
        try (DetectionPipeline server = collecting(uninterrupted)) {
            server.ingestPayload(first, "inbox", d -> { });
            server.ingestPayload(second, "inbox", d -> { });
        }

        // Before the kill: the first file processed (and moved), the second read halfway
        Path alertFile = dir.resolve("alerts.jsonl");
        List<Alert> beforeKill = new ArrayList<>();
        JsonlAlertSink fileBefore = new JsonlAlertSink(alertFile);
        DetectionPipeline killed = server(List.of(beforeKill::add, fileBefore));
        killed.ingestPayload(first, "inbox", d -> { });
        Path firstDone = Files.write(processed.resolve("first.jsonl"), first);
        Files.setLastModifiedTime(firstDone, FileTime.from(Instant.now()));
        killed.ingest(bytes(lines.subList(lines.size() / 2, lines.size() * 3 / 4)), "inbox"); // then SIGKILL: nothing flushed
        fileBefore.close();
        int beforeKillFromSecond = beforeKill.size() - firstFileAlerts(first).size();

        // After the restart: the processed file read again silently, then the unfinished file whole
        List<Alert> afterRestart = new ArrayList<>();
        JsonlAlertSink fileAfter = new JsonlAlertSink(alertFile);
        try (DetectionPipeline restarted = server(List.of(afterRestart::add, fileAfter))) {
            List<Path> rebuilt = new InboxRecovery(processed, Duration.ofHours(1)).rebuild(restarted);
            assertThat(rebuilt).containsExactly(firstDone);
            assertThat(afterRestart).as("nothing of the processed file is emitted again").isEmpty();

            restarted.ingestPayload(second, "inbox", d -> { });
        }
        fileAfter.close();

        Set<String> all = ids(uninterrupted);
        Set<String> written = new TreeSet<>();
        List<String> fileLines = Files.readAllLines(alertFile);
        fileLines.forEach(line -> written.add(line.substring(line.indexOf("\"alertId\":\"") + 11, line.indexOf("\"alertId\":\"") + 47)));
        assertThat(beforeKillFromSecond).as("the kill came after some alerts of the second file").isPositive();
        assertThat(ids(beforeKill)).isSubsetOf(all);
        assertThat(ids(afterRestart)).isEqualTo(subtract(all, ids(firstFileAlerts(first))));
        assertThat(written).isEqualTo(all);
        assertThat(fileLines).as("no alert twice in the file").hasSize(all.size());
    }

    private static List<Alert> firstFileAlerts(byte[] first) throws Exception {
        List<Alert> alerts = new ArrayList<>();
        try (DetectionPipeline server = collecting(alerts)) {
            server.ingestPayload(first, "inbox", d -> { });
        }
        return alerts;
    }

    private static DetectionPipeline server(List<io.trailsentry.alert.AlertSink> sinks) throws Exception {
        return Pipelines.serverPipeline(CONFIG, rules, new Baselines(100_000), sinks, d -> { });
    }

    private static DetectionPipeline collecting(List<Alert> alerts) throws Exception {
        return server(List.<io.trailsentry.alert.AlertSink>of(alerts::add));
    }

    private static Set<String> ids(List<Alert> alerts) {
        Set<String> ids = new TreeSet<>();
        alerts.forEach(a -> ids.add(a.alertId()));
        return ids;
    }

    private static Set<String> subtract(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.removeAll(b);
        return out;
    }

    private static final Pattern TIME = Pattern.compile("\"eventTime\"\\s*:\\s*\"([^\"]+)\"");

    private static List<String> sortedByTime(List<String> lines) {
        List<String> sorted = new ArrayList<>(lines);
        sorted.sort(Comparator.comparing(line -> {
            Matcher m = TIME.matcher(line);
            return m.find() ? m.group(1) : "";
        }));
        return sorted;
    }

    private static byte[] bytes(List<String> lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
