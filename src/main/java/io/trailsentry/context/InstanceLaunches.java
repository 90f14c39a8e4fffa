package io.trailsentry.context;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What an EC2 {@code RunInstances} request launches, read from its {@code requestParameters}:
 * {@code instanceType} and {@code instancesSet.items[].maxCount} / {@code minCount} (EC2's
 * {@code items} wrapper, as the Stratus detonation logs it). A launch from a launch template without
 * an explicit type has no type here.
 *
 * <p>Accelerated families are the ones miners and model thieves rent: NVIDIA GPU ({@code p2}–{@code p6},
 * {@code g2}–{@code g6}, {@code g4dn}, {@code g5g}, {@code gr6}), Inferentia ({@code inf1}, {@code inf2}),
 * Trainium ({@code trn1}, {@code trn2}), Gaudi ({@code dl1}, {@code dl2q}), FPGA ({@code f1}, {@code f2})
 * and video transcoding ({@code vt1}).
 */
public final class InstanceLaunches {

    private static final Pattern ACCELERATED = Pattern.compile("(p\\d|g\\d|gr\\d|inf\\d|trn\\d|dl\\d|f\\d|vt\\d)[a-z0-9-]*\\..+");

    private InstanceLaunches() {
    }

    /** The request names an accelerated (GPU, ML or FPGA) instance type. */
    public static boolean acceleratedType(String requestParameters) {
        String type = RequestJson.text(RequestJson.field(RequestJson.parse(requestParameters), "instanceType"));
        return type != null && ACCELERATED.matcher(type.trim().toLowerCase(Locale.ROOT)).matches();
    }

    /** How many instances the request asks for at most (the sum of {@code maxCount}, else {@code minCount}); null when it does not say. */
    public static Integer count(String requestParameters) {
        JsonNode set = RequestJson.field(RequestJson.parse(requestParameters), "instancesSet");
        Integer total = null;
        for (JsonNode item : RequestJson.list(set)) {
            Integer n = RequestJson.integer(RequestJson.field(item, "maxCount"));
            if (n == null) {
                n = RequestJson.integer(RequestJson.field(item, "minCount"));
            }
            if (n != null && n > 0) {
                total = (total == null ? 0 : total) + n;
            }
        }
        return total;
    }
}
