package io.trailsentry.archive;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;

/**
 * The archive's file names: {@code YYYY/MM/DD/HH-NNNNNN.jsonl.gz} in UTC, the part number counting
 * the times the hour was opened. Sorted path order is event-time order (hours), then arrival order
 * (parts), which is what a reader walking the folder needs.
 */
final class ArchiveLayout {

    private static final Pattern PART = Pattern.compile("(\\d{2})-(\\d{6})\\.jsonl\\.gz");
    private static final Pattern RELATIVE = Pattern.compile("(\\d{4})/(\\d{2})/(\\d{2})/(\\d{2})-\\d{6}\\.jsonl\\.gz");

    private ArchiveLayout() {
    }

    /** {@code 2026/01/20} for any time in that UTC day. */
    static String dayPath(long millis) {
        ZonedDateTime t = Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC);
        return String.format("%04d/%02d/%02d", t.getYear(), t.getMonthValue(), t.getDayOfMonth());
    }

    /** {@code 09-000003.jsonl.gz}: the third part of the 09:00 hour. */
    static String partName(long hourStartMillis, int number) {
        int hour = Instant.ofEpochMilli(hourStartMillis).atZone(ZoneOffset.UTC).getHour();
        return String.format("%02d-%06d.jsonl.gz", hour, number);
    }

    static boolean isPart(String name) {
        return PART.matcher(name).matches();
    }

    /** Start of the hour a relative path holds, epoch millis; {@link Long#MIN_VALUE} for a path that is not a part. */
    static long hourOf(String relative) {
        Matcher m = RELATIVE.matcher(relative);
        if (!m.matches()) {
            return Long.MIN_VALUE;
        }
        try {
            return ZonedDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Integer.parseInt(m.group(4)), 0, 0, 0, ZoneOffset.UTC).toInstant().toEpochMilli();
        } catch (java.time.DateTimeException e) {
            return Long.MIN_VALUE;
        }
    }

    /** One past the highest part number of the hour in the folder, hidden parts included. */
    static int nextPartNumber(Path dayDir, long hourStartMillis) throws IOException {
        String prefix = partName(hourStartMillis, 0).substring(0, 3);
        int max = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dayDir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                name = name.startsWith(".") ? name.substring(1) : name;
                Matcher m = PART.matcher(name);
                if (name.startsWith(prefix) && m.matches()) {
                    max = Math.max(max, Integer.parseInt(m.group(2)));
                }
            }
        }
        return max + 1;
    }

    /**
     * Keeps the complete lines of a hidden part a crash (or a failed write) left behind: they are
     * written to the part's visible name and the hidden file is deleted. Streams, so an hour of any
     * size fits in memory.
     *
     * @return the visible file, or null when no complete line was left (the hidden file is deleted)
     */
    static Path salvage(Path hidden, EventArchive.Output output) throws IOException {
        Path visible = hidden.resolveSibling(hidden.getFileName().toString().substring(1));
        Path scratch = hidden.resolveSibling(hidden.getFileName() + ".salvage");
        Files.deleteIfExists(scratch);
        boolean kept = false;
        try (InputStream in = gunzip(hidden); OutputStream out = new GZIPOutputStream(output.open(scratch), 64 * 1024)) {
            ByteArrayOutputStream partial = new ByteArrayOutputStream();
            byte[] buffer = new byte[64 * 1024];
            while (in != null) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (EOFException | ZipException truncated) {
                    break; // the tail the crash cut off
                }
                if (n < 0) {
                    break;
                }
                int lastNewline = -1;
                for (int i = n - 1; i >= 0; i--) {
                    if (buffer[i] == '\n') {
                        lastNewline = i;
                        break;
                    }
                }
                if (lastNewline < 0) {
                    partial.write(buffer, 0, n);
                    continue;
                }
                partial.writeTo(out);
                out.write(buffer, 0, lastNewline + 1);
                partial.reset();
                partial.write(buffer, lastNewline + 1, n - lastNewline - 1);
                kept = true;
            }
        }
        if (!kept) {
            Files.deleteIfExists(scratch);
            Files.deleteIfExists(hidden);
            return null;
        }
        Files.move(scratch, visible, StandardCopyOption.ATOMIC_MOVE);
        Files.deleteIfExists(hidden);
        return visible;
    }

    /** Null when not even the gzip header was written. */
    private static InputStream gunzip(Path file) throws IOException {
        InputStream raw = Files.newInputStream(file);
        try {
            return new GZIPInputStream(raw);
        } catch (EOFException | ZipException noHeader) {
            raw.close();
            return null;
        }
    }

    /** Removes {@code dir} and its parents up to (not including) {@code root} while they are empty. */
    static void deleteEmptyParents(Path dir, Path root) {
        Path current = dir;
        while (current != null && !current.equals(root) && current.startsWith(root)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(current)) {
                if (entries.iterator().hasNext()) {
                    return;
                }
            } catch (IOException e) {
                return;
            }
            try {
                Files.delete(current);
            } catch (IOException e) {
                return;
            }
            current = current.getParent();
        }
    }
}
