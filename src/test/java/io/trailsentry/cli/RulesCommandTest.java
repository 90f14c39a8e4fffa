package io.trailsentry.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code rules …}: help, exit codes, the listing, Sigma import and the generated EPL. */
class RulesCommandTest {

    @TempDir
    Path dir;

    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();

    int rules(String... args) {
        return new RulesCommand(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(List.of(args));
    }

    @Test
    void everySubcommandHasHelpAndUsageErrorsExitTwo() {
        for (String sub : List.of("validate", "test", "import-sigma")) {
            out.reset();
            assertThat(rules(sub, "--help")).as(sub).isEqualTo(ExitCode.OK);
            assertThat(out.toString()).contains("Usage: rules " + sub, "Exit codes:");
        }
        assertThat(rules("validate", "--frobnicate")).isEqualTo(ExitCode.USAGE);
        assertThat(rules()).isEqualTo(ExitCode.USAGE);
        assertThat(rules("import-sigma")).isEqualTo(ExitCode.USAGE);
    }

    @Test
    void validateListsEachRuleWithItsKindAndTechnique() {
        assertThat(rules("validate", "--rules", "epl")).as(err.toString()).isEqualTo(ExitCode.OK);
        assertThat(out.toString()).contains("discovery_iam_enumeration_compat", "T1580", "Discovery", "alert", "rule(s) valid in epl");
    }

    @Test
    void aRefusedRuleSetExitsThree() throws Exception {
        Files.writeString(dir.resolve("discovery_broken.epl"), "@Name('discovery_broken') select * from CloudTrailEvent(nope = 1);\n");
        assertThat(rules("validate", "--rules", dir.toString())).isEqualTo(ExitCode.RULES_REFUSED);
        assertThat(err.toString()).contains("discovery_broken.epl:1:");
    }

    @Test
    void importSigmaReportsEachRuleAndShowsTheEpl() throws Exception {
        Files.writeString(dir.resolve("trail_stopped.yml"), """
                title: CloudTrail logging stopped
                id: 2b3c4d5e-6f70-4812-9a3b-4c5d6e7f8091
                status: test
                description: A trail was stopped.
                logsource:
                  product: aws
                  service: cloudtrail
                detection:
                  selection:
                    eventSource: cloudtrail.amazonaws.com
                    eventName: StopLogging
                  condition: selection
                level: high
                tags:
                  - attack.defense-evasion
                  - attack.t1562.008
                """);
        Files.writeString(dir.resolve("keywords.yml"), """
                title: Bare keywords
                id: 3c4d5e6f-7081-4923-8b4c-5d6e7f809102
                logsource:
                  product: aws
                  service: cloudtrail
                detection:
                  keywords:
                    - evil
                  condition: keywords
                level: low
                tags:
                  - attack.discovery
                """);
        assertThat(rules("import-sigma", "--show-epl", dir.toString())).as(err.toString()).isEqualTo(ExitCode.OK);
        assertThat(out.toString()).contains("compiled  trail_stopped.yml", "refused   keywords.yml:", "1 of 2 Sigma rules compiled",
                "// ---- trail_stopped.yml compiles to:", "eventName = 'StopLogging'");
        assertThat(rules("import-sigma", dir.resolve("nope").toString())).isEqualTo(ExitCode.INPUT_UNREADABLE);
    }
}
