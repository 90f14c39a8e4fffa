package io.trailsentry.backtest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What a caller may send as changed rule files, and how they land on a copy of the rules folder. */
class RuleChangesTest {

    @TempDir
    Path dir;

    @Test
    void rulesTheirTestsSigmaAndTheDataBesideThemAreRulesFiles() {
        for (String name : List.of("a.epl", "credential_access_x.epl", "x.tests.yaml", "sigma/rule.yml", "scoring.yaml", "allowlist.yaml",
                "stages.yaml", "a/b/c/d.EPL")) {
            assertThat(new RuleFileName(name).value()).isEqualTo(name);
        }
    }

    @Test
    void aNameLeavingTheFolderHiddenOrOfAnotherKindIsRefused() {
        for (String name : List.of("../x.epl", "a/../../x.epl", "/etc/x.epl", "..", ".hidden.epl", "sub/.git/x.epl", "a\\b.epl", "C:x.epl",
                "a//b.epl", "a/", "", "x.txt", "x.epl.sh", "x.epl\u0000.txt", "x\n.epl", "a/b/c/d/e.epl", "~/x.epl", "x y.epl")) {
            assertThatThrownBy(() -> new RuleFileName(name)).as(name).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void sizesAreBoundedAndEveryProblemIsNamedAtOnce() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("big.epl", "x".repeat(RuleChanges.MAX_FILE_BYTES + 1));
        files.put("../escape.epl", "x");
        assertThatThrownBy(() -> RuleChanges.of(files)).isInstanceOf(RuleChanges.TooLarge.class)
                .hasMessageContaining("big.epl is " + (RuleChanges.MAX_FILE_BYTES + 1) + " bytes")
                .hasMessageContaining("'../escape.epl' is not a file name inside the rules folder");

        Map<String, String> many = new HashMap<>();
        for (int i = 0; i <= RuleChanges.MAX_FILES; i++) {
            many.put("r" + i + ".epl", "");
        }
        assertThatThrownBy(() -> RuleChanges.of(many)).isInstanceOf(RuleChanges.TooLarge.class);

        Map<String, String> total = new HashMap<>();
        for (int i = 0; i < 9; i++) {
            total.put("r" + i + ".epl", "x".repeat(RuleChanges.MAX_FILE_BYTES));
        }
        assertThatThrownBy(() -> RuleChanges.of(total)).isInstanceOf(RuleChanges.TooLarge.class).hasMessageContaining("in all");
        assertThatThrownBy(() -> RuleChanges.of(Map.of())).isNotInstanceOf(RuleChanges.TooLarge.class).hasMessageContaining("no files");
    }

    @Test
    void theChangesReplaceAddAndDeleteFilesInACopyThatLeavesHiddenFilesOut() throws IOException {
        Path deployed = Files.createDirectories(dir.resolve("epl"));
        Files.writeString(deployed.resolve("a.epl"), "deployed a");
        Files.writeString(deployed.resolve("b.epl"), "deployed b");
        Files.createDirectories(deployed.resolve(".git"));
        Files.writeString(deployed.resolve(".git/config"), "not a rule");
        Files.writeString(deployed.resolve(".a.epl.swp"), "an editor's");
        Path copy = dir.resolve("copy");

        RuleChanges.copyRulesFolder(deployed, copy);
        Map<String, String> files = new HashMap<>();
        files.put("a.epl", "changed a");
        files.put("sigma/new.yml", "title: new");
        files.put("b.epl", null);
        RuleChanges changes = RuleChanges.of(files);
        changes.applyTo(copy);

        assertThat(changes.names()).containsExactly("a.epl", "b.epl", "sigma/new.yml");
        assertThat(Files.readString(copy.resolve("a.epl"))).isEqualTo("changed a");
        assertThat(Files.readString(copy.resolve("sigma/new.yml"))).isEqualTo("title: new");
        assertThat(copy.resolve("b.epl")).doesNotExist();
        assertThat(copy.resolve(".git")).doesNotExist();
        assertThat(copy.resolve(".a.epl.swp")).doesNotExist();
        assertThat(Files.readString(deployed.resolve("a.epl"))).as("the deployed folder is untouched").isEqualTo("deployed a");
        assertThat(deployed.resolve("b.epl")).exists();
    }
}
