package io.trailsentry.engine;

import com.espertech.esper.common.client.EPCompiled;
import io.trailsentry.context.RulesAllowlist;
import io.trailsentry.context.StageCatalog;

import java.nio.file.Path;
import java.util.List;

/**
 * A rules folder compiled to byte code, ready to deploy into one or more engines.
 *
 * @param rulesDir the folder it was compiled from
 * @param files    one compiled module per {@code .epl} file, in dependency (path) order, then one per
 *                 Sigma {@code .yml} file that has rules to run
 * @param stages   the folder's stage vocabulary ({@code stages.yaml}), which the rules were checked
 *                 against and which the context stage and scorer use with them
 * @param ladder   the folder's escalation ladder ({@code scoring.yaml}), which the scorer uses with them
 * @param allowlist the folder's allowlist ({@code allowlist.yaml}), which the context stage adds to the
 *                 operator's; empty when the folder has none
 * @param refused  Sigma rules that were refused one by one (file, line, construct, reason) while the
 *                 rest of the set compiled; an {@code .epl} error refuses the whole set instead
 */
public record CompiledRules(Path rulesDir, List<CompiledFile> files, StageCatalog stages, ScoringLadder ladder,
                            RulesAllowlist allowlist, List<RuleError> refused) {

    public CompiledRules {
        files = List.copyOf(files);
        refused = List.copyOf(refused);
    }

    /** The same set cut down to the files named, in the set's order (a rule and what it depends on). */
    public CompiledRules only(java.util.Set<String> relativePaths) {
        return new CompiledRules(rulesDir, files.stream().filter(f -> relativePaths.contains(f.relativePath())).toList(), stages, ladder, allowlist, refused);
    }


    /**
     * One compiled {@code .epl} file (or Sigma file); {@code relativePath} is also its deployment id,
     * {@code contentHash} (SHA-256 of its EPL text, generated for a Sigma file) tells a reload whether
     * it changed, and {@code source} is that text, so errors found after compiling (metadata) can name
     * their line.
     */
    public record CompiledFile(String relativePath, String contentHash, EPCompiled compiled, String source) {

        /** The line of the statement named {@code statementName} ({@code @Name('…')}), or 0. */
        public int lineOf(String statementName) {
            if (source == null || statementName == null) {
                return 0;
            }
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("@Name\\(\\s*['\"]" + java.util.regex.Pattern.quote(statementName) + "['\"]")
                    .matcher(source);
            if (!m.find()) {
                return 0;
            }
            int line = 1;
            for (int i = 0; i < m.start(); i++) {
                if (source.charAt(i) == '\n') {
                    line++;
                }
            }
            return line;
        }
    }
}
