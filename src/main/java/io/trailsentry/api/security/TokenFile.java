package io.trailsentry.api.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;

/**
 * The generated admin token of a server started with auth on and no token configured: created once
 * with owner-only permissions, then reused, so {@code curl -H "Authorization: Bearer $(cat data/api-token)"}
 * keeps working across restarts.
 */
final class TokenFile {

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final int SECRET_BYTES = 32;

    private TokenFile() {
    }

    /** What {@link #readOrCreate} did, for the start-up log (which never shows the secret). */
    record Result(String secret, boolean created) {
        @Override
        public String toString() {
            return "TokenFile.Result[created=" + created + "]"; // keep the secret out of any accidental log
        }
    }

    /** @throws IOException when the file cannot be read or written; the server must not start without auth */
    static Result readOrCreate(Path file) throws IOException {
        if (Files.exists(file)) {
            return new Result(read(file), false);
        }
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        byte[] random = new byte[SECRET_BYTES];
        new SecureRandom().nextBytes(random);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        try {
            // Created with its permissions, not chmod-ed after: no moment where others could read it.
            Files.writeString(Files.createFile(file, ownerOnly(file)), secret + "\n", StandardCharsets.UTF_8);
        } catch (FileAlreadyExistsException raced) {
            return new Result(read(file), false);
        }
        return new Result(secret, true);
    }

    private static String read(Path file) throws IOException {
        String secret = Files.readString(file, StandardCharsets.UTF_8).trim();
        if (secret.length() < ApiTokens.MIN_SECRET_LENGTH) {
            throw new IOException(file + " holds no usable token (at least " + ApiTokens.MIN_SECRET_LENGTH
                    + " characters); delete it to have a new one generated");
        }
        return secret;
    }

    private static FileAttribute<?>[] ownerOnly(Path file) {
        boolean posix = file.getFileSystem().supportedFileAttributeViews().contains("posix");
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
    }
}
