package io.trailsentry.context;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A list of IPv4 and IPv6 networks ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, or single addresses)
 * and a membership test. CloudTrail's {@code sourceIPAddress} is also a service name
 * ({@code ec2.amazonaws.com}) or {@code AWS Internal}: such values are never in a network.
 */
public final class CidrSet {

    private record Network(byte[] prefix, int bits) {
        boolean contains(byte[] address) {
            if (address.length != prefix.length) {
                return false;
            }
            int full = bits / 8;
            for (int i = 0; i < full; i++) {
                if (address[i] != prefix[i]) {
                    return false;
                }
            }
            int rest = bits % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (address[full] & mask) == (prefix[full] & mask);
        }
    }

    private final List<Network> networks;

    private CidrSet(List<Network> networks) {
        this.networks = List.copyOf(networks);
    }

    /** @throws IllegalArgumentException naming the entry that is not a network */
    public static CidrSet parse(List<String> cidrs) {
        List<Network> networks = new ArrayList<>();
        for (String raw : cidrs) {
            String cidr = raw.trim();
            if (cidr.isEmpty()) {
                continue;
            }
            int slash = cidr.indexOf('/');
            String host = slash < 0 ? cidr : cidr.substring(0, slash);
            byte[] address = literal(host);
            if (address == null) {
                throw new IllegalArgumentException("'" + raw + "' is not an IP network (expected e.g. 10.0.0.0/8 or 2001:db8::/32)");
            }
            int bits = address.length * 8;
            if (slash >= 0) {
                try {
                    bits = Integer.parseInt(cidr.substring(slash + 1));
                } catch (NumberFormatException e) {
                    bits = -1;
                }
                if (bits < 0 || bits > address.length * 8) {
                    throw new IllegalArgumentException("'" + raw + "' has an invalid prefix length");
                }
            }
            networks.add(new Network(address, bits));
        }
        return new CidrSet(networks);
    }

    public boolean contains(String ip) {
        if (networks.isEmpty() || ip == null) {
            return false;
        }
        byte[] address = literal(ip);
        if (address == null) {
            return false;
        }
        for (Network network : networks) {
            if (network.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The bytes of an IP literal, or null when the text is not one. Never resolves a name: only text
     * made of hex digits, dots and colons reaches {@link InetAddress}, which then parses without DNS.
     * Leading zeros ({@code 075.050.255.67}, as in anonymised logs) are read as decimal.
     */
    static byte[] literal(String text) {
        if (text == null || text.isEmpty() || text.length() > 45) {
            return null;
        }
        boolean colon = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ':') {
                colon = true;
            } else if (!(c == '.' || Character.digit(c, 16) >= 0)) {
                return null;
            }
        }
        if (!colon) {
            return ipv4(text);
        }
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether the text is an IPv4 or IPv6 literal (CloudTrail's sourceIPAddress may also be a service name). */
    public static boolean isIpLiteral(String text) {
        return literal(text) != null;
    }

    private static byte[] ipv4(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            if (parts[i].isEmpty() || parts[i].length() > 3) {
                return null;
            }
            int v;
            try {
                v = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                return null;
            }
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    private static final CidrSet NON_PUBLIC = parse(List.of(
            "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
            "::1/128", "fc00::/7", "fe80::/10"));

    /**
     * A public IP literal: not AWS-internal, not private (RFC 1918, CGNAT, ULA), loopback or
     * link-local. A call from a private address came through a VPC endpoint, from inside.
     */
    public static boolean isExternal(String sourceIp) {
        return !isAwsInternal(sourceIp) && !NON_PUBLIC.contains(sourceIp);
    }

    /** {@code AWS Internal}, a service name ({@code *.amazonaws.com}) or anything that is not an IP literal. */
    public static boolean isAwsInternal(String sourceIp) {
        return sourceIp == null || sourceIp.equals("AWS Internal") || sourceIp.endsWith(".amazonaws.com") || literal(sourceIp) == null;
    }
}
