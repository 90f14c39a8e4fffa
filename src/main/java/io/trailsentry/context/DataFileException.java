package io.trailsentry.context;

import java.nio.file.Path;

/**
 * A data file beside the rules ({@code stages.yaml}, later the scoring ladder) that cannot be used,
 * with the line to look at. The rule loader reports it like a rule error (file:line: message).
 */
public final class DataFileException extends IllegalArgumentException {

    private final String file;
    private final int line;
    private final String reason;

    public DataFileException(Path file, int line, String reason) {
        this(String.valueOf(file), line, reason);
    }

    public DataFileException(String file, int line, String reason) {
        super(file + (line > 0 ? ":" + line : "") + ": " + reason);
        this.file = file;
        this.line = line;
        this.reason = reason;
    }

    public String file() {
        return file;
    }

    /** 1-based, 0 when the problem is the file as a whole. */
    public int line() {
        return line;
    }

    public String reason() {
        return reason;
    }
}
