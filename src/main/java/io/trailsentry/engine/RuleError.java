package io.trailsentry.engine;

/**
 * Why a rule file was refused, pointing at the place to fix.
 *
 * @param file    the .epl file, relative to the rules folder
 * @param line    1-based line in the file, 0 when unknown
 * @param column  1-based column, 0 when unknown
 * @param message Esper's message or the metadata check's
 */
public record RuleError(String file, int line, int column, String message) {

    /** {@code epl/x.epl:12:5: message}, the form editors and CI logs link to. */
    public String describe() {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) {
            sb.append(':').append(line);
            if (column > 0) {
                sb.append(':').append(column);
            }
        }
        return sb.append(": ").append(message).toString();
    }
}
