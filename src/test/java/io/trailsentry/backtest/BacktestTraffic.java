package io.trailsentry.backtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The change and the day of traffic the backtest tests share (the command's and the API's): the
 * bulk-secrets threshold lowered from 10 to 5 and an allowlist entry for a scanner; one actor reading
 * six secrets at night (a new alert under the change), the scanner reading twelve (its alert gone)
 * and an application reading a few through the day (the same under both).
 */
public final class BacktestTraffic {

    public static final String ACCOUNT = "111122223333";
    public static final Instant NIGHT = Instant.parse("2026-01-20T02:00:00Z");
    public static final String BULK_SECRETS = "cbb110e7-c48f-4608-a834-81864ba34b32";
    public static final String RULE_FILE = "credential_access_secrets_bulk_retrieval.epl";
    public static final String ALLOWLIST = "principals:\n  - arn:aws:iam::*:user/scanner-*\n";
    public static final int EVENTS = 42;
    private static final String SHIPPED_THRESHOLD = "create variable int secrets_bulk_threshold = 10;";

    private BacktestTraffic() {
    }

    /** The shipped rule's text with the threshold lowered to 5. */
    public static String loweredRule(Path rulesDir) throws IOException {
        String text = Files.readString(rulesDir.resolve(RULE_FILE));
        if (!text.contains(SHIPPED_THRESHOLD)) {
            throw new IllegalStateException(RULE_FILE + " no longer declares '" + SHIPPED_THRESHOLD + "'; update the backtest tests");
        }
        return text.replace(SHIPPED_THRESHOLD, "create variable int secrets_bulk_threshold = 5;");
    }

    /** The day, one CloudTrail record per line, in event-time order. */
    public static List<String> day() {
        List<String> lines = new ArrayList<>();
        // Six distinct secrets at night: under the shipped threshold, over the changed one.
        for (int i = 0; i < 6; i++) {
            lines.add(secretRead("reader-" + i, NIGHT.plusSeconds(30L * i), "reader", "s" + i));
        }
        // The scanner reads twelve: over both thresholds, and allowlisted in the changed rules.
        for (int i = 0; i < 12; i++) {
            lines.add(secretRead("scanner-" + i, NIGHT.plusSeconds(3600 + 20L * i), "scanner-prod", "s" + i));
        }
        // Someone reading a few secrets through the day: under both thresholds.
        for (int h = 0; h < 24; h++) {
            lines.add(secretRead("daily-" + h, NIGHT.plusSeconds(3600L * h), "app", "s" + (h % 3)));
        }
        lines.sort(Comparator.comparing(l -> l.substring(l.indexOf("\"eventTime\":\"") + 13, l.indexOf("\"eventTime\":\"") + 33)));
        return lines;
    }

    public static String secretRead(String eventId, Instant time, String user, String secretId) {
        return """
                {"eventVersion":"1.09","eventTime":"%s","eventSource":"secretsmanager.amazonaws.com","eventName":"GetSecretValue",\
                "awsRegion":"us-east-1","sourceIPAddress":"203.0.113.9","userAgent":"aws-cli/2.15.28","eventID":"%s","readOnly":true,\
                "eventType":"AwsApiCall","recipientAccountId":"%s","requestParameters":{"secretId":"%s"},\
                "userIdentity":{"type":"IAMUser","principalId":"AIDA%s","arn":"arn:aws:iam::%s:user/%s","accountId":"%s",\
                "accessKeyId":"AKIAEXAMPLE00000001","userName":"%s"}}"""
                .formatted(time, eventId, ACCOUNT, secretId, user.toUpperCase().replace("-", ""), ACCOUNT, user, ACCOUNT, user);
    }
}
