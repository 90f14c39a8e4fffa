package io.trailsentry.pipeline;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** What a principal spray looks like: a new assumed-role session name per call, each opening an incident. */
final class SprayInput {

    private static final List<String> SIX = List.of("ListAttachedRolePolicies", "ListRoles", "ListGroupsForUser",
            "ListAttachedUserPolicies", "ListAccessKeys", "ListUsers");

    private SprayInput() {
    }

    /**
     * {@code n} distinct principals, one sqs:PurgeQueue each (impact_sqs_queue_purged, a building block
     * that keeps no state: a Medium incident per principal), ten a second of event time from
     * {@code start}, handed over in payloads of 2,000.
     */
    static void spray(int n, Instant start, Consumer<byte[]> payloads) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String session = "arn:aws:sts::111122223333:assumed-role/sprayer/s" + i;
            sb.append(record("spray-" + i, start.plusMillis(i * 100L), "PurgeQueue", "sqs.amazonaws.com", session,
                    "198.51." + ((i >> 8) & 255) + "." + (i & 255))).append('\n');
            if ((i + 1) % 2000 == 0 || i == n - 1) {
                payloads.accept(sb.toString().getBytes(StandardCharsets.UTF_8));
                sb.setLength(0);
            }
        }
    }

    /** {@code n} IAM List calls by one user, three seconds apart: the enumeration rules' burst. */
    static List<String> burst(String userArn, Instant start, int n) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(record("burst-" + start.getEpochSecond() + "-" + i, start.plusSeconds(3L * i), SIX.get(i % SIX.size()),
                    "iam.amazonaws.com", userArn, "203.0.113.9"));
        }
        return lines;
    }

    static String record(String id, Instant time, String eventName, String source, String arn, String ip) {
        boolean session = arn.contains(":assumed-role/");
        String identity = session
                ? "{\"type\":\"AssumedRole\",\"principalId\":\"AROASPRAY:" + arn.substring(arn.lastIndexOf('/') + 1) + "\",\"arn\":\"" + arn
                + "\",\"accountId\":\"111122223333\",\"sessionContext\":{\"sessionIssuer\":{\"type\":\"Role\",\"arn\":"
                + "\"arn:aws:iam::111122223333:role/sprayer\",\"userName\":\"sprayer\"}}}"
                : "{\"type\":\"IAMUser\",\"principalId\":\"AIDA" + Math.abs(arn.hashCode()) + "\",\"arn\":\"" + arn
                + "\",\"accountId\":\"111122223333\",\"userName\":\"" + arn.substring(arn.lastIndexOf('/') + 1) + "\"}";
        String request = switch (eventName) {
            case "CreateUser" -> ",\"requestParameters\":{\"userName\":\"backdoor\"},"
                    + "\"responseElements\":{\"user\":{\"arn\":\"arn:aws:iam::111122223333:user/backdoor\"}}";
            case "PurgeQueue" -> ",\"requestParameters\":{\"queueUrl\":\"https://sqs.us-east-1.amazonaws.com/111122223333/orders\"}";
            default -> "";
        };
        return "{\"eventVersion\":\"1.09\",\"eventTime\":\"" + time + "\",\"eventName\":\"" + eventName + "\",\"eventSource\":\"" + source
                + "\",\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"" + ip + "\",\"userAgent\":\"aws-cli/2.15\",\"eventID\":\"" + id
                + "\",\"readOnly\":" + eventName.startsWith("List") + ",\"eventType\":\"AwsApiCall\",\"recipientAccountId\":\"111122223333\","
                + "\"userIdentity\":" + identity + request + "}";
    }
}
