package io.trailsentry.context;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether an S3 object key looks like a ransom note: a text or web page file (or no extension) whose
 * name, after the last {@code /}, speaks of ransom, decryption, recovery instructions or deleted /
 * encrypted files ({@code HOW_TO_DECRYPT_FILES.txt}, {@code RANSOM_NOTE.html}, Stratus Red Team's
 * {@code FILES-DELETED.txt}).
 *
 * <p>Tighter than Elastic's keyword list ({@code read}, {@code get}, {@code info}, {@code help} match
 * most README and report files): a bare {@code README.md} is not a note. Log-delivery prefixes
 * ({@code AWSLogs/}, CloudTrail, access logs) never are.
 */
public final class RansomNotes {

    private static final String SEP = "[_ .-]?";
    private static final Pattern NOTE_NAME = Pattern.compile(".*("
            + "ransom|decrypt|bitcoin|btc" + SEP + "wallet"
            + "|how" + SEP + "to" + SEP + "(decrypt|recover|restore|get|unlock|pay|back)"
            + "|(recover|restore|unlock)" + SEP + "(your|my|all|the)?" + SEP + "(files|data)"
            + "|(files|data)" + SEP + "((are|were|is|was|have|has)" + SEP + "(been" + SEP + ")?)?(deleted|encrypted|stolen|taken|locked)"
            + "|pay(ment)?" + SEP + "(instructions?|info|note|now|us|me)"
            + ").*");
    private static final Pattern NOTE_EXTENSION = Pattern.compile(".*\\.(txt|html?|md|rtf)$|[^.]+");
    private static final Pattern LOG_PREFIX = Pattern.compile("(?i)^(awslogs/|.*cloudtrail.*|.*access[-_]?logs?/).*");

    private RansomNotes() {
    }

    /** The key's file name reads like a ransom note; false for null or blank. */
    public static boolean looksLikeNote(String key) {
        if (key == null || key.isBlank() || LOG_PREFIX.matcher(key).matches()) {
            return false;
        }
        String name = key.substring(key.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT).trim();
        return !name.isEmpty() && NOTE_EXTENSION.matcher(name).matches() && NOTE_NAME.matcher(name).matches();
    }
}
