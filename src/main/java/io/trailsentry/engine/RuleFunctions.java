package io.trailsentry.engine;

import io.trailsentry.context.CidrSet;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The single-row functions rules may call beyond EPL's built-in ones, registered by name in
 * {@link RuleSandbox#SINGLE_ROW_FUNCTIONS}. Each is pure and null-safe: a rule author cannot reach
 * anything but its arguments through them.
 */
public final class RuleFunctions {

    /** Rules pass constant network lists; parsed once each, and a bounded number of them. */
    private static final int MAX_CACHED_NETWORK_LISTS = 256;
    private static final Map<String, CidrSet> NETWORKS = new ConcurrentHashMap<>();

    private RuleFunctions() {
    }

    /**
     * {@code inCidr(sourceIPAddress, '10.0.0.0/8,2001:db8::/32')}: the address is in one of the
     * comma-separated networks. False for a service name ({@code ec2.amazonaws.com}), {@code AWS Internal} or null.
     *
     * @throws IllegalArgumentException when a network in the list is not one
     */
    public static boolean inCidr(String ip, String networks) {
        if (ip == null || networks == null) {
            return false;
        }
        CidrSet set = NETWORKS.get(networks);
        if (set == null) {
            set = CidrSet.parse(Arrays.asList(networks.split(",")));
            if (NETWORKS.size() < MAX_CACHED_NETWORK_LISTS) {
                NETWORKS.putIfAbsent(networks, set);
            }
        }
        return set.contains(ip);
    }

    /** {@code lower(userAgent)}: lower case (ROOT locale), null stays null. */
    public static String lower(String value) {
        return value == null ? null : value.toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * {@code toNumber(requestParameter('maxResults'))}: the text as a number, or null when it is not
     * one (EPL's cast throws on such text, and request fields are text). Sigma's numeric modifiers
     * ({@code |gt}, {@code |lte}, …) compare through this.
     */
    public static Double toNumber(String value) {
        if (value == null) {
            return null;
        }
        String text = value.trim();
        if (text.isEmpty() || text.length() > 64) {
            return null;
        }
        try {
            double d = Double.parseDouble(text);
            return Double.isNaN(d) ? null : d;
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }

    /** {@code upper(eventName)}: upper case (ROOT locale), null stays null. */
    public static String upper(String value) {
        return value == null ? null : value.toUpperCase(java.util.Locale.ROOT);
    }
}
