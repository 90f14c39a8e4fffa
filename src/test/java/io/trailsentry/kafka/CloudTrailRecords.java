package io.trailsentry.kafka;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Raw CloudTrail JSON for the Kafka tests, in the shapes a topic carries. */
final class CloudTrailRecords {

    static final String ACCOUNT = "111122223333";
    static final List<String> SIX = List.of("ListAttachedRolePolicies", "ListRoles", "ListGroupsForUser",
            "ListAttachedUserPolicies", "ListAccessKeys", "ListUsers");

    private CloudTrailRecords() {
    }

    static String record(String eventId, Instant time, String eventName, String userName, String ip) {
        return """
                {"eventVersion":"1.09","eventTime":"%s","eventSource":"iam.amazonaws.com","eventName":"%s",\
                "awsRegion":"us-east-1","sourceIPAddress":"%s","userAgent":"aws-cli/2.15.28","eventID":"%s",\
                "readOnly":true,"eventType":"AwsApiCall","recipientAccountId":"%s",\
                "userIdentity":{"type":"IAMUser","principalId":"AIDA%s","arn":"%s",\
                "accountId":"%s","accessKeyId":"AKIAEXAMPLE00000001","userName":"%s"}}"""
                .formatted(time, eventName, ip, eventId, ACCOUNT, userName.toUpperCase().replace("-", ""), arn(userName), ACCOUNT, userName);
    }

    static String arn(String userName) {
        return "arn:aws:iam::" + ACCOUNT + ":user/" + userName;
    }

    /** {@code n} of the six IAM List* calls by one user, {@code stepSeconds} apart. */
    static List<String> burst(String userName, Instant start, int n, int stepSeconds, String ip) {
        List<String> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            records.add(record(userName + "-" + start.getEpochSecond() + "-" + i, start.plusSeconds((long) i * stepSeconds),
                    SIX.get(i % SIX.size()), userName, ip));
        }
        return records;
    }

    /** An S3 delivery file: {@code {"Records":[…]}}. */
    static String s3File(List<String> records) {
        return "{\"Records\":[" + String.join(",", records) + "]}";
    }

    /** An EventBridge envelope around one record. */
    static String eventBridge(String record) {
        return "{\"version\":\"0\",\"id\":\"6a7e8feb-b491-4cf7-a9f1-bf3703467718\",\"detail-type\":\"AWS API Call via CloudTrail\","
                + "\"source\":\"aws.iam\",\"account\":\"" + ACCOUNT + "\",\"region\":\"us-east-1\",\"detail\":" + record + "}";
    }
}
