package io.trailsentry.backtest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Changed rule files submitted for a backtest, laid over a copy of the deployed rules folder: each
 * file's text replaces or adds that file, a null text deletes it. Bounded before anything is written:
 * a caller can make the server store at most {@link #MAX_FILES} files of {@link #MAX_FILE_BYTES} each,
 * {@link #MAX_TOTAL_BYTES} in all — a rule change is a few files of a few kilobytes.
 *
 * @param files the changes by file name; a null text deletes the file from the copy
 */
public record RuleChanges(Map<RuleFileName, String> files) {

    public static final int MAX_FILES = 64;
    /** As {@code POST /rules/validate}: the longest shipped rule file is under 20 KB. */
    public static final int MAX_FILE_BYTES = 256 * 1024;
    public static final int MAX_TOTAL_BYTES = 2 * 1024 * 1024;

    /** The changes are over a bound (files, bytes): the API answers 413 rather than 400. */
    public static final class TooLarge extends IllegalArgumentException {
        TooLarge(String message) {
            super(message);
        }
    }

    public RuleChanges {
        // Sorted, so the job shows them and writes them in one order; a TreeMap because a null text (delete) is a value here.
        TreeMap<RuleFileName, String> sorted = new TreeMap<>(Comparator.comparing(RuleFileName::value));
        sorted.putAll(files);
        files = Collections.unmodifiableMap(sorted);
    }

    /**
     * Checks names and sizes.
     *
     * @param submitted text by file name, as sent (null text: delete)
     * @throws IllegalArgumentException naming every problem found, so one round trip fixes them all
     */
    public static RuleChanges of(Map<String, String> submitted) {
        if (submitted == null || submitted.isEmpty()) {
            throw new IllegalArgumentException("no files: send the changed rule files as {\"files\": {\"name.epl\": \"text\", ...}}");
        }
        if (submitted.size() > MAX_FILES) {
            throw new TooLarge(submitted.size() + " files: at most " + MAX_FILES + " changed files per backtest");
        }
        List<String> problems = new ArrayList<>();
        boolean tooLarge = false;
        Map<RuleFileName, String> files = new LinkedHashMap<>();
        long total = 0;
        for (Map.Entry<String, String> e : submitted.entrySet()) {
            try {
                RuleFileName name = new RuleFileName(e.getKey());
                int bytes = e.getValue() == null ? 0 : e.getValue().getBytes(StandardCharsets.UTF_8).length;
                if (bytes > MAX_FILE_BYTES) {
                    tooLarge = true;
                    problems.add(name + " is " + bytes + " bytes: at most " + MAX_FILE_BYTES + " per file");
                }
                total += bytes;
                files.put(name, e.getValue());
            } catch (IllegalArgumentException bad) {
                problems.add(bad.getMessage());
            }
        }
        if (total > MAX_TOTAL_BYTES) {
            tooLarge = true;
            problems.add("the files hold " + total + " bytes: at most " + MAX_TOTAL_BYTES + " in all");
        }
        if (!problems.isEmpty()) {
            String all = String.join("; ", problems);
            throw tooLarge ? new TooLarge(all) : new IllegalArgumentException(all);
        }
        return new RuleChanges(files);
    }

    /** The changed file names, sorted. */
    public List<String> names() {
        return files.keySet().stream().map(RuleFileName::value).toList();
    }

    /** Writes the changes into {@code folder} (a copy of the deployed rules): texts replace or add files, nulls delete them. */
    public void applyTo(Path folder) throws IOException {
        for (Map.Entry<RuleFileName, String> e : files.entrySet()) {
            Path file = e.getKey().resolveIn(folder);
            if (e.getValue() == null) {
                Files.deleteIfExists(file);
            } else {
                Files.createDirectories(file.getParent());
                Files.writeString(file, e.getValue(), StandardCharsets.UTF_8);
            }
        }
    }

    /**
     * Copies a rules folder's files (hidden ones, such as an editor's or git's, left out: the rule
     * loader skips them too) into {@code into}, which must be empty or absent.
     */
    public static void copyRulesFolder(Path from, Path into) throws IOException {
        Files.createDirectories(into);
        List<Path> files;
        try (Stream<Path> walk = Files.walk(from)) {
            files = walk.filter(Files::isRegularFile).filter(p -> !hidden(from.relativize(p))).toList();
        }
        for (Path file : files) {
            Path target = into.resolve(from.relativize(file).toString());
            Files.createDirectories(target.getParent());
            Files.copy(file, target);
        }
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
