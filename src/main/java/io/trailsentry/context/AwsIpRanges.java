package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * AWS's published address ranges, read from a file in the format of
 * {@code https://ip-ranges.amazonaws.com/ip-ranges.json}:
 * {@code {"syncToken", "createDate", "prefixes":[{"ip_prefix","region","service",…}],
 * "ipv6_prefixes":[{"ipv6_prefix","region","service",…}]}}. Immutable.
 *
 * <p>Looked up by prefix length: an address is masked once per distinct length in the file (about
 * twenty) and looked up in one hash map, instead of being compared with thousands of prefixes.
 */
public final class AwsIpRanges {

    /** The service AWS lists instances' public addresses (and Elastic IPs) under. */
    public static final String EC2 = "EC2";

    /** The copy the project ships for offline use: a minimal subset, see its {@code comment} field. */
    public static final String OFFLINE_RESOURCE = "/aws-ip-ranges-offline.json";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One published prefix's labels. */
    record Block(String region, String service) {
    }

    /** An IPv6 prefix key: masked address and length. */
    private record V6Key(long high, long low, int length) {
    }

    private final String syncToken;
    private final String createDate;
    private final int prefixCount;
    /** IPv4: key = masked address << 6 | prefix length. */
    private final Map<Long, List<Block>> v4;
    private final int[] v4Lengths;
    private final Map<V6Key, List<Block>> v6;
    private final int[] v6Lengths;

    private AwsIpRanges(String syncToken, String createDate, int prefixCount, Map<Long, List<Block>> v4, Set<Integer> v4Lengths,
                        Map<V6Key, List<Block>> v6, Set<Integer> v6Lengths) {
        this.syncToken = syncToken;
        this.createDate = createDate;
        this.prefixCount = prefixCount;
        this.v4 = Map.copyOf(v4);
        this.v4Lengths = descending(v4Lengths);
        this.v6 = Map.copyOf(v6);
        this.v6Lengths = descending(v6Lengths);
    }

    /** No ranges: nothing is an AWS address. */
    public static AwsIpRanges none() {
        return new AwsIpRanges(null, null, 0, Map.of(), Set.of(), Map.of(), Set.of());
    }

    /** The bundled offline subset ({@value #OFFLINE_RESOURCE}). */
    public static AwsIpRanges offline() {
        return Offline.RANGES;
    }

    /** Read once, on first use: the resource never changes. */
    private static final class Offline {
        static final AwsIpRanges RANGES = load();

        private static AwsIpRanges load() {
            try (InputStream in = AwsIpRanges.class.getResourceAsStream(OFFLINE_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("the bundled " + OFFLINE_RESOURCE + " is missing from the jar");
                }
                return parse(in.readAllBytes(), OFFLINE_RESOURCE);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * @param source named in errors (the file)
     * @throws IllegalArgumentException when the text is not JSON in the ip-ranges.json format, or a
     *                                  prefix is not a network
     */
    public static AwsIpRanges parse(byte[] json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(source + " is not JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // reading a byte array does not fail
        }
        if (root == null || !root.isObject() || !(root.path("prefixes").isArray() || root.path("ipv6_prefixes").isArray())) {
            throw new IllegalArgumentException(source + " is not in AWS's ip-ranges.json format (no \"prefixes\" or \"ipv6_prefixes\" array);"
                    + " download it with: curl -o ip-ranges.json https://ip-ranges.amazonaws.com/ip-ranges.json");
        }
        Map<String, String> names = new HashMap<>(); // regions and services repeat thousands of times
        Map<Long, List<Block>> v4 = new HashMap<>();
        Set<Integer> v4Lengths = new TreeSet<>();
        Map<V6Key, List<Block>> v6 = new HashMap<>();
        Set<Integer> v6Lengths = new TreeSet<>();
        int count = 0;
        for (String[] family : new String[][] {{"prefixes", "ip_prefix"}, {"ipv6_prefixes", "ipv6_prefix"}}) {
            for (JsonNode entry : root.path(family[0])) {
                String cidr = entry.path(family[1]).asText(null);
                if (cidr == null) {
                    throw new IllegalArgumentException(source + ": an entry of \"" + family[0] + "\" has no \"" + family[1] + "\": " + entry);
                }
                Block block = new Block(names.computeIfAbsent(entry.path("region").asText(""), k -> k),
                        names.computeIfAbsent(entry.path("service").asText(""), k -> k));
                int slash = cidr.indexOf('/');
                byte[] address = CidrSet.literal(slash < 0 ? cidr.trim() : cidr.substring(0, slash).trim());
                int length = -1;
                try {
                    length = slash < 0 ? (address == null ? -1 : address.length * 8) : Integer.parseInt(cidr.substring(slash + 1).trim());
                } catch (NumberFormatException bad) {
                    // reported below
                }
                if (address == null || length < 0 || length > address.length * 8) {
                    throw new IllegalArgumentException(source + ": \"" + cidr + "\" is not an IP network");
                }
                if (address.length == 4) {
                    v4.computeIfAbsent(v4Key(v4Value(address), length), k -> new ArrayList<>(2)).add(block);
                    v4Lengths.add(length);
                } else {
                    v6.computeIfAbsent(v6Key(address, length), k -> new ArrayList<>(2)).add(block);
                    v6Lengths.add(length);
                }
                count++;
            }
        }
        v4.replaceAll((k, blocks) -> List.copyOf(blocks));
        v6.replaceAll((k, blocks) -> List.copyOf(blocks));
        return new AwsIpRanges(root.path("syncToken").asText(null), root.path("createDate").asText(null), count, v4, v4Lengths, v6, v6Lengths);
    }

    /** Every published prefix holding {@code ip} (AWS lists EC2 ranges under AMAZON too); none for a non-IP. */
    List<Block> blocksOf(String ip) {
        byte[] address = CidrSet.literal(ip);
        if (address == null) {
            return List.of();
        }
        List<Block> found = new ArrayList<>(2);
        if (address.length == 4) {
            long value = v4Value(address);
            for (int length : v4Lengths) {
                List<Block> blocks = v4.get(v4Key(value, length));
                if (blocks != null) {
                    found.addAll(blocks);
                }
            }
        } else {
            for (int length : v6Lengths) {
                List<Block> blocks = v6.get(v6Key(address, length));
                if (blocks != null) {
                    found.addAll(blocks);
                }
            }
        }
        return found;
    }

    /** The address is in any published range (any service, any region). */
    public boolean contains(String ip) {
        return !blocksOf(ip).isEmpty();
    }

    /** The regions whose {@code service} ranges hold {@code ip} (usually one), empty when none. */
    public Set<String> regionsOf(String ip, String service) {
        Set<String> regions = new LinkedHashSet<>(2);
        for (Block block : blocksOf(ip)) {
            if (block.service().equals(service)) {
                regions.add(block.region());
            }
        }
        return regions;
    }

    public String syncToken() {
        return syncToken;
    }

    public String createDate() {
        return createDate;
    }

    /** Prefixes read, IPv4 and IPv6. */
    public int prefixCount() {
        return prefixCount;
    }

    private static long v4Value(byte[] a) {
        return ((a[0] & 0xffL) << 24) | ((a[1] & 0xffL) << 16) | ((a[2] & 0xffL) << 8) | (a[3] & 0xffL);
    }

    private static long v4Key(long value, int length) {
        long mask = length == 0 ? 0 : (0xffffffffL << (32 - length)) & 0xffffffffL;
        return ((value & mask) << 6) | length;
    }

    private static V6Key v6Key(byte[] a, int length) {
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (a[i] & 0xffL);
            low = (low << 8) | (a[i + 8] & 0xffL);
        }
        if (length <= 64) {
            high &= length == 0 ? 0 : -1L << (64 - length);
            low = 0;
        } else {
            low &= -1L << (128 - length);
        }
        return new V6Key(high, low, length);
    }

    private static int[] descending(Set<Integer> lengths) {
        return lengths.stream().sorted((a, b) -> b - a).mapToInt(Integer::intValue).toArray();
    }
}
