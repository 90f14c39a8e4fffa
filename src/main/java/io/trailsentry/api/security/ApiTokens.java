package io.trailsentry.api.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The configured tokens and the check of a presented one. Only SHA-256 digests of the secrets are
 * kept, and a presented token is compared with every one of them in constant time, so neither the
 * time an answer takes nor a heap dump tells an attacker how close a guess was.
 */
public final class ApiTokens {

    /** A secret shorter than this is refused at start: it could be guessed. */
    static final int MIN_SECRET_LENGTH = 16;

    /** Who a token stands for. */
    public record Holder(String name, Role role) {
    }

    private record Entry(Holder holder, byte[] digest) {
    }

    private final List<Entry> entries;

    private ApiTokens(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /**
     * @param secretsByRole per role, entries written {@code name:secret} or a bare secret
     * @throws IllegalArgumentException naming the role and position of a bad entry (never the secret)
     */
    public static ApiTokens of(Map<Role, List<String>> secretsByRole) {
        List<Entry> entries = new ArrayList<>();
        Set<String> seenDigests = new HashSet<>();
        Set<String> seenNames = new HashSet<>();
        for (Role role : Role.values()) {
            List<String> list = secretsByRole.getOrDefault(role, List.of());
            for (int i = 0; i < list.size(); i++) {
                String where = role.roleName() + "-tokens entry " + (i + 1);
                String raw = list.get(i).trim();
                int colon = raw.indexOf(':');
                String name = colon > 0 ? raw.substring(0, colon).trim() : role.roleName() + "-" + (i + 1);
                String secret = colon > 0 ? raw.substring(colon + 1).trim() : raw;
                if (secret.length() < MIN_SECRET_LENGTH) {
                    throw new IllegalArgumentException(where + " (" + name + "): the secret must be at least " + MIN_SECRET_LENGTH
                            + " characters; generate one with: openssl rand -base64 32");
                }
                byte[] digest = digest(secret);
                if (!seenDigests.add(java.util.HexFormat.of().formatHex(digest))) {
                    throw new IllegalArgumentException(where + " (" + name + "): the same secret is configured twice; each caller needs its own");
                }
                if (!seenNames.add(name)) {
                    throw new IllegalArgumentException(where + ": the name '" + name + "' is used by another token");
                }
                entries.add(new Entry(new Holder(name, role), digest));
            }
        }
        return new ApiTokens(entries);
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    /** The holder of the presented secret, if it is one of ours. Takes the same time whichever matches. */
    public Optional<Holder> match(String presented) {
        if (presented == null) {
            return Optional.empty();
        }
        byte[] digest = digest(presented);
        Holder found = null;
        for (Entry entry : entries) {
            // No early exit: every entry is compared, and MessageDigest.isEqual is constant-time.
            if (MessageDigest.isEqual(entry.digest(), digest) && found == null) {
                found = entry.holder();
            }
        }
        return Optional.ofNullable(found);
    }

    private static byte[] digest(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
