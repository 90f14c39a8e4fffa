package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Who a snapshot or machine-image permission change adds or removes, read from the same
 * {@code requestParameters} as {@link ResourceSharing} (which answers only whether anything is shared):
 * <ul>
 *   <li>EC2 {@code ModifySnapshotAttribute} / {@code ModifyImageAttribute} / {@code ModifyFpgaImageAttribute}:
 *       {@code createVolumePermission}, {@code launchPermission}, {@code loadPermission} with
 *       {@code add.items[]} / {@code remove.items[]} of {@code userId}, {@code group} ({@code all}),
 *       {@code organizationArn}, {@code organizationalUnitArn};</li>
 *   <li>EC2's query form: {@code operationType} {@code add} / {@code remove} with {@code userIds} / {@code userGroups};</li>
 *   <li>RDS {@code ModifyDBSnapshotAttribute} / {@code ModifyDBClusterSnapshotAttribute}:
 *       {@code attributeName = restore} with {@code valuesToAdd} / {@code valuesToRemove}.</li>
 * </ul>
 * Grantees are named as logged: an account id, {@code all}, an organisation or OU ARN. Every method is
 * total: null, junk or another API's request gives none / false.
 */
public final class ResourceGrantees {

    private static final String[] EC2_PERMISSIONS = {"createVolumePermission", "launchPermission", "loadPermission"};
    private static final String[] EC2_GRANTEES = {"userId", "group", "organizationArn", "organizationalUnitArn"};

    private ResourceGrantees() {
    }

    /** The grantees the request adds, comma-separated ({@code 098797384747}, {@code all}, {@code arn:aws:organizations::…}); null when none. */
    public static String sharedWith(String requestParameters) {
        List<String> added = grantees(RequestJson.parse(requestParameters), "add", "valuesToAdd");
        return added.isEmpty() ? null : String.join(",", added);
    }

    /**
     * The request adds a grantee other than {@code ownAccountId}: another account, everyone ({@code all})
     * or an organisation / OU (whose members this request does not say). Sharing with the own account
     * alone is not sharing. With an unknown own account, any grantee counts.
     */
    public static boolean sharesOutsideAccount(String requestParameters, String ownAccountId) {
        String own = ownAccountId == null ? "" : ownAccountId.trim();
        return grantees(RequestJson.parse(requestParameters), "add", "valuesToAdd").stream().anyMatch(g -> !g.equals(own));
    }

    /** The request removes at least one grantee: an un-share (which can also cut a recovery copy off). */
    public static boolean removesSharing(String requestParameters) {
        return !grantees(RequestJson.parse(requestParameters), "remove", "valuesToRemove").isEmpty();
    }

    /** The grantees removed, comma-separated; null when none. */
    public static String unsharedFrom(String requestParameters) {
        List<String> removed = grantees(RequestJson.parse(requestParameters), "remove", "valuesToRemove");
        return removed.isEmpty() ? null : String.join(",", removed);
    }

    /** @param ec2Operation {@code add} or {@code remove}; @param rdsField {@code valuesToAdd} or {@code valuesToRemove} */
    private static List<String> grantees(JsonNode request, String ec2Operation, String rdsField) {
        Set<String> out = new LinkedHashSet<>();
        for (String permission : EC2_PERMISSIONS) {
            JsonNode change = RequestJson.field(RequestJson.field(request, permission), ec2Operation);
            for (JsonNode item : RequestJson.list(change)) {
                for (String grantee : EC2_GRANTEES) {
                    addIfPresent(out, RequestJson.text(RequestJson.field(item, grantee)));
                }
            }
        }
        if (ec2Operation.equalsIgnoreCase(RequestJson.text(RequestJson.field(request, "operationType")))) {
            RequestJson.strings(RequestJson.field(request, "userIds")).forEach(v -> addIfPresent(out, v));
            RequestJson.strings(RequestJson.field(request, "userGroups")).forEach(v -> addIfPresent(out, v));
        }
        if ("restore".equalsIgnoreCase(RequestJson.text(RequestJson.field(request, "attributeName")))) {
            RequestJson.strings(RequestJson.field(request, rdsField)).forEach(v -> addIfPresent(out, v));
        }
        return new ArrayList<>(out);
    }

    private static void addIfPresent(Set<String> out, String value) {
        if (value != null && !value.isBlank()) {
            out.add(value.trim());
        }
    }
}
