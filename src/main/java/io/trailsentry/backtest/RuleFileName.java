package io.trailsentry.backtest;

import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The name of a file in a rules folder as a caller may give it over the API: a relative path of
 * plain segments (letters, digits, {@code _ . -}, none starting with a dot, so no {@code ..}, no hidden
 * file, no absolute path, no backslash) ending in {@code .epl}, {@code .yml} or {@code .yaml} — the
 * rules, their {@code *.tests.yaml}, Sigma rules and the data beside them ({@code scoring.yaml},
 * {@code allowlist.yaml}, {@code stages.yaml}). Checked before anything touches the disk, and
 * {@link #resolveIn} checks again that the resolved path stays inside the folder.
 */
public record RuleFileName(String value) {

    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final int MAX_DEPTH = 4;

    /** @throws IllegalArgumentException saying what is wrong with the name and what is accepted */
    public RuleFileName {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("a file name is empty; name files as in the rules folder, e.g. credential_access_secrets_bulk_retrieval.epl");
        }
        String[] segments = value.split("/", -1);
        boolean plain = segments.length <= MAX_DEPTH;
        for (String segment : segments) {
            plain &= SEGMENT.matcher(segment).matches();
        }
        if (!plain) {
            throw new IllegalArgumentException("'" + printable(value) + "' is not a file name inside the rules folder: use a relative path of at most "
                    + MAX_DEPTH + " parts of letters, digits, '_', '.', '-' separated by '/', none starting with '.'");
        }
        String lower = value.toLowerCase(Locale.ROOT);
        if (!(lower.endsWith(".epl") || lower.endsWith(".yml") || lower.endsWith(".yaml"))) {
            throw new IllegalArgumentException("'" + value + "' is not a rules file: only .epl, .yml and .yaml files (rules, rule tests, "
                    + "scoring.yaml, allowlist.yaml, stages.yaml) can be changed");
        }
    }

    /** The file inside {@code dir}. @throws IllegalArgumentException if it would not be (it cannot, by construction; checked anyway) */
    public Path resolveIn(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        Path file = root.resolve(value).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            throw new IllegalArgumentException("'" + value + "' resolves outside the rules folder");
        }
        return file;
    }

    @Override
    public String toString() {
        return value;
    }

    /** A name shown back in an error: control characters would garble a log line or a terminal. */
    private static String printable(String text) {
        String shown = text.length() > 200 ? text.substring(0, 200) + "…" : text;
        return shown.replaceAll("\\p{Cntrl}", "?");
    }
}
