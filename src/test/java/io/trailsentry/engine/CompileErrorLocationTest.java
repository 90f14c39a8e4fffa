package io.trailsentry.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A refused rule names the line and column of the token at fault, not the statement's first line. */
class CompileErrorLocationTest {

    @TempDir
    Path rules;

    @Test
    void anUnknownPropertyIsReportedWhereItIsWritten() throws Exception {
        Files.writeString(rules.resolve("discovery_typo.epl"), """
                // a rule with a misspelt property on its second filter line

                @Name('discovery_typo')
                @Description('Lists users.')
                @Tag(name='id', value='11111111-2222-4333-8444-555555555555')
                @Tag(name='name', value='Typo')
                @Tag(name='severity', value='Low')
                @Tag(name='stage', value='discovery')
                @Tag(name='mitre', value='TA0007:T1580')
                @Tag(name='version', value='1.0.0')
                select * from CloudTrailEvent(eventName = 'ListUsers'
                                              and principalIdd = 'x');
                """);
        assertThatThrownBy(() -> EsperEngine.compile(rules, Map.of()))
                .isInstanceOfSatisfying(RuleLoadException.class, e -> {
                    RuleError error = e.errors().get(0);
                    assertThat(error.line()).isEqualTo(12);
                    assertThat(error.column()).isEqualTo(35);
                    assertThat(error.describe()).startsWith("discovery_typo.epl:12:35: ").contains("principalIdd");
                });
    }

    @Test
    void aSyntaxErrorKeepsEspersOwnLineAndColumn() throws Exception {
        Files.writeString(rules.resolve("discovery_syntax.epl"), """
                @Name('discovery_syntax')
                select * from CloudTrailEvent(eventName = 'ListUsers' and and);
                """);
        assertThatThrownBy(() -> EsperEngine.compile(rules, Map.of()))
                .isInstanceOfSatisfying(RuleLoadException.class, e -> {
                    RuleError error = e.errors().get(0);
                    assertThat(error.line()).isEqualTo(2);
                    assertThat(error.column()).isGreaterThan(50);
                });
    }
}
