package io.trailsentry.docs;

import io.trailsentry.cli.RuleTable;
import io.trailsentry.engine.CompiledRules;
import io.trailsentry.engine.DetectionEngine;
import io.trailsentry.engine.EngineSettings;
import io.trailsentry.engine.EsperEngine;
import io.trailsentry.engine.TestRules;
import io.trailsentry.engine.sigma.SigmaCompilation;
import io.trailsentry.engine.sigma.SigmaCompiler;
import io.trailsentry.engine.sigma.SigmaFieldMap;
import io.trailsentry.ruletest.RuleTestFile;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Docs that show code are tested: every EPL block compiles and deploys as a rule, every Sigma block
 * compiles, every rule-test block reads as a rule test, and the generated tables (the shipped rules,
 * the Sigma field map) say what the code says. A template copied from the docs loads.
 */
class DocSnippetsTest {

    static final List<Path> DOCS = List.of(Path.of("README.md"), Path.of("ARCHITECTURE.md"), Path.of("docs/rules.md"),
            Path.of("docs/operations.md"), Path.of("docs/performance.md"), Path.of("docs/coverage.md"), Path.of("docs/backtest.md"));
    static final Pattern BLOCK = Pattern.compile("(?ms)^```(\\w+)\\n(.*?)^```\\s*$");

    @TempDir
    Path dir;

    record Snippet(Path doc, int line, String language, String text) {
        @Override
        public String toString() {
            return doc + ":" + line + " (" + language + ")";
        }
    }

    static List<Snippet> snippets() throws IOException {
        List<Snippet> out = new ArrayList<>();
        for (Path doc : DOCS) {
            if (!Files.exists(doc)) {
                continue;
            }
            String text = Files.readString(doc);
            Matcher m = BLOCK.matcher(text);
            while (m.find()) {
                int line = (int) text.substring(0, m.start()).chars().filter(c -> c == '\n').count() + 1;
                out.add(new Snippet(doc, line, m.group(1), m.group(2)));
            }
        }
        return out;
    }

    @TestFactory
    Stream<DynamicTest> everyEplSnippetCompilesAndDeploysAsARule() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Snippet s : snippets()) {
            if (s.language().equals("epl") || s.language().equals("sql")) {
                tests.add(DynamicTest.dynamicTest(s.toString(), () -> {
                    Path rules = Files.createDirectories(dir.resolve("epl-" + s.line()));
                    Matcher name = Pattern.compile("@Name\\('([^']+)'\\)").matcher(s.text());
                    String file = (name.find() ? name.group(1) : "snippet") + ".epl";
                    Files.writeString(rules.resolve(file), s.text());
                    CompiledRules compiled = EsperEngine.compile(rules, Map.of());
                    try (DetectionEngine engine = new DetectionEngine(EngineSettings.defaults(rules), compiled, hit -> { })) {
                        assertThat(engine.rules()).as("rules the snippet defines").isNotEmpty();
                    }
                }));
            }
        }
        assertThat(tests).as("the docs show at least one rule").isNotEmpty();
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> everySigmaSnippetCompilesAndEveryRuleTestSnippetReads() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Snippet s : snippets()) {
            if (!s.language().equals("yaml")) {
                continue;
            }
            if (s.text().contains("logsource:") || s.text().contains("correlation:")) {
                tests.add(DynamicTest.dynamicTest(s + " Sigma", () -> {
                    SigmaCompilation compilation = SigmaCompiler.compile(List.of(new SigmaCompiler.Source("snippet.yml", s.text())));
                    assertThat(compilation.refusals()).as("refusals").isEmpty();
                    assertThat(compilation.modules()).isNotEmpty();
                }));
            } else if (s.text().startsWith("rule:")) {
                tests.add(DynamicTest.dynamicTest(s + " rule test", () -> {
                    Path file = dir.resolve("snippet-" + s.line() + ".tests.yaml");
                    Files.writeString(file, s.text());
                    assertThat(RuleTestFile.read(file).cases()).isNotEmpty();
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void theRuleTableIsTheRulesOwnMetadata() throws Exception {
        CompiledRules compiled = TestRules.shipped();
        List<String> expected;
        try (DetectionEngine engine = new DetectionEngine(EngineSettings.defaults(Path.of("epl")), compiled, hit -> { })) {
            expected = RuleTable.markdown(engine.rules());
        }
        assertThat(between(Path.of("docs/rules.md"), "rule-table"))
                .as("docs/rules.md's rule table; regenerate with: bin/trailsentry rules validate --markdown").isEqualTo(expected);
    }

    @Test
    void theSigmaFieldTableIsTheFieldMap() throws IOException {
        assertThat(between(Path.of("docs/rules.md"), "sigma-fields")).isEqualTo(SigmaFieldMap.markdownTable());
    }

    /** The lines between {@code <!-- name:begin -->} and {@code <!-- name:end -->}. */
    static List<String> between(Path doc, String name) throws IOException {
        List<String> lines = Files.readAllLines(doc);
        int begin = lines.indexOf("<!-- " + name + ":begin -->");
        int end = lines.indexOf("<!-- " + name + ":end -->");
        assertThat(begin).as(doc + " marks " + name).isNotNegative();
        return lines.subList(begin + 1, end);
    }
}
