package io.trailsentry.engine;

import java.util.Locale;

/**
 * Alert severities, in Sentinel's vocabulary, each with the base score an alert of that severity
 * starts from. The one table that ties severity to score: rules name a severity, never a number.
 */
public enum Severity {
    Informational(10),
    Low(30),
    Medium(50),
    High(75),
    Critical(95);

    private final int baseScore;

    Severity(int baseScore) {
        this.baseScore = baseScore;
    }

    public int baseScore() {
        return baseScore;
    }

    /** Case-insensitive lookup that names the accepted values when the text is not one of them. */
    public static Severity parse(String text) {
        if (text != null) {
            for (Severity s : values()) {
                if (s.name().equalsIgnoreCase(text.trim())) {
                    return s;
                }
            }
        }
        throw new IllegalArgumentException("severity '" + text + "' is not one of Informational, Low, Medium, High, Critical");
    }

    public String lowerCase() {
        return name().toLowerCase(Locale.ROOT);
    }
}
