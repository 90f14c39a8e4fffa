package io.trailsentry.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Raw CloudTrail JSON records for tests that go through HTTP or files. */
public final class CloudTrailJson {

    public static final List<String> SIX = List.of("ListAttachedRolePolicies", "ListRoles", "ListGroupsForUser",
            "ListAttachedUserPolicies", "ListAccessKeys", "ListUsers");

    private CloudTrailJson() {
    }

    public static String record(String eventId, Instant time, String eventName, String principalId, String userName, String ip) {
        return """
                {"eventVersion":"1.09","eventTime":"%s","eventSource":"iam.amazonaws.com","eventName":"%s",\
                "awsRegion":"us-east-1","sourceIPAddress":"%s","userAgent":"aws-cli/2.15.28","eventID":"%s",\
                "readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"111122223333",\
                "userIdentity":{"type":"IAMUser","principalId":"%s","arn":"arn:aws:iam::111122223333:user/%s",\
                "accountId":"111122223333","accessKeyId":"AKIAEXAMPLE00000001","userName":"%s"}}"""
                .formatted(time, eventName, ip, eventId, principalId, userName, userName);
    }

    /** {@code n} List* calls, {@code stepSeconds} apart, as JSON lines. */
    public static List<String> burst(String principalId, String userName, Instant start, int n, int stepSeconds, String ip) {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(record(principalId + "-" + start.getEpochSecond() + "-" + i, start.plusSeconds((long) i * stepSeconds),
                    SIX.get(i % SIX.size()), principalId, userName, ip));
        }
        return lines;
    }
}
