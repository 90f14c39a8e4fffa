package io.trailsentry.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

class JsonlDeadLetterFileTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void writesOneJsonObjectPerLineCreatingParentsAndAppending(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("deep/er/dead-letters.jsonl");
        try (JsonlDeadLetterFile sink = new JsonlDeadLetterFile(file)) {
            sink.accept(new DeadLetter("a.json", "line 2", "malformed JSON: \"quoted\"\nnewline", "\\x00é"));
            assertEquals(1, sink.count());
        }
        try (JsonlDeadLetterFile sink = new JsonlDeadLetterFile(file)) {
            sink.accept(new DeadLetter("b.json", "record 1", "missing eventTime", ""));
        }

        List<String> lines = Files.readAllLines(file);
        assertEquals(2, lines.size());
        assertEquals(Map.of("source", "a.json", "position", "line 2",
                "reason", "malformed JSON: \"quoted\"\nnewline", "excerpt", "\\x00é"), mapper.readValue(lines.get(0), Map.class));
        assertEquals("b.json", mapper.readTree(lines.get(1)).get("source").asText());
    }

    @Test
    void concurrentWritersNeverInterleaveLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("dl.jsonl");
        int threads = 4;
        int each = 500;
        try (JsonlDeadLetterFile sink = new JsonlDeadLetterFile(file)) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new java.util.ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    done.add(pool.submit(() -> {
                        for (int i = 0; i < each; i++) {
                            sink.accept(new DeadLetter("t" + thread, "line " + i, "reason " + "x".repeat(i % 50), ""));
                        }
                    }));
                }
                for (Future<?> f : done) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
            assertEquals(threads * each, sink.count());
        }
        Set<String> seen = new HashSet<>();
        for (String line : Files.readAllLines(file)) {
            var node = mapper.readTree(line);
            seen.add(node.get("source").asText() + "/" + node.get("position").asText());
        }
        assertEquals(threads * each, seen.size());
    }
}
