package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What a data call read, as an analyst names it, from its {@code eventName} and {@code requestParameters}:
 * <ul>
 *   <li>S3 {@code GetObject}, {@code SelectObjectContent}, {@code RestoreObject}, {@code GetObjectTorrent},
 *       {@code HeadObject}: {@code s3://bucketName/key};</li>
 *   <li>S3 {@code CopyObject}, {@code UploadPartCopy}: the copy's source, {@code x-amz-copy-source}
 *       ({@code bucket/key}, URL-encoded, maybe with a leading {@code /} and {@code ?versionId=}), since
 *       that is what was read;</li>
 *   <li>Secrets Manager {@code GetSecretValue}: {@code secret:secretId}; {@code BatchGetSecretValue}:
 *       its {@code secretIdList}, or {@code secrets matching filters} when it selected by filter;</li>
 *   <li>SSM {@code GetParameter}: {@code parameter:name}; {@code GetParameters}: each of {@code names};
 *       {@code GetParametersByPath}: {@code parameters:path/*};</li>
 *   <li>DynamoDB {@code Scan}, {@code ExportTableToPointInTime}: {@code dynamodb:tableName} (or the table ARN);</li>
 *   <li>anything else, or a request without the field: the event name, so a list of targets never has holes.</li>
 * </ul>
 * Several targets of one call are comma-separated. Total: null or junk gives the event name (or null when that is null too).
 */
public final class DataReadTargets {

    private DataReadTargets() {
    }

    /** The object, secret, parameter or table a data call read, named for an alert. */
    public static String target(String eventName, String requestParameters) {
        if (eventName == null) {
            return null;
        }
        JsonNode request = RequestJson.parse(requestParameters);
        String named = switch (eventName) {
            case "GetObject", "SelectObjectContent", "RestoreObject", "GetObjectTorrent", "HeadObject", "GetObjectAttributes" ->
                    s3Object(text(request, "bucketName"), text(request, "key"));
            case "CopyObject", "UploadPartCopy" -> copySource(text(request, "x-amz-copy-source"));
            case "GetSecretValue" -> prefixed("secret:", text(request, "secretId"));
            case "BatchGetSecretValue" -> batchSecrets(request);
            case "GetParameter" -> prefixed("parameter:", text(request, "name"));
            case "GetParameters" -> joined("parameter:", RequestJson.strings(RequestJson.field(request, "names")));
            case "GetParametersByPath" -> prefixed("parameters:", pathPattern(text(request, "path")));
            case "Scan", "ExportTableToPointInTime" -> prefixed("dynamodb:", firstText(request, "tableName", "tableArn"));
            default -> null;
        };
        return named == null ? eventName : named;
    }

    private static String s3Object(String bucket, String key) {
        if (bucket == null || bucket.isBlank()) {
            return null;
        }
        return "s3://" + bucket + (key == null || key.isBlank() ? "" : "/" + key);
    }

    /** {@code bucket/key}, {@code /bucket/key?versionId=…} or URL-encoded forms → {@code s3://bucket/key}. */
    private static String copySource(String source) {
        if (source == null || source.isBlank()) {
            return null;
        }
        String s = source.trim();
        int query = s.indexOf("?versionId=");
        if (query >= 0) {
            s = s.substring(0, query);
        }
        if (s.contains("%")) {
            try {
                s = URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException badEscape) {
                // keep the text as logged
            }
        }
        while (s.startsWith("/")) {
            s = s.substring(1);
        }
        return s.isEmpty() ? null : "s3://" + s;
    }

    private static String batchSecrets(JsonNode request) {
        String ids = joined("secret:", RequestJson.strings(RequestJson.field(request, "secretIdList")));
        if (ids != null) {
            return ids;
        }
        return RequestJson.field(request, "filters").isMissingNode() ? null : "secrets matching filters";
    }

    private static String pathPattern(String path) {
        if (path == null || path.isBlank()) {
            return null;
        }
        return path.endsWith("/") ? path + "*" : path + "/*";
    }

    private static String joined(String prefix, List<String> values) {
        List<String> named = values.stream().filter(v -> !v.isBlank()).map(v -> prefix + v).toList();
        return named.isEmpty() ? null : String.join(", ", named);
    }

    private static String prefixed(String prefix, String value) {
        return value == null || value.isBlank() ? null : prefix + value;
    }

    private static String firstText(JsonNode request, String... fields) {
        for (String field : fields) {
            String value = text(request, field);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    /** A scalar field, or the first element of a list (S3 logs some headers as one-element lists). */
    private static String text(JsonNode request, String field) {
        List<String> values = RequestJson.strings(RequestJson.field(request, field));
        return values.isEmpty() ? null : values.get(0);
    }
}
