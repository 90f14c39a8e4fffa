package io.trailsentry.engine;

import java.util.List;
import java.util.Map;

/**
 * What a rule says about itself, read back from its EPL annotations. A statement is a rule when it
 * carries {@code @Tag(name='id', …)}; every rule must then carry all of {@link #REQUIRED_TAGS} and a
 * {@code @Description}. Alert fields come from here, never from Java constants.
 *
 * <p>Optional presentation tags:
 * <ul>
 *   <li>{@code displayName} / {@code descriptionFormat}: templates with {@code {field}} placeholders
 *       over alert fields (e.g. {@code {count}}, {@code {principalId}}, {@code {accountId}});</li>
 *   <li>{@code expand}: {@code sourceIps} emits one alert per source IP (KQL {@code mv-expand});</li>
 *   <li>{@code customDetails}: {@code EventCount=count,AWSAccountId=accountId} maps detail names to alert fields;</li>
 *   <li>{@code fires}: {@code at-window-end} for rules that report when a window closes (tumbling bins)
 *       rather than when an event arrives; the latency benchmark leaves them out.</li>
 * </ul>
 *
 * <p>Optional behaviour tags:
 * <ul>
 *   <li>{@code alert}: {@code building-block} for a rule that only feeds correlation (its signals are
 *       scored, stored and shown inside their incident, never sent to a person on their own);
 *       {@code alert} (the default) for a rule that alerts;</li>
 *   <li>{@code severityAdjust}: {@code allowlist-only} for a rule whose severity only the allowlist
 *       lowers (the Sentinel-faithful port keeps its Medium); {@code context} (the default) for the
 *       full adjustment by context.</li>
 * </ul>
 *
 * @param statementName the statement's {@code @Name}, unique in its file
 * @param file          the .epl file, relative to the rules folder
 * @param tags          every {@code @Tag} of the statement, including the ones with typed accessors
 */
public record RuleMetadata(
        String id,
        String name,
        Severity severity,
        List<String> stages,
        Mitre mitre,
        String description,
        String version,
        String statementName,
        String file,
        Map<String, String> tags,
        boolean buildingBlock,
        SeverityAdjustment severityAdjustment) {

    public static final List<String> REQUIRED_TAGS = List.of("id", "name", "severity", "stage", "mitre", "version");

    /** How context may change the severity of this rule's signals. */
    public enum SeverityAdjustment {
        /** Known admin / known network / business hours lower it a level; the allowlist makes it Informational. */
        CONTEXT,
        /** Only the allowlist (the user's explicit exclusion) lowers it. */
        ALLOWLIST_ONLY
    }

    public RuleMetadata {
        stages = List.copyOf(stages);
        tags = Map.copyOf(tags);
    }

    public String tag(String key) {
        return tags.get(key);
    }

    /**
     * Known benign causes the rule's author lists ({@code @Tag(name='falsepositives', value='a | b')};
     * a Sigma rule's {@code falsepositives}), for the analyst reading an alert.
     */
    public List<String> falsePositives() {
        String text = tags.get("falsepositives");
        return text == null || text.isBlank() ? List.of()
                : java.util.Arrays.stream(text.split("\\|")).map(String::trim).filter(t -> !t.isEmpty()).toList();
    }
}
