package io.trailsentry.api.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ApiTokensTest {

    @Test
    void entriesAreNamedOrNumberedAndCarryTheirRole() {
        ApiTokens tokens = ApiTokens.of(Map.of(
                Role.VIEWER, List.of("0123456789abcdef-viewer", "alice:0123456789abcdef-alice"),
                Role.ADMIN, List.of("ops-bot : 0123456789abcdef-admin")));

        assertThat(tokens.match("0123456789abcdef-viewer")).contains(new ApiTokens.Holder("viewer-1", Role.VIEWER));
        assertThat(tokens.match("0123456789abcdef-alice")).contains(new ApiTokens.Holder("alice", Role.VIEWER));
        assertThat(tokens.match("0123456789abcdef-admin")).contains(new ApiTokens.Holder("ops-bot", Role.ADMIN));
        assertThat(tokens.match("alice:0123456789abcdef-alice")).as("the name is not part of the secret").isEmpty();
        assertThat(tokens.match("0123456789abcdef-alic")).isEmpty();
        assertThat(tokens.match(null)).isEmpty();
    }

    @Test
    void aHigherRoleIncludesTheLowerOnes() {
        assertThat(Role.VIEWER.grantedRoles()).containsExactlyInAnyOrder("viewer");
        assertThat(Role.ANALYST.grantedRoles()).containsExactlyInAnyOrder("viewer", "analyst");
        assertThat(Role.ADMIN.grantedRoles()).containsExactlyInAnyOrder("viewer", "analyst", "admin");
    }

    @Test
    void shortSharedOrAmbiguousSecretsAreRefusedWithoutEchoingThem() {
        assertThatThrownBy(() -> ApiTokens.of(Map.of(Role.VIEWER, List.of("bob:short"))))
                .hasMessageContaining("viewer-tokens entry 1 (bob)").hasMessageContaining("16").hasMessageNotContaining("short\"");
        assertThatThrownBy(() -> ApiTokens.of(Map.of(Role.VIEWER, List.of("0123456789abcdef-same"), Role.ADMIN, List.of("0123456789abcdef-same"))))
                .hasMessageContaining("same secret").hasMessageNotContaining("0123456789abcdef-same");
        assertThatThrownBy(() -> ApiTokens.of(Map.of(Role.VIEWER, List.of("x:0123456789abcdef-1", "x:0123456789abcdef-2"))))
                .hasMessageContaining("'x'");
    }

    @Test
    void theGeneratedTokenFileIsOwnerOnlyAndReusedAcrossStarts(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data").resolve("api-token");

        TokenFile.Result first = TokenFile.readOrCreate(file);
        TokenFile.Result second = TokenFile.readOrCreate(file);

        assertThat(first.created()).isTrue();
        assertThat(second.created()).isFalse();
        assertThat(second.secret()).isEqualTo(first.secret()).hasSizeGreaterThanOrEqualTo(40);
        assertThat(Files.readString(file).trim()).isEqualTo(first.secret());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(first.toString()).doesNotContain(first.secret());
    }

    @Test
    void anEmptyTokenFileIsAnErrorNotAnOpenDoor(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("api-token");
        Files.writeString(file, "\n");
        assertThatThrownBy(() -> TokenFile.readOrCreate(file)).hasMessageContaining("delete it");
    }
}
