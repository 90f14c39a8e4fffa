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
 */
public final class ClientAgents {

    /** A pen-testing distribution's token: kernel {@code kali3-amd64}, {@code distrib#parrot}, package {@code +kali1}. */
    private static final Pattern PENTEST_DISTRIBUTION =
            Pattern.compile("(?:distrib#|\\+)(kali|parrot|pentoo)|(kali|parrot|pentoo)\\d*-(?:amd64|arm64|686|i386)|[.-](pentoo)\\b");

    /** The console's agents: {@code console.amazonaws.com}, {@code console.ec2.amazonaws.com}, {@code s3.console.aws.amazon.com}, {@code [S3Console/0.4, …]}. */
    private static final Pattern CONSOLE = Pattern.compile("console(?:\\.[a-z0-9-]+)?\\.amazonaws\\.com|console\\.aws\\.amazon\\.com|s3console/");

    private ClientAgents() {
    }

    /** {@code TruffleHog}, {@code Kali Linux}, {@code Parrot OS} or {@code Pentoo} when the agent shows one; null otherwise. */
    public static String offensiveTool(String userAgent) {
        String agent = lower(userAgent);
        if (agent == null) {
            return null;
        }
        if (agent.contains("trufflehog")) {
            return "TruffleHog";
        }
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

    /** {@code S3 Browser} or {@code Cyberduck} when the agent is one of those desktop clients; null otherwise. */
    public static String s3GuiClient(String userAgent) {
        String agent = lower(userAgent);
        if (agent == null) {
            return null;
        }
        if (agent.contains("s3 browser")) {
            return "S3 Browser";
        }
        return agent.contains("cyberduck") ? "Cyberduck" : null;
    }

    /**
     * The console or a browser: {@code Mozilla/…}, the console's own agents
     * ({@code console.amazonaws.com}, {@code console.ec2.amazonaws.com}, {@code s3.console.aws.amazon.com},
     * {@code [S3Console/0.4, aws-internal/3 …]})
     * and {@code AWS Internal}, which console pages log for many reads.
     */
    public static boolean console(String userAgent) {
        String agent = lower(userAgent);
        if (agent == null) {
            return false;
        }
        return agent.startsWith("mozilla/") || agent.equals("aws internal") || CONSOLE.matcher(agent).find();
    }

    /** Terraform (or another HashiCorp tool), Pulumi or Ansible. */
    public static boolean infrastructureAsCode(String userAgent) {
        String agent = lower(userAgent);
        return agent != null && (agent.contains("terraform") || agent.contains("hashicorp")
                || agent.contains("pulumi") || agent.contains("ansible"));
    }

    private static String lower(String userAgent) {
        return userAgent == null || userAgent.isBlank() ? null : userAgent.toLowerCase(Locale.ROOT);
    }
}
