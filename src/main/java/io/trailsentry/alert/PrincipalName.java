package io.trailsentry.alert;

/**
 * The account name parts the Sentinel rule derives from {@code userIdentity.principalId}:
 * <pre>
 * UserName  = substring(PrincipalId, indexof_regex(PrincipalId, ":") + 1)
 * Name      = split(UserName, '@')[0]
 * UpnSuffix = split(UserName, '@')[1]
 * </pre>
 * {@code AIDA…} (IAM user) has no ':' so UserName is the whole id; {@code AROA…:session} gives the
 * session name; {@code AROA…:bob@example.org} gives Name {@code bob} and UpnSuffix {@code example.org}.
 * A second '@' behaves as KQL's split does: the suffix is only the part between the first and second.
 */
public record PrincipalName(String userName, String name, String upnSuffix) {

    public static PrincipalName of(String principalId) {
        if (principalId == null) {
            return new PrincipalName(null, null, null);
        }
        // indexof_regex returns -1 when there is no ':', and substring(-1 + 1) is the whole string.
        String userName = principalId.substring(principalId.indexOf(':') + 1);
        int at = userName.indexOf('@');
        if (at < 0) {
            return new PrincipalName(userName, userName, null);
        }
        int nextAt = userName.indexOf('@', at + 1);
        String suffix = nextAt < 0 ? userName.substring(at + 1) : userName.substring(at + 1, nextAt);
        return new PrincipalName(userName, userName.substring(0, at), suffix);
    }
}
