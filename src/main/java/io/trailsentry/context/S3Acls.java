package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;
import java.util.Set;

/**
 * Whether an S3 {@code PutBucketAcl} / {@code PutObjectAcl} / {@code PutObject} / {@code CreateBucket}
 * request opens the bucket or object to everyone, read from its {@code requestParameters}:
 * <ul>
 *   <li>the canned ACL header {@code x-amz-acl} ({@code ["public-read"]} or a plain string):
 *       {@code public-read}, {@code public-read-write}, {@code authenticated-read};</li>
 *   <li>grant headers {@code x-amz-grant-read}, {@code -write}, {@code -read-acp}, {@code -write-acp},
 *       {@code -full-control} naming the {@code AllUsers} or {@code AuthenticatedUsers} group
 *       ({@code uri=http://acs.amazonaws.com/groups/global/AllUsers});</li>
 *   <li>the body: {@code AccessControlPolicy.AccessControlList.Grant[].Grantee.URI} ending in
 *       {@code AllUsers} or {@code AuthenticatedUsers} (Grant is one object or an array).</li>
 * </ul>
 * {@code AuthenticatedUsers} is every AWS account in the world, not the bucket owner's users.
 */
public final class S3Acls {

    private static final Set<String> PUBLIC_CANNED = Set.of("public-read", "public-read-write", "authenticated-read");
    private static final String[] GRANT_HEADERS = {
            "x-amz-grant-read", "x-amz-grant-write", "x-amz-grant-read-acp", "x-amz-grant-write-acp", "x-amz-grant-full-control"};

    private S3Acls() {
    }

    /** True when the request grants anything to {@code AllUsers} or {@code AuthenticatedUsers}; false for anything else. */
    public static boolean grantsPublic(String requestParameters) {
        JsonNode request = RequestJson.parse(requestParameters);
        for (String canned : RequestJson.strings(RequestJson.field(request, "x-amz-acl"))) {
            if (PUBLIC_CANNED.contains(canned.trim().toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        for (String header : GRANT_HEADERS) {
            for (String grantees : RequestJson.strings(RequestJson.field(request, header))) {
                if (namesPublicGroup(grantees)) {
                    return true;
                }
            }
        }
        JsonNode acl = RequestJson.field(RequestJson.field(request, "AccessControlPolicy"), "AccessControlList");
        for (JsonNode grant : RequestJson.list(RequestJson.field(acl, "Grant"))) {
            String uri = RequestJson.text(RequestJson.field(RequestJson.field(grant, "Grantee"), "URI"));
            if (uri != null && namesPublicGroup(uri)) {
                return true;
            }
        }
        return false;
    }

    private static boolean namesPublicGroup(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        return t.contains("/groups/global/allusers") || t.contains("/groups/global/authenticatedusers")
                || t.trim().endsWith("allusers") || t.trim().endsWith("authenticatedusers");
    }
}
