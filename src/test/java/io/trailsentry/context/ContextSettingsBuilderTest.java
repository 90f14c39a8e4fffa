package io.trailsentry.context;

import org.junit.jupiter.api.Test;

import java.time.LocalTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The builder names what differs from the defaults and leaves every other value as it was. */
class ContextSettingsBuilderTest {

    @Test
    void aBuilderChangesOnlyWhatItNames() {
        ContextSettings d = ContextSettings.defaults();
        ContextSettings s = ContextSettings.builder().knownCidrs(List.of("10.0.0.0/8"))
                .businessHours(LocalTime.of(7, 0), LocalTime.of(19, 0)).maxActors(5).build();

        assertThat(s.knownCidrs()).containsExactly("10.0.0.0/8");
        assertThat(s.businessStart()).isEqualTo(LocalTime.of(7, 0));
        assertThat(s.businessEnd()).isEqualTo(LocalTime.of(19, 0));
        assertThat(s.maxActors()).isEqualTo(5);
        assertThat(s.toBuilder().knownCidrs(d.knownCidrs()).businessHours(d.businessStart(), d.businessEnd())
                .maxActors(d.maxActors()).build()).isEqualTo(d);
        assertThat(d.toBuilder().build()).isEqualTo(d);
    }

    @Test
    void theBuiltSettingsAreImmutableCopies() {
        List<String> admins = new java.util.ArrayList<>(List.of("arn:aws:iam::*:user/admin-*"));
        ContextSettings s = ContextSettings.builder().adminPrincipals(admins).build();
        admins.add("arn:aws:iam::*:user/other");
        assertThat(s.adminPrincipals()).containsExactly("arn:aws:iam::*:user/admin-*");
    }
}
