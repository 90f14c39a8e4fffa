package io.trailsentry.ingest;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lists the files to read under a path, in sorted path order.
 *
 * <p>Sorted because S3 prefixes encode time ({@code …/2024/08/01/…_20240801T1335Z_…json.gz}), so path
 * order is roughly event order and the engine's clock moves forward. Hidden entries ({@code .DS_Store},
 * {@code .git}, editors' swap files) are skipped; symlinks are not followed.
 *
 * <p>Inside a directory only files named like CloudTrail data are read ({@link #DATA_SUFFIXES}): a
 * README or LICENSE beside the logs is not input. {@code CloudTrail-Digest} folders are skipped too:
 * digest files sign the logs, they are not events. A file named explicitly is always read.
 */
final class SourceFiles {

    static final java.util.List<String> DATA_SUFFIXES = java.util.List.of(
            ".json", ".json.gz", ".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz", ".gz");

    private SourceFiles() {
    }

    /** @return each file mapped to null, or to the error that kept it (or its directory) from being listed */
    static Map<Path, IOException> list(Path root) {
        Map<Path, IOException> files = new TreeMap<>();
        if (!Files.isDirectory(root)) {
            files.put(root, null); // a missing or unreadable file is reported when it is opened
            return files;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    boolean skip = !dir.equals(root) && (hidden(dir) || "CloudTrail-Digest".equals(dir.getFileName().toString()));
                    return skip ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && !hidden(file) && looksLikeData(file)) {
                        files.put(file, null);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    if (!hidden(file)) {
                        files.put(file, e);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            files.put(root, e);
        }
        return files;
    }

    private static boolean looksLikeData(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        return DATA_SUFFIXES.stream().anyMatch(name::endsWith);
    }

    private static boolean hidden(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith(".");
    }
}
