package io.trailsentry.engine;

import com.espertech.esper.common.client.EPCompiled;

import java.nio.file.Path;
import java.util.List;

/**
 * A rules folder compiled to byte code, ready to deploy into one or more engines.
 *
 * @param rulesDir the folder it was compiled from
 * @param files    one compiled module per {@code .epl} file, in dependency (path) order
 */
public record CompiledRules(Path rulesDir, List<CompiledFile> files) {

    public CompiledRules {
        files = List.copyOf(files);
    }

    /**
     * One compiled {@code .epl} file; {@code relativePath} is also its deployment id, and
     * {@code contentHash} (SHA-256 of its text) tells a reload whether it changed.
     */
    public record CompiledFile(String relativePath, String contentHash, EPCompiled compiled) {
    }
}
