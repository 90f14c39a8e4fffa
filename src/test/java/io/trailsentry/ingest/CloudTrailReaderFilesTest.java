package io.trailsentry.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static io.trailsentry.ingest.IngestFixtures.gzip;
import static io.trailsentry.ingest.IngestFixtures.resource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Files and directory trees: S3 layout, sorted order, hidden entries, unreadable paths, the Stratus corpus. */
class CloudTrailReaderFilesTest {

    private final CloudTrailReader reader = new CloudTrailReader();

    @Test
    void walksAnS3PrefixInPathOrderSkippingHiddenEntries(@TempDir Path root) throws IOException {
        Path day1 = Files.createDirectories(root.resolve("AWSLogs/123456789012/CloudTrail/us-east-1/2024/08/01"));
        Path day2 = Files.createDirectories(root.resolve("AWSLogs/123456789012/CloudTrail/us-east-1/2024/08/02"));
        // written out of order on purpose: the walk must sort
        Files.write(day2.resolve("123456789012_CloudTrail_us-east-1_20240802T0000Z_c.json"), resource("full-record.json"));
        Files.write(day1.resolve("123456789012_CloudTrail_us-east-1_20240801T1335Z_b.json.gz"), gzip(resource("array.json")));
        Files.write(day1.resolve("123456789012_CloudTrail_us-east-1_20240801T1330Z_a.json.gz"), gzip(resource("records-compact.json")));
        Files.write(day1.resolve(".DS_Store"), new byte[]{0, 1, 2});
        Files.write(Files.createDirectories(day1.resolve(".partial")).resolve("x.json"), "junk".getBytes());

        List<CloudTrailEvent> events = new ArrayList<>();
        CollectingDeadLetters dead = new CollectingDeadLetters();
        ReadSummary summary = reader.read(root.resolve("AWSLogs"), events::add, dead);

        assertEquals(List.of(), dead.all());
        assertEquals(new ReadSummary(3, 5, 0), summary);
        assertEquals(List.of(IngestFixtures.full(), IngestFixtures.second(), // a.json.gz
                IngestFixtures.full(), IngestFixtures.second(),                // b.json.gz
                IngestFixtures.full()), events);                               // day 2
    }

    @Test
    void aBadFileInATreeCostsOnlyItself(@TempDir Path root) throws IOException {
        Files.write(root.resolve("1.json"), resource("records.jsonl"));
        Files.write(root.resolve("2.json.gz"), "not gzip and not json".getBytes());
        Files.write(root.resolve("3.json"), new byte[0]);
        Files.write(root.resolve("4.json"), gzip(resource("full-record.json")));

        List<CloudTrailEvent> events = new ArrayList<>();
        CollectingDeadLetters dead = new CollectingDeadLetters();
        ReadSummary summary = reader.read(root, events::add, dead);

        assertEquals(new ReadSummary(4, 3, 2), summary);
        assertEquals(List.of(root.resolve("2.json.gz").toString(), root.resolve("3.json").toString()),
                dead.all().stream().map(DeadLetter::source).toList());
    }

    @Test
    void missingPathIsOneDeadLetter(@TempDir Path root) {
        CollectingDeadLetters dead = new CollectingDeadLetters();
        ReadSummary summary = reader.read(root.resolve("nope.json.gz"), e -> { }, dead);

        assertEquals(new ReadSummary(1, 0, 1), summary);
        assertTrue(dead.only().reason().contains("NoSuchFileException"), dead.only()::toString);
        assertEquals("file", dead.only().position());
    }

    @Test
    void directoriesReadOnlyDataFilesAndSkipDigests(@org.junit.jupiter.api.io.TempDir Path root) throws IOException {
        Path region = Files.createDirectories(root.resolve("AWSLogs/123456789012/CloudTrail/us-east-1/2024/08/01"));
        Files.write(region.resolve("a.json"), resource("full-record.json"));
        Files.write(region.resolve("b.jsonl.gz"), gzip(resource("records.jsonl")));
        Files.writeString(root.resolve("README.md"), "# notes about these logs");
        Files.writeString(root.resolve("LICENSE"), "Apache License");
        Path digest = Files.createDirectories(root.resolve("AWSLogs/123456789012/CloudTrail-Digest/us-east-1/2024/08/01"));
        Files.writeString(digest.resolve("d.json"), "{\"digestStartTime\":\"2024-08-01T00:00:00Z\"}");
        CollectingDeadLetters dead = new CollectingDeadLetters();

        ReadSummary summary = reader.read(root, e -> { }, dead);

        assertEquals(List.of(), dead.all());
        assertEquals(2, summary.files());
        assertTrue(summary.accepted() >= 2, summary::toString);
        // named explicitly, any file is read (and a README is then a clear dead letter)
        assertEquals(1, reader.read(root.resolve("README.md"), e -> { }, dead).rejected());
    }

    @Test
    void stratusDetonationLogsParseWithoutRejects() throws IOException {
        Path corpus = Stream.of(Path.of("..", "shared", "data", "stratus-detonation-logs"),
                        Path.of("/work/shared/data/stratus-detonation-logs"))
                .filter(Files::isDirectory).findFirst().orElse(null);
        assumeTrue(corpus != null, "Stratus detonation logs not beside the checkout");

        // The whole folder, as a user would point at it: its README.md and LICENSE are not input.
        List<CloudTrailEvent> events = new ArrayList<>();
        CollectingDeadLetters dead = new CollectingDeadLetters();
        ReadSummary summary = reader.read(corpus, events::add, dead);
        long expected = 0;
        ObjectMapper mapper = new ObjectMapper(); // a tree here only to count independently of the reader
        try (Stream<Path> files = Files.list(corpus)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                JsonNode root = mapper.readTree(file.toFile());
                expected += root.isArray() ? root.size() : 1;
            }
        }

        assertEquals(List.of(), dead.all());
        assertTrue(summary.files() >= 30, summary::toString);
        assertTrue(summary.accepted() >= 300, summary::toString);
        assertEquals(expected, summary.accepted());
        assertTrue(events.stream().allMatch(e -> e.getEventSource() != null && e.getUserIdentityType() != null),
                "every Stratus event names its service and caller type");
    }
}
