package io.trailsentry.engine.sigma;

import java.util.Locale;

/** EPL spelling helpers shared by the generators. */
final class SigmaEpl {

    private SigmaEpl() {
    }

    /** A single-quoted EPL string literal: backslash and quote escaped, control characters as {@code \\uXXXX}. */
    static String literal(String text) {
        StringBuilder sb = new StringBuilder(text.length() + 2).append('\'');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\\' -> sb.append("\\\\");
                case '\'' -> sb.append("\\'");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('\'').toString();
    }

    /** Lower case as the {@code lower()} rule function computes it (ROOT locale). */
    static String lower(String text) {
        return text.toLowerCase(Locale.ROOT);
    }

    /** An identifier-safe name part: letters, digits and underscores. */
    static String identifier(String text) {
        StringBuilder sb = new StringBuilder();
        for (char c : text.toCharArray()) {
            sb.append(Character.isLetterOrDigit(c) && c < 128 ? c : '_');
        }
        if (sb.isEmpty() || !Character.isLetter(sb.charAt(0))) {
            sb.insert(0, 'S');
        }
        return sb.toString();
    }

    /** Whitespace runs (including line breaks of YAML block text) as single spaces. */
    static String oneLine(String text) {
        return text == null ? null : text.trim().replaceAll("\\s+", " ");
    }
}
