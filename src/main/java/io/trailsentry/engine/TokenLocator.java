package io.trailsentry.engine;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds where in a rule file an Esper validation error happened. Esper names the offending token in
 * quotes ({@code Property named 'principalIdd' is not valid in any stream}) but gives only the
 * statement's line; the token's first whole-word occurrence in the statement is what an editor
 * should jump to.
 */
final class TokenLocator {

    private static final Pattern QUOTED = Pattern.compile("'([^']{1,200})'");

    private TokenLocator() {
    }

    /**
     * @param text           the whole file
     * @param statementLine  1-based line where the statement's text starts
     * @param statementText  the statement's text (to bound the search to it)
     * @param message        Esper's message
     * @return {line, column} (1-based) of the first quoted token of the message found in the
     *         statement, or null when none is
     */
    static int[] locate(String text, int statementLine, String statementText, String message) {
        if (text == null || message == null || statementLine < 1) {
            return null;
        }
        int start = offsetOfLine(text, statementLine);
        if (start < 0) {
            return null;
        }
        int end = statementText == null ? text.length() : Math.min(text.length(), start + statementText.length() + 1024);
        String statement = text.substring(start, end);
        Matcher quoted = QUOTED.matcher(message);
        while (quoted.find()) {
            String token = quoted.group(1);
            if (token.contains("...") || token.isBlank()) {
                continue; // Esper's abbreviation of a longer expression: not in the text as written
            }
            Matcher at = Pattern.compile("(?<![A-Za-z0-9_$])" + Pattern.quote(token) + "(?![A-Za-z0-9_$])").matcher(statement);
            if (at.find()) {
                return position(text, start + at.start());
            }
        }
        return null;
    }

    private static int offsetOfLine(String text, int line) {
        int offset = 0;
        for (int current = 1; current < line; current++) {
            offset = text.indexOf('\n', offset);
            if (offset < 0) {
                return -1;
            }
            offset++;
        }
        return offset;
    }

    private static int[] position(String text, int offset) {
        int line = 1;
        int lineStart = 0;
        for (int i = 0; i < offset; i++) {
            if (text.charAt(i) == '\n') {
                line++;
                lineStart = i + 1;
            }
        }
        return new int[] {line, offset - lineStart + 1};
    }
}
