package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which security-group permissions a request opens to the whole internet, read from the
 * {@code requestParameters} of {@code AuthorizeSecurityGroupIngress} (and {@code …Egress},
 * {@code ModifySecurityGroupRules}) in every shape CloudTrail logs:
 * <ul>
 *   <li>{@code ipPermissions.items[]} with {@code ipProtocol}, {@code fromPort}, {@code toPort} and
 *       {@code ipRanges.items[].cidrIp} / {@code ipv6Ranges.items[].cidrIpv6};</li>
 *   <li>the top-level form: {@code ipProtocol}, {@code fromPort}, {@code toPort}, {@code cidrIp};</li>
 *   <li>{@code ModifySecurityGroupRules}' rule objects with {@code cidrIpv4} / {@code cidrIpv6}
 *       (keys matched ignoring case).</li>
 * </ul>
 * A network is "the world" when its prefix length is 0 ({@code 0.0.0.0/0}, {@code ::/0}; anonymised
 * logs keep the {@code /0} but not the address). Each open network takes the protocol and ports of
 * the nearest object around it that names an {@code ipProtocol}. References to other groups or prefix
 * lists are never the world.
 */
public final class IngressRules {

    private static final Set<String> CIDR_KEYS = Set.of("cidrip", "cidripv4", "cidripv6");

    /** One permission open to the world: protocol as logged ({@code tcp}, {@code 6}, {@code -1}), ports null when absent. */
    record OpenPermission(String protocol, Integer fromPort, Integer toPort) {

        boolean allTraffic() {
            return protocol == null || protocol.equals("-1") || protocol.equalsIgnoreCase("all");
        }

        /** tcp, udp, icmp, icmpv6, or the protocol as logged. */
        String protocolName() {
            return switch (protocol.toLowerCase(Locale.ROOT)) {
                case "6" -> "tcp";
                case "17" -> "udp";
                case "1" -> "icmp";
                case "58" -> "icmpv6";
                default -> protocol.toLowerCase(Locale.ROOT);
            };
        }

        boolean portless() {
            String name = protocolName();
            return !name.equals("tcp") && !name.equals("udp");
        }

        /** No port range given (or -1, or 0-65535): every port of the protocol. */
        boolean everyPort() {
            return fromPort == null || toPort == null || fromPort < 0 || (fromPort <= 0 && toPort >= 65535);
        }

        boolean covers(int port) {
            if (allTraffic()) {
                return true;
            }
            if (portless()) {
                return false;
            }
            return everyPort() || (fromPort <= port && port <= toPort);
        }

        /** {@code 22/tcp}, {@code 80-443/tcp}, {@code all/udp}, {@code icmp}, {@code all}. */
        String label() {
            if (allTraffic()) {
                return "all";
            }
            String name = protocolName();
            if (portless()) {
                return name;
            }
            if (everyPort()) {
                return "all/" + name;
            }
            return (fromPort.equals(toPort) ? fromPort.toString() : fromPort + "-" + toPort) + "/" + name;
        }
    }

    private IngressRules() {
    }

    /** At least one permission is open to {@code 0.0.0.0/0} or {@code ::/0}. */
    public static boolean openToWorld(String requestParameters) {
        return !openPermissions(requestParameters).isEmpty();
    }

    /**
     * The permissions open to the world as text, comma-separated in request order without repeats:
     * {@code 22/tcp}, {@code 80-443/tcp}, {@code all/udp} (no port range), {@code icmp}, {@code all}
     * (protocol -1: every protocol and port). Null when none is open to the world.
     */
    public static String openPorts(String requestParameters) {
        Set<String> labels = new LinkedHashSet<>();
        openPermissions(requestParameters).forEach(p -> labels.add(p.label()));
        return labels.isEmpty() ? null : String.join(",", labels);
    }

    /**
     * A permission open to the world covers one of {@code ports} (comma-separated, e.g.
     * {@code '22,3389,3306'}): a tcp/udp range including it, a tcp/udp permission without ports, or all
     * traffic. Entries that are not port numbers are ignored; false when none is left.
     */
    public static boolean openToWorldOn(String requestParameters, String ports) {
        List<Integer> wanted = portList(ports);
        if (wanted.isEmpty()) {
            return false;
        }
        for (OpenPermission permission : openPermissions(requestParameters)) {
            for (int port : wanted) {
                if (permission.covers(port)) {
                    return true;
                }
            }
        }
        return false;
    }

    static List<OpenPermission> openPermissions(String requestParameters) {
        List<OpenPermission> open = new ArrayList<>();
        collect(RequestJson.parse(requestParameters), null, open, 0);
        return open;
    }

    private static void collect(JsonNode node, OpenPermission around, List<OpenPermission> open, int depth) {
        if (depth > 32) {
            return; // request shapes are shallow; a pathological document is not worth the stack
        }
        if (node.isArray()) {
            node.forEach(child -> collect(child, around, open, depth + 1));
            return;
        }
        if (!node.isObject() || Boolean.TRUE.equals(RequestJson.bool(RequestJson.field(node, "isEgress"), null))) {
            return;
        }
        OpenPermission here = around;
        String protocol = RequestJson.text(RequestJson.field(node, "ipProtocol"));
        if (protocol != null) {
            here = new OpenPermission(protocol.trim(), RequestJson.integer(RequestJson.field(node, "fromPort")),
                    RequestJson.integer(RequestJson.field(node, "toPort")));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (CIDR_KEYS.contains(entry.getKey().toLowerCase(Locale.ROOT))) {
                if (isWorld(RequestJson.text(entry.getValue()))) {
                    open.add(here == null ? new OpenPermission(null, null, null) : here);
                }
            } else if (entry.getValue().isContainerNode()) {
                collect(entry.getValue(), here, open, depth + 1);
            }
        }
    }

    /** A network with prefix length 0: the whole IPv4 or IPv6 internet. */
    static boolean isWorld(String cidr) {
        if (cidr == null) {
            return false;
        }
        int slash = cidr.indexOf('/');
        return slash > 0 && cidr.substring(slash + 1).trim().equals("0");
    }

    private static List<Integer> portList(String ports) {
        List<Integer> out = new ArrayList<>();
        if (ports == null) {
            return out;
        }
        for (String part : ports.split(",")) {
            try {
                int port = Integer.parseInt(part.trim());
                if (port >= 0 && port <= 65535) {
                    out.add(port);
                }
            } catch (NumberFormatException notAPort) {
                // ignored, as documented
            }
        }
        return out;
    }
}
