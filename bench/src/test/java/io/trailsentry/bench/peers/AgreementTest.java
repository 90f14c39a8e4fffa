package io.trailsentry.bench.peers;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AgreementTest {

    private static final AlertKey A = AlertKey.privilegeAfterDiscovery("actor-a", "e1");
    private static final AlertKey B = AlertKey.privilegeAfterDiscovery("actor-b", "e2");
    private static final AlertKey C = AlertKey.enumerationBin("AIDA1", "arn:aws:iam::1:user/c", "1", 600_000L, 51);

    @Test
    void equalSetsAgreeWhateverTheOrder() {
        Agreement agreement = Agreement.of(List.of(A, B, C), List.of(C, A, B));
        assertThat(agreement.agrees()).isTrue();
        assertThat(agreement.matched()).isEqualTo(3);
        assertThat(agreement).hasToString("3 matched, 0 missing, 0 extra");
    }

    @Test
    void missingExtraAndDuplicatesEachDisagree() {
        Agreement agreement = Agreement.of(List.of(A, B), List.of(A, C, C));
        assertThat(agreement.agrees()).isFalse();
        assertThat(agreement.matched()).isEqualTo(1);
        assertThat(agreement.missing()).containsExactly(B);
        assertThat(agreement.extra()).containsExactly(C);
        assertThat(agreement.duplicates()).isEqualTo(1);
        assertThat(Agreement.of(List.of(A), List.of(A, A)).agrees()).as("a repeated alert is not agreement").isFalse();
    }

    @Test
    void aBinWithAnotherCountIsAnotherAlert() {
        AlertKey fiftyTwo = AlertKey.enumerationBin("AIDA1", "arn:aws:iam::1:user/c", "1", 600_000L, 52);
        assertThat(Agreement.of(List.of(C), List.of(fiftyTwo)).agrees()).isFalse();
    }
}
