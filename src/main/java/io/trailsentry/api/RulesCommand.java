package io.trailsentry.api;

import io.trailsentry.engine.CompiledRules;
import io.trailsentry.engine.EsperEngine;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.engine.RuleMetadata;
import io.trailsentry.ruletest.RuleTestResult;
import io.trailsentry.ruletest.RuleTestRunner;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rules validate [--rules DIR]} compiles and deploys the rules and prints their metadata;
 * {@code rules test [--rules DIR] [PATH...]} also runs the sample-event tests beside them (default:
 * every {@code *.tests.yaml} in the rules folder). Exit code 0 only when everything passed.
 */
final class RulesCommand {

    static final String USAGE = "usage: trailsentry rules validate [--rules DIR] | rules test [--rules DIR] [PATH...]";

    private final PrintStream out;
    private final PrintStream err;

    RulesCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(List<String> args) {
        if (args.isEmpty() || !(args.get(0).equals("validate") || args.get(0).equals("test"))) {
            err.println(USAGE);
            return 2;
        }
        Path rulesDir = StandaloneConfig.load(null).rules().dir();
        List<Path> paths = new ArrayList<>();
        for (int i = 1; i < args.size(); i++) {
            if (args.get(i).equals("--rules") && i + 1 < args.size()) {
                rulesDir = Path.of(args.get(++i));
            } else if (args.get(i).startsWith("--")) {
                err.println("unknown option " + args.get(i) + "\n" + USAGE);
                return 2;
            } else {
                paths.add(Path.of(args.get(i)));
            }
        }
        RuleTestRunner runner;
        try {
            CompiledRules compiled = EsperEngine.compile(rulesDir);
            runner = new RuleTestRunner(rulesDir, compiled);
        } catch (RuleLoadException e) {
            err.println("rules in " + rulesDir + " do not load:\n" + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            err.println("rules in " + rulesDir + " do not load: " + e.getMessage());
            return 1;
        }
        if (args.get(0).equals("validate")) {
            for (RuleMetadata rule : runner.rules()) {
                out.printf("ok   %-40s %-8s %-22s %s  (%s)%n", rule.statementName(), rule.severity(),
                        String.join(",", rule.stages()),
                        rule.mitre().techniqueId() != null ? rule.mitre().techniqueId() : rule.mitre().tacticId(), rule.file());
            }
            out.println(runner.rules().size() + " rule(s) valid in " + rulesDir);
            return 0;
        }
        List<Path> testFiles;
        try {
            testFiles = RuleTestRunner.findTestFiles(paths.isEmpty() ? List.of(rulesDir) : paths);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        int passed = 0;
        int failed = 0;
        for (Path file : testFiles) {
            for (RuleTestResult result : runner.run(file)) {
                if (result.passed()) {
                    passed++;
                    out.printf("PASS %s: %s%n", file, result.caseName());
                } else {
                    failed++;
                    out.printf("FAIL %s: %s%n  %s%n", file, result.caseName(), result.detail());
                }
            }
        }
        out.println("rule tests: " + passed + " passed, " + failed + " failed");
        return failed == 0 && passed > 0 ? 0 : 1;
    }
}
