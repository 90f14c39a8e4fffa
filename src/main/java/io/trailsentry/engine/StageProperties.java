package io.trailsentry.engine;

import io.trailsentry.ingest.CloudTrailEvent;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The event's {@code in<Stage>} boolean properties ({@code inDiscovery}, {@code inPrivilegeEscalation},
 * …) are how rules test stage membership so that Esper's filter index can use it. Each names a stage
 * key of {@code stages.yaml}; this reads those keys off the event class, so the loader can check them
 * against the catalog and no list of them is written twice.
 */
final class StageProperties {

    private static final List<String> KEYS = readKeys();

    private StageProperties() {
    }

    /** Stage keys the event's properties name: {@code isInPrivilegeEscalation} → {@code privilege_escalation}. */
    static List<String> stageKeys() {
        return KEYS;
    }

    /** {@code privilege_escalation} → {@code inPrivilegeEscalation}. */
    static String propertyOf(String key) {
        StringBuilder out = new StringBuilder("in");
        for (String part : key.split("_")) {
            if (!part.isEmpty()) {
                out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return out.toString();
    }

    private static List<String> readKeys() {
        List<String> keys = new ArrayList<>();
        for (Method m : CloudTrailEvent.class.getMethods()) {
            String name = m.getName();
            if (name.startsWith("isIn") && name.length() > 4 && m.getParameterCount() == 0 && m.getReturnType() == boolean.class
                    && !Modifier.isStatic(m.getModifiers())) {
                keys.add(name.substring(4).replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT));
            }
        }
        keys.sort(null);
        return List.copyOf(keys);
    }
}
