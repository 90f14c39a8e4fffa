package io.trailsentry.ruletest;

import com.fasterxml.jackson.databind.JsonNode;
import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertFactory;
import io.trailsentry.alert.AlertJson;
import io.trailsentry.context.Baselines;
import io.trailsentry.context.ContextEnricher;
import io.trailsentry.context.ContextSettings;
import io.trailsentry.engine.CompiledRules;
import io.trailsentry.engine.DetectionEngine;
import io.trailsentry.engine.EngineSettings;
import io.trailsentry.engine.RuleLoadException;
import io.trailsentry.engine.RuleMetadata;
import io.trailsentry.ingest.CloudTrailReader;
import io.trailsentry.ingest.DeadLetter;
import io.trailsentry.ingest.ReadSummary;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs rules' sample-event tests with no server: the rules folder is compiled once, then every
 * case gets a fresh engine, its events go through the real parser, and the alerts of the case's
 * rule are checked against what the case expects.
 */
public final class RuleTestRunner {

    public static final String TEST_SUFFIX = ".tests.yaml";

    private final Path rulesDir;
    private final CompiledRules compiled;
    private final List<RuleMetadata> deployedRules;
    /** Each rule file with the files it depends on: a case deploys only its rule's file and those. */
    private final Map<String, Set<String>> dependencies;
    private final CloudTrailReader reader = new CloudTrailReader();
    private final AlertFactory alertFactory = new AlertFactory();

    /** @throws RuleLoadException when the rules themselves do not compile or deploy */
    public RuleTestRunner(Path rulesDir, CompiledRules compiled) throws RuleLoadException {
        this.rulesDir = rulesDir;
        this.compiled = compiled;
        // Deployed whole once, which checks the set (metadata, ids, parameters); each case then
        // deploys only what its rule needs, without checking it again.
        try (DetectionEngine probe = new DetectionEngine(EngineSettings.defaults(rulesDir), compiled, hit -> { })) {
            this.deployedRules = probe.rules();
            this.dependencies = probe.fileDependencies();
        }
    }

    public List<RuleMetadata> rules() {
        return deployedRules;
    }

