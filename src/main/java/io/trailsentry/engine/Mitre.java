package io.trailsentry.engine;

import java.util.regex.Pattern;

/**
 * A MITRE ATT&amp;CK mapping written in rules as {@code TA0007:T1580} (tactic id, technique or
 * sub-technique id), or as a tactic alone ({@code TA0003}) for a rule that names no technique (many
 * Sigma rules tag only a tactic). The tactic name is resolved from the id so alerts carry both.
 *
 * @param tacticId    e.g. {@code TA0007}
 * @param tactic      e.g. {@code Discovery}
 * @param techniqueId e.g. {@code T1580} or {@code T1098.001}; null when the rule names only a tactic
 */
public record Mitre(String tacticId, String tactic, String techniqueId) {

    private static final Pattern FORMAT = Pattern.compile("TA\\d{4}(:T\\d{4}(\\.\\d{3})?)?");

    public static Mitre parse(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (!FORMAT.matcher(trimmed).matches()) {
            throw new IllegalArgumentException("mitre '" + text + "' must look like TA0007:T1580 (tactic id : technique id) or TA0007 (tactic only)");
        }
        int colon = trimmed.indexOf(':');
        String tacticId = colon < 0 ? trimmed : trimmed.substring(0, colon);
        return new Mitre(tacticId, tacticName(tacticId), colon < 0 ? null : trimmed.substring(colon + 1));
    }

    /** Enterprise ATT&amp;CK tactics; an unknown id is refused so a typo cannot reach an alert. */
    static String tacticName(String tacticId) {
        return switch (tacticId) {
            case "TA0001" -> "Initial Access";
            case "TA0002" -> "Execution";
            case "TA0003" -> "Persistence";
            case "TA0004" -> "Privilege Escalation";
            case "TA0005" -> "Defense Evasion";
            case "TA0006" -> "Credential Access";
            case "TA0007" -> "Discovery";
            case "TA0008" -> "Lateral Movement";
            case "TA0009" -> "Collection";
            case "TA0010" -> "Exfiltration";
            case "TA0011" -> "Command and Control";
            case "TA0040" -> "Impact";
            case "TA0042" -> "Resource Development";
            case "TA0043" -> "Reconnaissance";
            // ATT&CK v19 split Defense Impairment from Defense Evasion (which it renamed Stealth).
            case "TA0112" -> "Defense Impairment";
            default -> throw new IllegalArgumentException("unknown MITRE tactic id " + tacticId);
        };
    }
}
