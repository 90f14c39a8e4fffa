package io.trailsentry.context;

import java.util.Locale;
import java.util.Set;

/**
 * Whether an S3 object key names a file that holds credentials, by its name alone (CloudTrail logs
 * the key of a {@code GetObject} data event, never its content). The names are the ones people
 * copy into buckets with a home directory or a project folder:
 * <ul>
 *   <li>{@code .aws/credentials} and {@code .aws/config} (access keys, SSO and role settings);</li>
 *   <li>SSH private keys by their default names {@code id_rsa}, {@code id_dsa}, {@code id_ecdsa},
 *       {@code id_ed25519} (not the {@code .pub} halves), and {@code .ssh/authorized_keys};</li>
 *   <li>dotenv files {@code .env} and {@code .env.<stage>} (not {@code .env.example},
 *       {@code .env.sample}, {@code .env.template}, which are committed on purpose without secrets);</li>
 *   <li>key material by extension: {@code .pem}, {@code .key}, {@code .ppk}, or a name containing
 *       {@code private_key} / {@code private-key}.</li>
 * </ul>
 * Matching is on the lower-cased key, so {@code Backups/ID_RSA} counts.
 */
public final class CredentialFiles {

    private static final Set<String> SSH_PRIVATE_KEYS = Set.of("id_rsa", "id_dsa", "id_ecdsa", "id_ed25519");
    private static final Set<String> DOTENV_TEMPLATES = Set.of(".env.example", ".env.sample", ".env.template", ".env.dist");

    private CredentialFiles() {
    }

    /**
     * What kind of credential file the key names ({@code AWS credentials}, {@code AWS config},
     * {@code SSH private key}, {@code SSH authorized_keys}, {@code dotenv}, {@code private key});
     * null for any other key, null or blank.
     */
    public static String kind(String objectKey) {
        if (objectKey == null || objectKey.isBlank()) {
            return null;
        }
        String key = objectKey.trim().toLowerCase(Locale.ROOT);
        String path = key.startsWith("/") ? key : "/" + key;
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (path.endsWith("/.aws/credentials")) {
            return "AWS credentials";
        }
        if (path.endsWith("/.aws/config")) {
            return "AWS config";
        }
        if (path.endsWith("/.ssh/authorized_keys")) {
            return "SSH authorized_keys";
        }
        if (SSH_PRIVATE_KEYS.contains(name)) {
            return "SSH private key";
        }
        if (name.equals(".env") || (name.startsWith(".env.") && !DOTENV_TEMPLATES.contains(name))) {
            return "dotenv";
        }
        if (name.endsWith(".pem") || name.endsWith(".key") || name.endsWith(".ppk")
                || name.contains("private_key") || name.contains("private-key")) {
            return "private key";
        }
        return null;
    }
}
