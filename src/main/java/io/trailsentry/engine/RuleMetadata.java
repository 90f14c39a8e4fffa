package io.trailsentry.engine;

import java.util.List;
import java.util.Map;
import java.util.Set;

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
        Map<String, String> tags) {

    public static final List<String> REQUIRED_TAGS = List.of("id", "name", "severity", "stage", "mitre", "version");

    /** The stages the scorer knows; a rule naming another is refused so the ladder cannot be bypassed by a typo. */
    public static final Set<String> STAGES = Set.of(
            "discovery", "privilege_escalation", "persistence", "credential_access",
            "exfiltration", "collection", "defense_evasion", "execution", "lateral_movement",
            "initial_access", "impact");

    public RuleMetadata {
        stages = List.copyOf(stages);
        tags = Map.copyOf(tags);
    }

    public String tag(String key) {
        return tags.get(key);
    }
}
