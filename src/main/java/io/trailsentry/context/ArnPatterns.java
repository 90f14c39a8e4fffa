package io.trailsentry.context;

import io.trailsentry.ingest.CloudTrailEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Glob patterns over principals ({@code arn:aws:iam::*:role/prowler-*}, {@code *:user/admin-*}) or
 * user agents ({@code *Prowler*}): {@code *} is any run of characters, {@code ?} one character,
 * matching is case-sensitive for ARNs as AWS is. A principal pattern matches an IAM user's ARN, the
 * role ARN behind a session (the session issuer), or the session ARN itself.
 */
public final class ArnPatterns {

    private final List<Pattern> patterns;

    private ArnPatterns(List<Pattern> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    public static ArnPatterns of(List<String> globs) {
        List<Pattern> patterns = new ArrayList<>();
        for (String glob : globs) {
            String g = glob.trim();
            if (!g.isEmpty()) {
                patterns.add(Pattern.compile(toRegex(g)));
            }
        }
        return new ArnPatterns(patterns);
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    public boolean matches(String text) {
        if (text == null) {
            return false;
        }
        for (Pattern p : patterns) {
            if (p.matcher(text).matches()) {
                return true;
            }
        }
        return false;
    }

    /** The user ARN, the role behind a session, or the session ARN. */
    public boolean matchesPrincipal(CloudTrailEvent e) {
        return !patterns.isEmpty() && (matches(e.getArn()) || matches(e.getSessionIssuerArn()));
    }

    private static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder(glob.length() + 8);
        for (char c : glob.toCharArray()) {
            switch (c) {
                case '*' -> regex.append(".*");
                case '?' -> regex.append('.');
                default -> regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }
}
