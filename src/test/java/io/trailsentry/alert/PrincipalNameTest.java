package io.trailsentry.alert;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class PrincipalNameTest {

    @ParameterizedTest(name = "{0} → UserName={1}, Name={2}, UpnSuffix={3}")
    @CsvSource(nullValues = "null", value = {
            // IAM user: no ':', indexof_regex gives -1, substring(-1 + 1) is the whole id
            "AIDAJQABLZS4A3QDU576Q, AIDAJQABLZS4A3QDU576Q, AIDAJQABLZS4A3QDU576Q, null",
            // assumed-role session: the session name after the first ':'
            "AROAEXAMPLEROLEID001:ci-deploy, ci-deploy, ci-deploy, null",
            // SSO session named by the user's UPN: split at '@'
            "AROAEXAMPLEROLEID001:bob@example.org, bob@example.org, bob, example.org",
            // EC2 instance role session
            "AROAEXAMPLEROLEID003:i-0abc123def4567890, i-0abc123def4567890, i-0abc123def4567890, null",
            // only the first ':' counts
            "AROAX:sess:ion, sess:ion, sess:ion, null",
            // KQL split()[1] is the part between the first and the second '@'
            "AROAX:a@b@c, a@b@c, a, b",
            // root: the account id
            "123456789012, 123456789012, 123456789012, null"})
    void derivesTheSentinelColumns(String principalId, String userName, String name, String upnSuffix) {
        assertThat(PrincipalName.of(principalId)).isEqualTo(new PrincipalName(userName, name, upnSuffix));
    }

    @org.junit.jupiter.api.Test
    void nullPrincipalGivesNulls() {
        assertThat(PrincipalName.of(null)).isEqualTo(new PrincipalName(null, null, null));
    }
}
