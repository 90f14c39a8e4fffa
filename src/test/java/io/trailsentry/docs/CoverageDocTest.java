package io.trailsentry.docs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/coverage.md maps every community CloudTrail detection to the rules that cover it. The map is
 * only worth reading while it is true: every rule it names must exist in {@code epl/}, and the share
 * it claims is recounted here from its own rows, which must stay at or above 90 % of the in-mission
 * behaviours.
 */
class CoverageDocTest {

    private static final Path DOC = Path.of("docs/coverage.md");
    private static final Pattern RULE_NAME = Pattern.compile("`([a-z0-9_]+)`");

    /** One row of the behaviour table: the rules column and whether the row is out of mission. */
    record Row(String source, List<String> rules, boolean outOfMission, String whyNot) {
    }

    @Test
    void everyRuleTheMapNamesExists() throws IOException {
        List<Row> rows = rows();
        assertThat(rows).hasSizeGreaterThan(300);
        List<String> missing = new ArrayList<>();
        for (Row row : rows) {
            for (String rule : row.rules()) {
                if (!Files.exists(Path.of("epl", rule + ".epl")) && !Files.exists(Path.of("epl", rule + ".yml"))) {
                    missing.add(row.source() + " -> " + rule);
                }
            }
        }
        assertThat(missing).as("rules named in docs/coverage.md without a file in epl/").isEmpty();
    }

    @Test
    void atLeastNinetyPercentOfTheInMissionBehavioursAreCoveredAndTheSummaryAddsUp() throws IOException {
        List<Row> inMission = rows().stream().filter(r -> !r.outOfMission()).toList();
        long covered = inMission.stream().filter(r -> !r.rules().isEmpty()).count();
        assertThat(inMission.stream().filter(r -> r.rules().isEmpty()))
                .as("an uncovered in-mission row says why").allSatisfy(r -> assertThat(r.whyNot()).isNotBlank());
        assertThat(covered * 100.0 / inMission.size()).isGreaterThanOrEqualTo(90.0);
        String summary = String.format(java.util.Locale.ROOT, "| **%d** | **%d** | **%.1f %%** |", inMission.size(), covered,
                covered * 100.0 / inMission.size());
        assertThat(Files.readString(DOC)).as("the summary row counts the rows below it").contains(summary);
    }

    private static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        for (String line : Files.readAllLines(DOC)) {
            if (!line.startsWith("| ") || line.startsWith("| catalogue") || line.startsWith("|---")) {
                continue;
            }
            String[] cells = line.split("(?<!\\\\)\\|", -1);
            if (cells.length < 8) {
                continue; // the summary table has five columns
            }
            String rulesCell = cells[5].trim();
            List<String> rules = new ArrayList<>();
            Matcher m = RULE_NAME.matcher(rulesCell);
            while (m.find()) {
                rules.add(m.group(1));
            }
            String whyNot = cells[6].trim();
            rows.add(new Row(cells[2].trim(), rules, whyNot.startsWith("out of mission"), whyNot));
        }
        return rows;
    }
}
