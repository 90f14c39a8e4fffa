package io.trailsentry.cli;

import io.trailsentry.config.StandaloneConfig;
import io.trailsentry.engine.CompiledRuleCache;
import io.trailsentry.engine.CompiledRules;
import io.trailsentry.engine.EsperEngine;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.engine.RuleMetadata;
import io.trailsentry.engine.sigma.SigmaCompiler;
import io.trailsentry.engine.sigma.SigmaImport;
import io.trailsentry.ruletest.RuleTestResult;
import io.trailsentry.ruletest.RuleTestRunner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code rules validate} compiles and deploys the rules and lists their metadata; {@code rules test}
 * also runs the sample-event tests beside them (default: every {@code *.tests.yaml} in the rules folder).
 */
@Command(name = "rules", mixinStandardHelpOptions = true, description = "Validate, test and backtest detection rules without a server.",
        subcommands = {RulesCommand.Validate.class, RulesCommand.Test.class, RulesCommand.ImportSigma.class, RulesBacktestCommand.class})
public final class RulesCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    final PrintStream out;
    final PrintStream err;
    /** The set {@link #load} compiled last (for the generated EPL of Sigma files). */
    private CompiledRules compiled;

    public RulesCommand() {
        this(System.out, System.err);
    }

    RulesCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    /** Parses and runs on this command's streams (tests). */
    int run(List<String> args) {
        return Cli.execute(this, out, err, args);
    }

    /** {@code rules} alone: say which subcommands there are. */
    @Override
    public Integer call() {
        spec.commandLine().usage(err);
        return ExitCode.USAGE;
    }

    /** The rules folder option every subcommand takes. */
    static final class RulesFolder {
        @Option(names = "--rules", paramLabel = "DIR", description = "rules folder (default: trailsentry.rules.dir, this checkout's epl/ from bin/trailsentry)")
        Path dir;

        Path resolve() {
            return dir != null ? dir : StandaloneConfig.load(null).rules().dir();
        }

        /** The configured compiled-rule cache (a command compiles only what changed since the last). */
        static CompiledRuleCache cache() {
            return CompiledRuleCache.in(StandaloneConfig.load(null).rules().cacheDir().orElse(null));
        }
    }

    /** Compiles a rules folder, or says why not; null means refused (the reason is printed). */
    RuleTestRunner load(Path rulesDir) {
        try {
            CompiledRules compiled = EsperEngine.compile(rulesDir, java.util.Map.of(), RulesFolder.cache());
            for (io.trailsentry.engine.RuleError refused : compiled.refused()) {
                err.println("refused (the other rules load): " + refused.describe());
            }
            this.compiled = compiled;
            return new RuleTestRunner(rulesDir, compiled);
        } catch (RuleLoadException e) {
            err.println("rules in " + rulesDir + " do not load:\n" + e.getMessage());
        } catch (RuntimeException e) {
            err.println("rules in " + rulesDir + " do not load: " + e.getMessage());
        }
        return null;
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Compile and deploy the rules in a scratch engine and list each rule: name, severity, alert or building block, stages, MITRE technique, file.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:every rule valid", "2:usage error",
                    "3:rules refused (errors as FILE:LINE:COLUMN: message)"})
    static final class Validate implements Callable<Integer> {

        @picocli.CommandLine.ParentCommand
        RulesCommand parent;

        @picocli.CommandLine.Mixin
        RulesFolder folder;

        @Option(names = "--show-epl", description = "also print the EPL each Sigma file compiles to")
        boolean showEpl;

        @Option(names = "--markdown", description = "print the rules as the Markdown table docs/rules.md carries, nothing else")
        boolean markdown;

        @Override
        public Integer call() {
            Path rulesDir = folder.resolve();
            RuleTestRunner runner = parent.load(rulesDir);
            if (runner == null) {
                return ExitCode.RULES_REFUSED;
            }
            if (markdown) {
                RuleTable.markdown(runner.rules()).forEach(parent.out::println);
                return ExitCode.OK;
            }
            for (RuleMetadata rule : runner.rules()) {
                if (SigmaCompiler.isSigmaFile(rule.file())) {
                    parent.out.printf("sigma %-47s level %-13s tags %s  (%s)%n", rule.statementName(), rule.severity(),
                            rule.tag("sigmaTags") == null ? "-" : rule.tag("sigmaTags"), rule.file());
                }
                parent.out.printf("ok   %-48s %-13s %-14s %-22s %-10s %s  (%s)%n", rule.statementName(), rule.severity(),
                        rule.buildingBlock() ? "building-block" : "alert", String.join(",", rule.stages()),
                        rule.mitre().techniqueId() != null ? rule.mitre().techniqueId() : rule.mitre().tacticId(), rule.mitre().tactic(), rule.file());
            }
            parent.out.println(runner.rules().size() + " rule(s) valid in " + rulesDir
                    + (parent.compiled.refused().isEmpty() ? "" : ", " + parent.compiled.refused().size() + " Sigma rule(s) refused"));
            if (showEpl) {
                for (CompiledRules.CompiledFile file : parent.compiled.files()) {
                    if (SigmaCompiler.isSigmaFile(file.relativePath())) {
                        parent.out.println("\n// ---- " + file.relativePath() + " compiles to:\n" + file.source());
                    }
                }
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "import-sigma", mixinStandardHelpOptions = true,
            description = {"Compile a folder of Sigma rules (e.g. a checkout of SigmaHQ's rules/cloud/aws) and report, per rule,",
                    "compiled or refused with the reason, and a total. Nothing is deployed or copied."},
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:reported (refused rules are findings in the report, not an error)",
                    "1:not one rule compiled", "2:usage error", "4:the folder cannot be read"})
    static final class ImportSigma implements Callable<Integer> {

        @picocli.CommandLine.ParentCommand
        RulesCommand parent;

        @Parameters(paramLabel = "DIR", description = "folder of Sigma .yml rules (searched recursively)")
        Path dir;

        @Option(names = "--show-epl", description = "also print the EPL each compiled file becomes")
        boolean showEpl;

        @Override
        public Integer call() {
            SigmaImport.Report report;
            try {
                report = SigmaImport.report(dir);
            } catch (IllegalArgumentException | java.io.UncheckedIOException e) {
                parent.err.println(e.getMessage());
                return ExitCode.INPUT_UNREADABLE;
            }
            report.lines().forEach(parent.out::println);
            if (showEpl) {
                report.modules().forEach(m -> parent.out.println("\n// ---- " + m.relativePath() + " compiles to:\n" + m.epl()));
            }
            return report.compiled() > 0 ? ExitCode.OK : ExitCode.FINDINGS;
        }
    }

    @Command(name = "test", mixinStandardHelpOptions = true,
            description = "Run the rules' sample-event tests (*.tests.yaml): PASS or FAIL per case, with a diff.",
            exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:every case passed", "1:a case failed (or none ran)",
                    "2:usage error", "3:rules refused"})
    static final class Test implements Callable<Integer> {

        @picocli.CommandLine.ParentCommand
        RulesCommand parent;

        @picocli.CommandLine.Mixin
        RulesFolder folder;

        @Parameters(arity = "0..*", paramLabel = "PATH", description = "test files or folders (default: the rules folder)")
        List<Path> paths;

        @Override
        public Integer call() {
            Path rulesDir = folder.resolve();
            RuleTestRunner runner = parent.load(rulesDir);
            if (runner == null) {
                return ExitCode.RULES_REFUSED;
            }
            List<Path> testFiles;
            try {
                testFiles = RuleTestRunner.findTestFiles(paths == null || paths.isEmpty() ? List.of(rulesDir) : paths);
            } catch (IllegalArgumentException e) {
                parent.err.println(e.getMessage());
                return ExitCode.USAGE;
            }
            int[] passedFailed = new int[2];
            runner.runAll(testFiles, Runtime.getRuntime().availableProcessors(), (file, results) -> {
                for (RuleTestResult result : results) {
                    if (result.passed()) {
                        passedFailed[0]++;
                        parent.out.printf("PASS %s: %s%n", file, result.caseName());
                    } else {
                        passedFailed[1]++;
                        parent.out.printf("FAIL %s: %s%n  %s%n", file, result.caseName(), result.detail());
                    }
                }
            });
            parent.out.println("rule tests: " + passedFailed[0] + " passed, " + passedFailed[1] + " failed");
            return passedFailed[1] == 0 && passedFailed[0] > 0 ? ExitCode.OK : ExitCode.FINDINGS;
        }
    }
}
