package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Small facts about a request value or a source address that rules compare or count, each total
 * (null, junk or the wrong shape gives 0 or null, never an exception):
 * <ul>
 *   <li>{@link #listSize}: how many items a request list holds — {@code names} of
 *       {@code ssm:GetParameters}, {@code secretIdList} of {@code BatchGetSecretValue}, EC2's
 *       {@code {"items":[…]}} sets — so a rule counts parameters, not calls;</li>
 *   <li>{@link #arnAccount}: the account an ARN (or Lambda's partial ARN
 *       {@code 123456789012:function:name}) belongs to, to tell a cross-account call;</li>
 *   <li>{@link #ipv4Network16}: the {@code /16} a public IPv4 source lies in, a coarse stand-in for
 *       "another network" where CloudTrail carries no ASN or location.</li>
 * </ul>
 */
public final class RequestValues {

    private RequestValues() {
    }

    /**
     * Items in a list value: a JSON array's elements, an EC2 {@code items} wrapper's items; 1 for a
     * scalar or a lone object (one name, XML's single element); 0 for null, blank, JSON null or an empty list.
     */
    public static int listSize(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        JsonNode node = RequestJson.parse(value);
        if (node.isMissingNode()) {
            return 1; // plain text, such as one parameter name
        }
        if (node.isNull()) {
            return 0;
        }
        if (node.isValueNode()) {
            return 1;
        }
        return RequestJson.list(node).size();
    }

    /** The 12-digit account of {@code arn:partition:service:region:account:…} or {@code account:function:name}; null otherwise. */
    public static String arnAccount(String arnOrName) {
        if (arnOrName == null) {
            return null;
        }
        String[] parts = arnOrName.trim().split(":", -1);
        String candidate = parts.length >= 6 && parts[0].equals("arn") ? parts[4]
                : parts.length >= 3 && parts[1].equals("function") ? parts[0] : null;
        return candidate != null && candidate.matches("\\d{12}") ? candidate : null;
    }

    /**
     * {@code 203.0.0.0/16} for the public IPv4 address {@code 203.0.113.7}; null for IPv6, private,
     * loopback and link-local addresses, {@code AWS Internal}, service names and junk. IPv6 is left
     * out on purpose: a dual-stack client shows an IPv4 and an IPv6 address at once.
     */
    public static String ipv4Network16(String sourceIp) {
        int[] octets = ipv4(sourceIp);
        if (octets == null || !publicIpv4(octets)) {
            return null;
        }
        return octets[0] + "." + octets[1] + ".0.0/16";
    }

    /**
     * The four octets of a dotted IPv4 literal (leading zeros allowed, as the Stratus logs have them);
     * null for anything else. Called on most calls of IAM users, hence no splitting and no regex.
     */
    private static int[] ipv4(String text) {
        if (text == null || text.length() < 7 || text.length() > 15) {
            return null;
        }
        int[] octets = new int[4];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '0' && c <= '9') {
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) {
                    return null;
                }
            } else if (c == '.' && digits > 0 && part < 3) {
                octets[part++] = value;
                value = 0;
                digits = 0;
            } else {
                return null;
            }
        }
        if (part != 3 || digits == 0) {
            return null;
        }
        octets[3] = value;
        return octets;
    }

    /** Not private (RFC 1918), carrier-grade NAT, loopback or link-local (the ranges {@link CidrSet#isExternal} leaves out), nor 0.0.0.0/8. */
    private static boolean publicIpv4(int[] o) {
        return !(o[0] == 10 || o[0] == 127 || o[0] == 0
                || (o[0] == 172 && o[1] >= 16 && o[1] <= 31)
                || (o[0] == 192 && o[1] == 168)
                || (o[0] == 100 && o[1] >= 64 && o[1] <= 127)
                || (o[0] == 169 && o[1] == 254));
    }
}
