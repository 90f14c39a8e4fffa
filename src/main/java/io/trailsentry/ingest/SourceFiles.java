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
 */
final class SourceFiles {

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
                    return !dir.equals(root) && hidden(dir) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && !hidden(file)) {
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

    private static boolean hidden(Path path) {
        Path name = path.getFileName();
        return name != null && name.toString().startsWith(".");
    }
}
