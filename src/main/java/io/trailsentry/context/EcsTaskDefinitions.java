package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Whether an ECS {@code RegisterTaskDefinition} request is shaped like a cryptominer, read from its
 * {@code requestParameters}: {@code containerDefinitions[].image} and {@code .cpu}, and the task-level
 * {@code cpu} (CPU units, {@code "8192"}, or {@code "8 vCPU"}).
 *
 * <p>Miner-shaped (after Elastic's ECS cryptomining rule, tightened): an image pulled from a public
 * registry (Docker Hub, a bare name such as {@code xmrig/xmrig}, {@code ghcr.io}, {@code quay.io},
 * {@code public.ecr.aws}, {@code gcr.io}, {@code registry.gitlab.com}) with the largest CPU sizes
 * (8 or 16 vCPU, task or container), or an image whose name is a known miner whatever its size.
 * Images from the account's own ECR ({@code *.dkr.ecr.*.amazonaws.com}) are never miner-shaped by size.
 */
public final class EcsTaskDefinitions {

    private static final int LARGEST_CPU_UNITS = 8192;
    private static final Set<String> PUBLIC_REGISTRIES = Set.of("docker.io", "index.docker.io", "registry-1.docker.io",
            "registry.hub.docker.com", "ghcr.io", "quay.io", "public.ecr.aws", "gcr.io", "registry.gitlab.com");
    private static final List<String> MINER_NAMES = List.of("xmrig", "xmr-stak", "monero", "cpuminer", "minerd", "nicehash",
            "ethminer", "t-rex", "lolminer", "nbminer", "srbminer", "phoenixminer", "gminer", "teamredminer", "nanominer",
            "cgminer", "bfgminer", "cryptonight", "coinminer");

    private EcsTaskDefinitions() {
    }

    /** A public-registry image with 8 or 16 vCPU, or a known miner image. */
    public static boolean looksLikeMiner(String requestParameters) {
        JsonNode request = RequestJson.parse(requestParameters);
        boolean largest = cpuUnits(RequestJson.field(request, "cpu")) >= LARGEST_CPU_UNITS;
        for (JsonNode container : RequestJson.list(RequestJson.field(request, "containerDefinitions"))) {
            String image = RequestJson.text(RequestJson.field(container, "image"));
            if (image == null || image.isBlank()) {
                continue;
            }
            if (namesMiner(image)) {
                return true;
            }
            boolean containerLargest = cpuUnits(RequestJson.field(container, "cpu")) >= LARGEST_CPU_UNITS;
            if ((largest || containerLargest) && fromPublicRegistry(image)) {
                return true;
            }
        }
        return false;
    }

    /** The images of the task definition, comma-separated; null when none. */
    public static String images(String requestParameters) {
        Set<String> images = new LinkedHashSet<>();
        for (JsonNode container : RequestJson.list(RequestJson.field(RequestJson.parse(requestParameters), "containerDefinitions"))) {
            String image = RequestJson.text(RequestJson.field(container, "image"));
            if (image != null && !image.isBlank()) {
                images.add(image.trim());
            }
        }
        return images.isEmpty() ? null : String.join(",", images);
    }

    /** Docker's rule: the part before the first {@code /} is a registry host when it has a dot or a colon, or is localhost. */
    static boolean fromPublicRegistry(String image) {
        String i = image.trim().toLowerCase(Locale.ROOT);
        int slash = i.indexOf('/');
        if (slash < 0) {
            return true; // "ubuntu": Docker Hub's library
        }
        String first = i.substring(0, slash);
        boolean isHost = first.contains(".") || first.contains(":") || first.equals("localhost");
        if (!isHost) {
            return true; // "xmrig/xmrig": Docker Hub
        }
        return PUBLIC_REGISTRIES.contains(first);
    }

    private static boolean namesMiner(String image) {
        String i = image.toLowerCase(Locale.ROOT);
        return MINER_NAMES.stream().anyMatch(i::contains);
    }

    /** CPU units from {@code 8192}, {@code "8192"} or {@code "8 vCPU"}; 0 when absent or unreadable. */
    private static int cpuUnits(JsonNode cpu) {
        Integer units = RequestJson.integer(cpu);
        if (units != null) {
            return units;
        }
        String text = RequestJson.text(cpu);
        if (text != null && text.toLowerCase(Locale.ROOT).contains("vcpu")) {
            try {
                return (int) Math.round(Double.parseDouble(text.toLowerCase(Locale.ROOT).replace("vcpu", "").trim()) * 1024);
            } catch (NumberFormatException notANumber) {
                return 0;
            }
        }
        return 0;
    }
}
