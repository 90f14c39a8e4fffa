package io.trailsentry.context;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The client, object-key and request-value functions the access rules (initial access, credential
 * access, discovery, execution, lateral movement) call. Agents are real ones: SDK and CLI agents as
 * CloudTrail logs them, the Stratus detonation agent, the console's, Elastic's and Sigma's markers.
 */
class AccessSignalFunctionsTest {

    static Stream<Arguments> offensiveTools() {
        return Stream.of(
                Arguments.of("TruffleHog key check", "TruffleHog", "TruffleHog"),
                Arguments.of("TruffleHog inside a longer agent", "aws-sdk-go/1.44.0 (go1.21; linux; amd64) trufflehog/3.63.0", "TruffleHog"),
                Arguments.of("CLI on a Kali kernel", "aws-cli/2.15.0 Python/3.11.6 Linux/6.5.0-kali3-amd64 exe/x86_64.kali.2024 prompt/off", "Kali Linux"),
                Arguments.of("botocore with the Kali distribution token", "Boto3/1.34.0 md/Botocore#1.34.0 ua/2.0 os/linux#6.6.9 md/arch#x86_64 lang/python#3.11.8 distrib#kali", "Kali Linux"),
                Arguments.of("Kali package version", "aws-cli/1.22.34 Python/3.11.2 Linux/6.1.0 botocore/1.23.34+kali1", "Kali Linux"),
                Arguments.of("Kali arm64 kernel", "aws-cli/2.13.0 Linux/6.1.0-kali9-arm64", "Kali Linux"),
                Arguments.of("Parrot OS kernel", "aws-cli/2.9.0 Python/3.9.2 Linux/6.0.0-12parrot1-amd64 distrib#parrot", "Parrot OS"),
                Arguments.of("Pentoo kernel", "aws-cli/2.9.0 Python/3.11 Linux/6.1.31-pentoo exe/x86_64", "Pentoo"),
                // near misses
                Arguments.of("ordinary CLI on Debian", "aws-cli/2.15.28 Python/3.11.8 Linux/6.1.0-18-amd64 exe/x86_64.debian.12 prompt/off", null),
                Arguments.of("the Stratus Red Team emulation agent (a labelled exercise, not tooling)", "stratus-red-team_ea782787-a65d-4fc4-9fca-1c97869a9a25", null),
                Arguments.of("a word that merely contains kali", "kalimba-uploader/1.0 aws-sdk-java/2.20", null),
                Arguments.of("console", "console.amazonaws.com", null),
                Arguments.of("null", null, null),
                Arguments.of("blank", "  ", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("offensiveTools")
    void offensiveTool(String name, String agent, String expected) {
        assertThat(ClientAgents.offensiveTool(agent)).isEqualTo(expected);
    }

    static Stream<Arguments> clients() {
        // agent, s3GuiClient, console, infrastructureAsCode
        return Stream.of(
                Arguments.of("S3 Browser", "S3 Browser/11.5.7 https://s3browser.com", "S3 Browser", false, false),
                Arguments.of("Cyberduck", "Cyberduck/8.7.1.40770 (Mac OS X/14.2.1) (aarch64)", "Cyberduck", false, false),
                Arguments.of("browser", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0", null, true, false),
                Arguments.of("console agent", "console.ec2.amazonaws.com", null, true, false),
                Arguments.of("S3 console", "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488]", null, true, false),
                Arguments.of("S3 console host", "s3.console.aws.amazon.com", null, true, false),
                Arguments.of("AWS Internal", "AWS Internal", null, true, false),
                Arguments.of("Terraform", "APN/1.0 HashiCorp/1.0 Terraform/1.7.4 (+https://www.terraform.io) terraform-provider-aws/5.40.0", null, false, true),
                Arguments.of("Pulumi", "pulumi-aws/6.0 aws-sdk-go-v2/1.25", null, false, true),
                Arguments.of("Ansible", "APN/1.0 Ansible/2.16.4 amazon.aws/7.4.0 Boto3/1.34.6", null, false, true),
                Arguments.of("plain CLI", "aws-cli/2.15.28 Python/3.11.8 Linux/6.1.0-18-amd64", null, false, false),
                Arguments.of("null", null, null, false, false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("clients")
    void clientKinds(String name, String agent, String s3Gui, boolean console, boolean iac) {
        assertThat(ClientAgents.s3GuiClient(agent)).isEqualTo(s3Gui);
        assertThat(ClientAgents.console(agent)).isEqualTo(console);
        assertThat(ClientAgents.infrastructureAsCode(agent)).isEqualTo(iac);
    }

    /**
     * Agents are classified once and remembered in a small memo whose slots are replaced on
     * collision: the answers stay right for equal agents that are other String instances, and after
     * thousands of made-up agents have pushed them out.
     */
    @org.junit.jupiter.api.Test
    void rememberedAnswersStayRightAcrossInstancesAndCollisions() {
        String kali = "aws-cli/2.13.5 Python/3.11.4 Linux/6.3.0-kali1-amd64 exe/x86_64.kali.2023 prompt/off";
        String terraform = "APN/1.0 HashiCorp/1.0 Terraform/1.7.4 (+https://www.terraform.io) terraform-provider-aws/5.40.0";
        assertThat(ClientAgents.offensiveTool(kali)).isEqualTo("Kali Linux");
        assertThat(ClientAgents.infrastructureAsCode(terraform)).isTrue();
        for (int i = 0; i < 20_000; i++) {
            String madeUp = "aws-sdk-go/1." + i + " (go1.21; linux; amd64)";
            assertThat(ClientAgents.offensiveTool(madeUp)).isNull();
            assertThat(ClientAgents.infrastructureAsCode(madeUp)).isFalse();
        }
        assertThat(ClientAgents.offensiveTool(new String(kali.toCharArray()))).isEqualTo("Kali Linux");
        assertThat(ClientAgents.infrastructureAsCode(new String(terraform.toCharArray()))).isTrue();
        assertThat(ClientAgents.console(terraform)).isFalse();
        assertThat(ClientAgents.s3GuiClient("S3 Browser 11.5.7 https://s3browser.com")).isEqualTo("S3 Browser");
    }

    static Stream<Arguments> objectKeys() {
        return Stream.of(
                Arguments.of("home directory AWS credentials", "backups/home/alice/.aws/credentials", "AWS credentials"),
                Arguments.of("AWS config at the bucket root", ".aws/config", "AWS config"),
                Arguments.of("SSH private key, upper case", "Backups/bastion/ID_RSA", "SSH private key"),
                Arguments.of("ed25519 key", "home/bob/.ssh/id_ed25519", "SSH private key"),
                Arguments.of("authorized_keys", "home/bob/.ssh/authorized_keys", "SSH authorized_keys"),
                Arguments.of("dotenv", "app/.env", "dotenv"),
                Arguments.of("dotenv of a stage", "deploy/.env.production", "dotenv"),
                Arguments.of("PEM key", "certs/server.pem", "private key"),
                Arguments.of("PuTTY key", "keys/ops.ppk", "private key"),
                Arguments.of(".key file", "tls/site.key", "private key"),
                Arguments.of("named private key", "exports/gcp_private_key.json", "private key"),
                // near misses
                Arguments.of("public half of an SSH key", "home/bob/.ssh/id_rsa.pub", null),
                Arguments.of("dotenv template", "app/.env.example", null),
                Arguments.of("a report", "finance/q3.csv", null),
                Arguments.of("a key-like folder", "keys/readme.txt", null),
                Arguments.of("credentials in a file name without the .aws folder", "docs/credentials-policy.pdf", null),
                Arguments.of("null", null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("objectKeys")
    void credentialFileKind(String name, String key, String expected) {
        assertThat(CredentialFiles.kind(key)).isEqualTo(expected);
    }

    static Stream<Arguments> listSizes() {
        return Stream.of(
                Arguments.of("stratus GetParameters names", "[\"/credentials/a\",\"/credentials/b\",\"/credentials/c\"]", 3),
                Arguments.of("EC2 items wrapper", "{\"items\":[{\"instanceId\":\"i-1\"},{\"instanceId\":\"i-2\"}]}", 2),
                Arguments.of("one name as text", "/credentials/a", 1),
                Arguments.of("a number", "7", 1),
                Arguments.of("empty list", "[]", 0),
                Arguments.of("JSON null", "null", 0),
                Arguments.of("null", null, 0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("listSizes")
    void listSize(String name, String value, int expected) {
        assertThat(RequestValues.listSize(value)).isEqualTo(expected);
    }

    static Stream<Arguments> arns() {
        return Stream.of(
                Arguments.of("function ARN", "arn:aws:lambda:us-east-1:444455556666:function:payments", "444455556666"),
                Arguments.of("function ARN with alias", "arn:aws:lambda:us-east-1:444455556666:function:payments:prod", "444455556666"),
                Arguments.of("partial ARN", "444455556666:function:payments", "444455556666"),
                Arguments.of("China partition role", "arn:aws-cn:iam::111122223333:role/x", "111122223333"),
                Arguments.of("a bare function name", "payments", null),
                Arguments.of("an S3 ARN has no account", "arn:aws:s3:::bucket/key", null),
                Arguments.of("junk", "arn:aws", null),
                Arguments.of("null", null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("arns")
    void arnAccount(String name, String arn, String expected) {
        assertThat(RequestValues.arnAccount(arn)).isEqualTo(expected);
    }

    static Stream<Arguments> networks() {
        return Stream.of(
                Arguments.of("public IPv4", "203.0.113.7", "203.0.0.0/16"),
                Arguments.of("leading zeros as in the Stratus logs", "018.236.253.047", "18.236.0.0/16"),
                Arguments.of("IPv6 is left out", "2001:db8::1", null),
                Arguments.of("private", "10.1.2.3", null),
                Arguments.of("private 172.16/12", "172.20.1.1", null),
                Arguments.of("carrier-grade NAT", "100.64.1.1", null),
                Arguments.of("public next to carrier-grade NAT", "100.128.1.1", "100.128.0.0/16"),
                Arguments.of("five octets", "1.2.3.4.5", null),
                Arguments.of("octet over 255", "256.1.1.1", null),
                Arguments.of("AWS Internal", "AWS Internal", null),
                Arguments.of("service name", "ssm.amazonaws.com", null),
                Arguments.of("null", null, null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void ipv4Network16(String name, String ip, String expected) {
        assertThat(RequestValues.ipv4Network16(ip)).isEqualTo(expected);
    }
}
