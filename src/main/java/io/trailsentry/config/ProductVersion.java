package io.trailsentry.config;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** TrailSentry's own version, as the build wrote it into {@code trailsentry-version.properties}. */
public final class ProductVersion {

    private static final String VERSION = read();

    private ProductVersion() {
    }

    public static String get() {
        return VERSION;
    }

    private static String read() {
        try (InputStream in = ProductVersion.class.getClassLoader().getResourceAsStream("trailsentry-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            String version = properties.getProperty("version", "unknown");
            // Unfiltered (run from sources without Maven's resource step): say so rather than print the placeholder.
            return version.startsWith("${") ? "unknown" : version;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
