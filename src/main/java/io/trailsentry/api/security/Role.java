package io.trailsentry.api.security;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a token may do. Ordered: a higher role includes every lower one, so an admin may do what an
 * analyst and a viewer may. The path policies in {@code application.properties} name the lowest role
 * an endpoint needs.
 */
public enum Role {
    /** Reads: alerts, rules, status, incidents, the console's live stream. */
    VIEWER,
    /** Triage: acknowledge and resolve incidents. */
    ANALYST,
    /** Everything: ingest, rule reloads and validation. */
    ADMIN;

    /** The name used in configuration and in the security identity: {@code viewer}, {@code analyst}, {@code admin}. */
    public String roleName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The roles a holder of this one has: itself and all below it. */
    public Set<String> grantedRoles() {
        return Arrays.stream(values()).filter(r -> r.ordinal() <= ordinal()).map(Role::roleName).collect(Collectors.toUnmodifiableSet());
    }
}
