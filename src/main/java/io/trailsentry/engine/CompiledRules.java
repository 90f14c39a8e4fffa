package io.trailsentry.engine;

import com.espertech.esper.common.client.EPCompiled;

import java.nio.file.Path;
import java.util.List;

/**
 * A rules folder compiled to byte code, ready to deploy into one or more engines.
 *
 * @param rulesDir the folder it was compiled from
 * @param files    one compiled module per {@code .epl} file, in dependency (path) order, then one per
 *                 Sigma {@code .yml} file that has rules to run
 * @param refused  Sigma rules that were refused one by one (file, line, construct, reason) while the
 *                 rest of the set compiled; an {@code .epl} error refuses the whole set instead
 */
public record CompiledRules(Path rulesDir, List<CompiledFile> files, List<RuleError> refused) {

    public CompiledRules {
        files = List.copyOf(files);
        refused = List.copyOf(refused);
    }

    public CompiledRules(Path rulesDir, List<CompiledFile> files) {
        this(rulesDir, files, List.of());
    }

    /**
     * One compiled {@code .epl} file (or Sigma file); {@code relativePath} is also its deployment id,
     * and {@code contentHash} (SHA-256 of its EPL text, generated for a Sigma file) tells a reload
     * whether it changed.
     */
    public record CompiledFile(String relativePath, String contentHash, EPCompiled compiled) {
    }
}
