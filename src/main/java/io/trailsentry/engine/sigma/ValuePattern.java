package io.trailsentry.engine.sigma;

import java.util.ArrayList;
import java.util.List;

/**
 * A Sigma string value read for its wildcards: {@code *} any run of characters, {@code ?} one
 * character, {@code \*} {@code \?} {@code \\} the characters themselves, and a backslash before
 * anything else a plain backslash (the escaping rules of the Sigma specification).
 */
record ValuePattern(List<Part> parts) {

    ValuePattern {
        parts = List.copyOf(parts);
    }

    enum Kind { TEXT, ANY, ONE }

    record Part(Kind kind, String text) {
    }

    static ValuePattern parse(String value) {
        List<Part> parts = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length() && "*?\\".indexOf(value.charAt(i + 1)) >= 0) {
                text.append(value.charAt(++i));
            } else if (c == '*' || c == '?') {
                if (!text.isEmpty()) {
                    parts.add(new Part(Kind.TEXT, text.toString()));
                    text.setLength(0);
                }
                parts.add(new Part(c == '*' ? Kind.ANY : Kind.ONE, null));
            } else {
                text.append(c);
            }
        }
        if (!text.isEmpty()) {
            parts.add(new Part(Kind.TEXT, text.toString()));
        }
        return new ValuePattern(parts);
    }

    /** A value with no wildcard in it, unescaped (e.g. base64 encodes this). */
    static ValuePattern literal(String text) {
        return new ValuePattern(text.isEmpty() ? List.of() : List.of(new Part(Kind.TEXT, text)));
    }

    /** {@code *value*}, {@code value*}, {@code *value}: the contains/startswith/endswith modifiers. */
    ValuePattern around(boolean before, boolean after) {
        List<Part> out = new ArrayList<>();
        if (before) {
            out.add(new Part(Kind.ANY, null));
        }
        out.addAll(parts);
        if (after) {
            out.add(new Part(Kind.ANY, null));
        }
        return new ValuePattern(out);
    }

    boolean hasWildcards() {
        return parts.stream().anyMatch(p -> p.kind() != Kind.TEXT);
    }

    /** Only {@code *}s (at least one): matches any value, even the empty one. */
    boolean matchesAnything() {
        return !parts.isEmpty() && parts.stream().allMatch(p -> p.kind() == Kind.ANY);
    }

    /** The plain text (only meaningful without wildcards). */
    String text() {
        StringBuilder sb = new StringBuilder();
        parts.forEach(p -> sb.append(p.kind() == Kind.TEXT ? p.text() : p.kind() == Kind.ANY ? "*" : "?"));
        return sb.toString();
    }

    /** An EPL {@code like} pattern (before string-literal escaping): {@code %}, {@code _}, and the rest escaped with backslash. */
    String like(boolean lowerCase) {
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            switch (p.kind()) {
                case ANY -> sb.append('%');
                case ONE -> sb.append('_');
                case TEXT -> {
                    String t = lowerCase ? SigmaEpl.lower(p.text()) : p.text();
                    for (char c : t.toCharArray()) {
                        if (c == '%' || c == '_' || c == '\\') {
                            sb.append('\\');
                        }
                        sb.append(c);
                    }
                }
            }
        }
        return sb.toString();
    }
}
