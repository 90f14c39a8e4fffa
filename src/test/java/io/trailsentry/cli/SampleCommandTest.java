package io.trailsentry.cli;

import io.trailsentry.sample.SampleGenerator;
import io.trailsentry.sample.SampleSpec;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleCommandTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return SampleCommand.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void defaultsReproduceTheBundledSample(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sample.jsonl");
        assertEquals(0, run("--out", file.toString()));
        Path expected = dir.resolve("expected.jsonl");
        new SampleGenerator(SampleSpec.bundled()).writeJsonLines(expected, false);
        assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(file));
        String line = out.toString(StandardCharsets.UTF_8);
        assertTrue(line.startsWith("wrote ") && line.contains("injected: [burst, chain]") && line.lines().count() == 1, line);
    }

    @Test
    void sizedRunWritesExactlyTheRequestedBackgroundPlusScenarios(@TempDir Path dir) {
        assertEquals(0, run("--out", dir.resolve("s.jsonl.gz").toString(), "--format", "jsonl.gz", "--events", "3000",
                "--seed", "9", "--scenarios", "straddle,lowslow"));
        // straddle 64 + low-and-slow 31
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("wrote 3095 records (3000 background, 95 injected"),
                out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void badArgumentsExplainThemselves(@TempDir Path dir) {
        assertEquals(2, run("--seed", "1"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Missing required option: '--out=PATH'"), err.toString(StandardCharsets.UTF_8));
        assertEquals(2, run("--out", dir.toString(), "--scenarios", "burst,exfil"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown scenario exfil"));
        err.reset();
        assertEquals(2, run("--out", dir.toString(), "--format", "csv"));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("--format must be jsonl, jsonl.gz or s3, got csv"), err.toString(StandardCharsets.UTF_8));
        assertTrue(err.toString(StandardCharsets.UTF_8).contains("Usage: sample"), "the usage follows the error");
    }
}
