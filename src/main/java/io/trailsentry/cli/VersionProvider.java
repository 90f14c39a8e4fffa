package io.trailsentry.cli;

import io.trailsentry.config.ProductVersion;
import picocli.CommandLine;

/** {@code --version}: the product version the build stamped. */
final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"TrailSentry " + ProductVersion.get()};
    }
}
