package io.trailsentry.engine;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Regular expressions for rules, each match within a step budget: Java's engine backtracks, and a
 * pattern such as {@code (.*a){12}} holds it for hours on a 51-character value (issue #17, 7). The
 * value is handed to the matcher through a {@link CharSequence} that counts every character the
 * engine reads; past {@link #budget(int)} reads the match stops with
 * {@link RuleBudgetExceededException}. Counting reads rather than time makes the outcome the same on
 * any machine, so a replay stays deterministic. An ordinary pattern reads each character a few times;
 * only catastrophic backtracking gets near the budget.
 */
final class RegexBudget {

    /** Reads allowed per match: a million, plus 200 per character of the value (a 64 KiB field gets about 14 million). */
    static long budget(int length) {
        return 1_000_000L + 200L * length;
    }

    /** Rules pass constant patterns: compiled once each, and a bounded number of them. */
    private static final int MAX_CACHED_PATTERNS = 512;
    private static final int MAX_PATTERN_CHARS = 4096;
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    private RegexBudget() {
    }

    static boolean matches(String value, String pattern) {
        if (value == null || pattern == null) {
            return false;
        }
        return compile(pattern).matcher(new CountedText(value, pattern)).matches();
    }

    static boolean find(String value, String pattern) {
        if (value == null || pattern == null) {
            return false;
        }
        return compile(pattern).matcher(new CountedText(value, pattern)).find();
    }

    private static Pattern compile(String pattern) {
        Pattern compiled = PATTERNS.get(pattern);
        if (compiled == null) {
            if (pattern.length() > MAX_PATTERN_CHARS) {
                throw new RuleBudgetExceededException("a regular expression of " + pattern.length() + " characters, over the "
                        + MAX_PATTERN_CHARS + "-character limit");
            }
            try {
                compiled = Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                throw new RuleBudgetExceededException("not a valid regular expression: " + e.getDescription() + " at index " + e.getIndex());
            }
            if (PATTERNS.size() >= MAX_CACHED_PATTERNS) {
                PATTERNS.clear();
            }
            PATTERNS.put(pattern, compiled);
        }
        return compiled;
    }

    /** The value as the matcher sees it, every read counted. */
    private static final class CountedText implements CharSequence {
        private final String text;
        private final String pattern;
        private final long budget;
        private long reads;

        CountedText(String text, String pattern) {
            this.text = text;
            this.pattern = pattern;
            this.budget = budget(text.length());
        }

        @Override
        public char charAt(int index) {
            if (++reads > budget) {
                throw new RuleBudgetExceededException("the regular expression '" + abbreviate(pattern) + "' read a "
                        + text.length() + "-character value more than " + budget
                        + " times (catastrophic backtracking): rewrite it without nested repetition such as (.*a){n} or (a+)+");
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static String abbreviate(String pattern) {
        return pattern.length() <= 80 ? pattern : pattern.substring(0, 79) + "…";
    }
}
