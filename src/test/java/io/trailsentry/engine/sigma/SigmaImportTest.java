package io.trailsentry.engine.sigma;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The report the import command prints: one line per rule, compiled or refused with the reason, and the total. */
class SigmaImportTest {

    @Test
    void reportsEachRuleAndTheTotal(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("good.yml"), """
                title: Root used
                id: aaaaaaaa-1111-4222-8333-444444444444
                logsource: {product: aws, service: cloudtrail}
                detection:
                    selection: {userIdentity.type: Root}
                    condition: selection
                tags: [attack.privilege-escalation]
                level: high
                """);
        Files.writeString(dir.resolve("windows.yml"), """
                title: Whoami
                id: bbbbbbbb-1111-4222-8333-444444444444
                logsource: {product: windows, category: process_creation}
                detection:
                    selection: {Image|endswith: '\\\\whoami.exe'}
                    condition: selection
                level: high
                """);
        Files.writeString(dir.resolve("notes.yaml"), "just: data\n");
        SigmaImport.Report report = SigmaImport.report(dir);
        assertThat(report.compiled()).isEqualTo(1);
        assertThat(report.refused()).isEqualTo(1);
        assertThat(report.lines()).containsExactly(
                "compiled  good.yml:1  Root used",
                "refused   windows.yml:3:1: logsource: TrailSentry reads AWS CloudTrail only; this rule's log source is product: windows,"
                        + " category: process_creation (expected product: aws, service: cloudtrail)  [Whoami]",
                "1 of 2 Sigma rules compiled (50.0 %), 1 refused");
        assertThat(report.rules().get(0).epl()).contains("select * from CloudTrailEvent(lower(userIdentityType) = 'root')");
    }

    @Test
    void aMissingFolderIsAnError(@TempDir Path dir) {
        assertThatThrownBy(() -> SigmaImport.report(dir.resolve("nope"))).isInstanceOf(IllegalArgumentException.class);
    }
}