    /** Every {@code *.tests.yaml} under the given paths (files or folders), sorted. */
    public static List<Path> findTestFiles(List<Path> paths) {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isRegularFile(path)) {
                files.add(path);
            } else if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(p -> p.getFileName().toString().endsWith(TEST_SUFFIX)).sorted().forEach(files::add);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                throw new IllegalArgumentException(path + " does not exist");
            }
        }
        return files;
    }

    /** Runs every case of one file; a malformed file is one failed result naming the problem. */
    public List<RuleTestResult> run(Path testFile) {
        RuleTestFile file;
        try {
            file = RuleTestFile.read(testFile);
        } catch (IllegalArgumentException e) {
            return List.of(new RuleTestResult(testFile, "(file)", false, e.getMessage()));
        }
        if (deployedRules.stream().noneMatch(r -> r.id().equals(file.rule()))) {
            return List.of(new RuleTestResult(testFile, "(file)", false,
                    "rule " + file.rule() + " is not deployed from " + rulesDir + "; known ids: "
                            + deployedRules.stream().map(RuleMetadata::id).toList()));
        }
        List<RuleTestResult> results = new ArrayList<>();
        for (RuleTestCase testCase : file.cases()) {
            results.add(runCase(file, testCase));
        }
        return results;
    }

    /**
     * Runs the cases of every file, {@code threads} files at a time: each case has an engine of its
     * own, so files are independent, and on two cores the run takes about half as long. {@code results}
     * gets each file's results in the order of the files, as soon as that file and those before it are
     * done.
     */
    public void runAll(List<Path> files, int threads, java.util.function.BiConsumer<Path, List<RuleTestResult>> results) {
        if (threads <= 1 || files.size() <= 1) {
            files.forEach(file -> results.accept(file, run(file)));
            return;
        }
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads, task -> {
            Thread thread = new Thread(task, "rule-tests");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<java.util.concurrent.Future<List<RuleTestResult>>> running = new ArrayList<>();
            for (Path file : files) {
                running.add(pool.submit(() -> run(file)));
            }
            for (int i = 0; i < files.size(); i++) {
                List<RuleTestResult> fileResults;
                try {
                    fileResults = running.get(i).get();
                } catch (java.util.concurrent.ExecutionException e) {
                    fileResults = List.of(new RuleTestResult(files.get(i), "(file)", false, String.valueOf(e.getCause())));
                }
                results.accept(files.get(i), fileResults);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("rule tests interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The rule's own file and the files it depends on. */
    private CompiledRules rulesFor(String ruleId) {
        String ruleFile = deployedRules.stream().filter(r -> r.id().equals(ruleId)).map(RuleMetadata::file).findFirst().orElseThrow();
        Set<String> files = new java.util.HashSet<>(dependencies.getOrDefault(ruleFile, Set.of()));
        files.add(ruleFile);
        return compiled.only(files);
    }

    private RuleTestResult runCase(RuleTestFile file, RuleTestCase testCase) {
        List<Alert> alerts = new ArrayList<>();
        List<DeadLetter> rejected = new ArrayList<>();
        // A fresh context per case (stages from the rules folder, business hours 08–18 UTC Mon–Fri,
        // nothing learned yet), so each case stands alone.
        ContextSettings contextSettings = contextSettings(file.context());
        ContextEnricher context = new ContextEnricher(contextSettings, compiled.stages(), new Baselines(10_000));
        try (DetectionEngine engine = DetectionEngine.ofCheckedRules(
                new EngineSettings(rulesDir, Duration.ofMinutes(5), file.parameters()), rulesFor(file.rule()), context,
                hit -> alerts.addAll(alertFactory.create(io.trailsentry.scoring.Signal.of(hit, compiled.ladder()))))) {
            byte[] json = SampleEvents.toJsonArray(testCase.events());
            ReadSummary summary = reader.read(json, file.path() + " / " + testCase.name(), engine::accept, rejected::add);
            if (summary.rejected() > 0) {
                return fail(file, testCase, "sample events were rejected by the parser: " + rejected);
            }
            engine.finish();
        } catch (RuntimeException e) {
            return fail(file, testCase, e.getMessage());
        }
        List<Alert> ofRule = alerts.stream().filter(a -> a.rule().ruleId().equals(file.rule())).toList();
        if (!testCase.expectsFire()) {
            return ofRule.isEmpty()
                    ? pass(file, testCase, "silent as expected")
                    : fail(file, testCase, "expected: silent\n  actual: " + ofRule.size() + " alert(s), first: " + ofRule.get(0).displayName());
        }
        if (ofRule.isEmpty()) {
            return fail(file, testCase, "expected: fire\n  actual: no alert of rule " + file.rule()
                    + (alerts.isEmpty() ? "" : " (other rules fired: " + alerts.stream().map(a -> a.rule().ruleId()).distinct().toList() + ")"));
        }
        if (testCase.alerts() != null && testCase.alerts() != ofRule.size()) {
            return fail(file, testCase, "expected: " + testCase.alerts() + " alert(s)\n  actual: " + ofRule.size());
        }
        JsonNode first = AlertJson.mapper().valueToTree(ofRule.get(0));
        StringBuilder diff = new StringBuilder();
        for (Map.Entry<String, JsonNode> expected : testCase.fields().entrySet()) {
            JsonNode actual = first.get(expected.getKey());
            if (!sameValue(expected.getValue(), actual)) {
                diff.append("\n  field ").append(expected.getKey())
                        .append("\n    expected: ").append(expected.getValue())
                        .append("\n    actual:   ").append(actual);
            }
        }
        if (!diff.isEmpty()) {
            return fail(file, testCase, "fields differ:" + diff);
        }
        return pass(file, testCase, ofRule.size() + " alert(s)");
    }

    /** YAML gives ints and text where the alert has longs and instants: compare as values, not node types. */
    static boolean sameValue(JsonNode expected, JsonNode actual) {
        if (actual == null || actual.isNull()) {
            return expected == null || expected.isNull();
        }
        if (expected.isNumber() && actual.isNumber()) {
            return expected.decimalValue().compareTo(actual.decimalValue()) == 0;
        }
        if (expected.isArray() && actual.isArray()) {
            if (expected.size() != actual.size()) {
                return false;
            }
            for (int i = 0; i < expected.size(); i++) {
                if (!sameValue(expected.get(i), actual.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (expected.isValueNode() && actual.isValueNode()) {
            return expected.asText().equals(actual.asText());
        }
        return expected.equals(actual);
    }

    /** Defaults (nothing known, 08:00–18:00 MON–FRI UTC) with the test file's {@code context:} on top. */
    private ContextSettings contextSettings(Map<String, List<String>> overrides) {
        ContextSettings d = ContextSettings.defaults();
        List<String> hours = overrides.get("business-hours");
        java.time.LocalTime[] businessHours = hours == null ? new java.time.LocalTime[] {d.businessStart(), d.businessEnd()}
                : ContextSettings.parseHours(hours.get(0));
        List<String> days = overrides.get("business-days");
        List<String> zone = overrides.get("timezone");
        return d.toBuilder()
                .knownCidrs(overrides.getOrDefault("known-cidrs", d.knownCidrs()))
                .businessHours(businessHours[0], businessHours[1])
                .businessDays(days == null ? d.businessDays() : ContextSettings.parseDays(String.join(",", days)))
                .timezone(zone == null ? d.timezone() : java.time.ZoneId.of(zone.get(0)))
                .adminPrincipals(overrides.getOrDefault("admin-principals", d.adminPrincipals()))
                .allowlistedPrincipals(overrides.getOrDefault("allowlisted-principals", d.allowlistedPrincipals()))
                .allowlistedUserAgents(overrides.getOrDefault("allowlisted-user-agents", d.allowlistedUserAgents()))
                .baselineFile(null)
                .build();
    }

    private static RuleTestResult pass(RuleTestFile file, RuleTestCase c, String detail) {
        return new RuleTestResult(file.path(), c.name(), true, detail);
    }

    private static RuleTestResult fail(RuleTestFile file, RuleTestCase c, String detail) {
        return new RuleTestResult(file.path(), c.name(), false, detail);
    }
}
