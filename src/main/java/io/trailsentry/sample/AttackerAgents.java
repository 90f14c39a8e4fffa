package io.trailsentry.sample;

/** User agents of the tooling attackers run with stolen keys: the CLI, boto3 scripts, a Go scanner. */
final class AttackerAgents {

    private AttackerAgents() {
    }

    static String pick(String eventName, SeededRandom r) {
        return switch (r.nextInt(3)) {
            case 0 -> "aws-cli/2.15.28 Python/3.11.6 Linux/5.15.0-105-generic exe/x86_64.ubuntu.22 prompt/off command/"
                    + cliCommand(eventName);
            case 1 -> "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#6.5.0-1016-aws md/arch#x86_64 lang/python#3.12.2 "
                    + "md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69";
            default -> "aws-sdk-go-v2/1.26.1 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/"
                    + CallFactory.sourceOf(eventName).replace(".amazonaws.com", "") + "#1.31.3";
        };
    }

    /** {@code ListAttachedUserPolicies} → {@code iam.list-attached-user-policies}, as the CLI reports it. */
    private static String cliCommand(String eventName) {
        String service = CallFactory.sourceOf(eventName).replace(".amazonaws.com", "");
        return service + "." + eventName.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
