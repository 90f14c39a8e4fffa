package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * Whether a request shares a snapshot or machine image with other accounts, read from its
 * {@code requestParameters}:
 * <ul>
 *   <li>EC2 {@code ModifySnapshotAttribute}: {@code createVolumePermission.add.items[]} with a
 *       {@code userId} or {@code group} ({@code all} = public);</li>
 *   <li>EC2 {@code ModifyImageAttribute}: {@code launchPermission.add.items[]} with a {@code userId},
 *       {@code group}, {@code organizationArn} or {@code organizationalUnitArn}; likewise
 *       {@code ModifyFpgaImageAttribute}'s {@code loadPermission.add};</li>
 *   <li>EC2's query form {@code operationType = add} with {@code userIds} / {@code userGroups};</li>
 *   <li>RDS {@code ModifyDBSnapshotAttribute} / {@code ModifyDBClusterSnapshotAttribute}:
 *       {@code attributeName = restore} with a non-empty {@code valuesToAdd} ({@code all} = public).</li>
 * </ul>
 * A {@code remove}, an empty {@code add}, or another attribute (an AMI's description) shares nothing.
 */
public final class ResourceSharing {

    private static final String[] EC2_PERMISSIONS = {"createVolumePermission", "launchPermission", "loadPermission"};
    private static final String[] EC2_GRANTEES = {"userId", "group", "organizationArn", "organizationalUnitArn"};

    private ResourceSharing() {
    }

    /** Shares with at least one other account, an organisation or everyone. */
    public static boolean sharesWithOthers(String requestParameters) {
        return shares(requestParameters, false);
    }

    /** Shares with everyone: EC2 group {@code all}, or RDS {@code valuesToAdd} containing {@code all}. */
    public static boolean sharesPublicly(String requestParameters) {
        return shares(requestParameters, true);
    }

    private static boolean shares(String requestParameters, boolean publicOnly) {
        JsonNode request = RequestJson.parse(requestParameters);
        for (String permission : EC2_PERMISSIONS) {
            JsonNode added = RequestJson.field(RequestJson.field(request, permission), "add");
            for (JsonNode item : RequestJson.list(added)) {
                if (publicOnly ? isAll(RequestJson.text(RequestJson.field(item, "group"))) : namesGrantee(item)) {
                    return true;
                }
            }
        }
        if ("add".equalsIgnoreCase(RequestJson.text(RequestJson.field(request, "operationType")))) {
            List<String> groups = RequestJson.strings(RequestJson.field(request, "userGroups"));
            if (groups.stream().anyMatch(ResourceSharing::isAll)
                    || (!publicOnly && (!groups.isEmpty() || !RequestJson.strings(RequestJson.field(request, "userIds")).isEmpty()))) {
                return true;
            }
        }
        if ("restore".equalsIgnoreCase(RequestJson.text(RequestJson.field(request, "attributeName")))) {
            List<String> added = RequestJson.strings(RequestJson.field(request, "valuesToAdd")).stream().filter(v -> !v.isBlank()).toList();
            return publicOnly ? added.stream().anyMatch(ResourceSharing::isAll) : !added.isEmpty();
        }
        return false;
    }

    private static boolean namesGrantee(JsonNode item) {
        for (String grantee : EC2_GRANTEES) {
            String value = RequestJson.text(RequestJson.field(item, grantee));
            if (value != null && !value.isBlank()) {
                return true;
            }
        }
        return false;
    }

    private static boolean isAll(String value) {
        return value != null && value.trim().equalsIgnoreCase("all");
    }
}
