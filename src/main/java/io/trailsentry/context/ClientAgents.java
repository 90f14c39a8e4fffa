package io.trailsentry.context;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What kind of client a CloudTrail {@code userAgent} names, for the rules that care who is at the
 * keyboard rather than which credential is used. Each answer is total: null, blank or junk gives
 * null / false, never an exception.
 *
 * <ul>
 *   <li>{@link #offensiveTool}: tooling whose only business with a credential is testing or
 *       abusing it — TruffleHog validating a leaked key ({@code TruffleHog} in the agent), or an SDK
 *       running on a penetration-testing distribution, which the SDKs reveal in the kernel or
 *       distribution token ({@code Linux/6.5.0-kali3-amd64}, {@code distrib#kali},
 *       {@code 2.0+kali1}; Parrot OS and Pentoo alike, the three GuardDuty's PenTest findings name).
 *       Frameworks that hide behind an ordinary agent (Pacu swaps it on those distributions) are
 *       not visible here.</li>
 *   <li>{@link #s3GuiClient}: the desktop S3 clients S3 Browser and Cyberduck, used for bulk
 *       downloads and, in the GUI-VIL intrusions, for IAM changes.</li>
 *   <li>{@link #console}: the AWS console and browsers, where a person clicks through pages that
 *       fire many read calls each (a discovery burst from the console is a person browsing).</li>
 *   <li>{@link #infrastructureAsCode}: Terraform, Pulumi and Ansible, whose plans read and write
 *       many resources by design.</li>
 * </ul>
 * Several rules call these on most events (any call may carry an offensive agent), so an agent is
 * classified once, all four answers together, and kept in a small direct-mapped memo: a stream
 * repeats a few hundred agents endlessly (the reader hands out the same String instance for each),
 * and scanning every agent for every marker in every rule was a tenth of the engine thread. A memo
 * slot is replaced on collision, so agents made up by the million cost one classification each and
 * no memory. Classifying scans the agent for its markers without copying it; only a hit pays for
 * lower-casing or a regular expression.
 */
public final class ClientAgents {

    /** The four answers for one agent. */
    private record Kind(String agent, String offensiveTool, String s3GuiClient, boolean console, boolean infrastructureAsCode) {
    }

    /** Power of two. Racy by design: a slot holds an immutable record, so a reader sees a whole one or another. */
    private static final int MEMO_SLOTS = 1024;
    private static final Kind[] MEMO = new Kind[MEMO_SLOTS];

    /** A pen-testing distribution's token: kernel {@code kali3-amd64}, {@code distrib#parrot}, package {@code +kali1}. */
    private static final Pattern PENTEST_DISTRIBUTION =
            Pattern.compile("(?:distrib#|\\+)(kali|parrot|pentoo)|(kali|parrot|pentoo)\\d*-(?:amd64|arm64|686|i386)|[.-](pentoo)\\b");

    /** The console's agents: {@code console.amazonaws.com}, {@code console.ec2.amazonaws.com}, {@code s3.console.aws.amazon.com}, {@code [S3Console/0.4, …]}. */
    private static final Pattern CONSOLE = Pattern.compile("console(?:\\.[a-z0-9-]+)?\\.amazonaws\\.com|console\\.aws\\.amazon\\.com|s3console/");

    private ClientAgents() {
    }

    /** {@code TruffleHog}, {@code Kali Linux}, {@code Parrot OS} or {@code Pentoo} when the agent shows one; null otherwise. */
    public static String offensiveTool(String userAgent) {
        return userAgent == null ? null : kindOf(userAgent).offensiveTool();
    }

    /** {@code S3 Browser} or {@code Cyberduck} when the agent is one of those desktop clients; null otherwise. */
    public static String s3GuiClient(String userAgent) {
        return userAgent == null ? null : kindOf(userAgent).s3GuiClient();
    }

    /**
     * The console or a browser: {@code Mozilla/…}, the console's own agents
     * ({@code console.amazonaws.com}, {@code console.ec2.amazonaws.com}, {@code s3.console.aws.amazon.com},
     * {@code [S3Console/0.4, aws-internal/3 …]})
     * and {@code AWS Internal}, which console pages log for many reads.
     */
    public static boolean console(String userAgent) {
        return userAgent != null && kindOf(userAgent).console();
    }

    /** Terraform (or another HashiCorp tool), Pulumi or Ansible. */
    public static boolean infrastructureAsCode(String userAgent) {
        return userAgent != null && kindOf(userAgent).infrastructureAsCode();
    }

    private static Kind kindOf(String userAgent) {
        int slot = userAgent.hashCode() & (MEMO_SLOTS - 1);
        Kind kind = MEMO[slot];
        if (kind != null && (kind.agent() == userAgent || kind.agent().equals(userAgent))) {
            return kind;
        }
        kind = new Kind(userAgent, findOffensiveTool(userAgent), findS3GuiClient(userAgent), isConsole(userAgent), isInfrastructureAsCode(userAgent));
        MEMO[slot] = kind;
        return kind;
    }

    private static String findOffensiveTool(String userAgent) {
        if (containsIgnoreCase(userAgent, "trufflehog")) {
            return "TruffleHog";
        }
        if (!containsIgnoreCase(userAgent, "kali") && !containsIgnoreCase(userAgent, "parrot") && !containsIgnoreCase(userAgent, "pentoo")) {
            return null;
        }
        String agent = userAgent.toLowerCase(Locale.ROOT);
        var matcher = PENTEST_DISTRIBUTION.matcher(agent);
        if (!matcher.find()) {
            return null;
        }
        String name = matcher.group(1) != null ? matcher.group(1) : matcher.group(2) != null ? matcher.group(2) : matcher.group(3);
        return switch (name) {
            case "kali" -> "Kali Linux";
            case "parrot" -> "Parrot OS";
            default -> "Pentoo";
        };
    }

    private static String findS3GuiClient(String userAgent) {
        if (containsIgnoreCase(userAgent, "s3 browser")) {
            return "S3 Browser";
        }
        return containsIgnoreCase(userAgent, "cyberduck") ? "Cyberduck" : null;
    }

    private static boolean isConsole(String userAgent) {
        if (userAgent.regionMatches(true, 0, "mozilla/", 0, 8) || userAgent.equalsIgnoreCase("AWS Internal")) {
            return true;
        }
        return containsIgnoreCase(userAgent, "console") && CONSOLE.matcher(userAgent.toLowerCase(Locale.ROOT)).find();
    }

    private static boolean isInfrastructureAsCode(String userAgent) {
        return (containsIgnoreCase(userAgent, "terraform") || containsIgnoreCase(userAgent, "hashicorp")
                || containsIgnoreCase(userAgent, "pulumi") || containsIgnoreCase(userAgent, "ansible"));
    }

    /** {@code needle} (lower case) anywhere in {@code text}, ignoring case, without copying the text. */
    static boolean containsIgnoreCase(String text, String needle) {
        int last = text.length() - needle.length();
        char first = needle.charAt(0);
        for (int i = 0; i <= last; i++) {
            if (Character.toLowerCase(text.charAt(i)) == first && text.regionMatches(true, i, needle, 0, needle.length())) {
                return true;
            }
        }
        return false;
    }
}
