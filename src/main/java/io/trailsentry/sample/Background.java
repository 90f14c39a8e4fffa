package io.trailsentry.sample;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * The company's ordinary traffic, in event-time order: people, CI users, instances, functions and AWS
 * services making mixed calls, ten times denser in business hours. Streams: memory stays flat however
 * many events are asked for.
 *
 * <p>Counts are exact rather than Poisson: each minute gets its share of {@code eventsPerSecond × weight}
 * by cumulative rounding, so a spec sized for N events yields exactly N.
 */
final class Background implements Iterator<ApiCall> {

    /** Activity outside business hours, relative to inside. */
    static final double OFF_HOURS_FACTOR = 0.1;
    /**
     * No background principal makes more than this many of the six Sentinel calls in any trailing
     * 10 minutes, so in every bin — tumbling or sliding — background stays well under the threshold of
     * 50 and the only alerts in a sample are the injected ones.
     */
    static final int ENUMERATION_CAP = 20;
    private static final long TEN_MINUTES = Duration.ofMinutes(10).toMillis();
    private static final long BUCKET_SECONDS = 60;

    private final Instant end;
    private final double eventsPerSecond;
    private final CallFactory factory = new CallFactory(SampleOrg.ACCOUNT_ID);
    private final SeededRandom r;
    private final List<Actor> roster;
    private final int[] businessCumulative;
    private final int[] offHoursCumulative;

    private Instant bucketStart;
    private Duration bucketLength;
    private int bucketCount;
    private int indexInBucket;
    private double cumulativeExpected;

    Background(SampleSpec spec) {
        this.end = spec.end();
        this.eventsPerSecond = spec.eventsPerSecond();
        this.r = SeededRandom.forStream(spec.seed(), "background");
        this.roster = Roster.build(spec.backgroundPrincipals(), r);
        this.businessCumulative = cumulative(roster, false);
        this.offHoursCumulative = cumulative(roster, true);
        this.bucketStart = spec.start();
        openBucket();
    }

    /** How many events {@link Background} yields for a window and rate: what a spec's size is chosen by. */
    static long expectedCount(Instant start, Instant end, double eventsPerSecond) {
        double cumulative = 0;
        for (Instant b = start; b.isBefore(end); b = b.plusSeconds(BUCKET_SECONDS)) {
            cumulative += eventsPerSecond * bucketSeconds(b, end) * weight(b);
        }
        return Math.round(cumulative);
    }

    /** Seconds of activity-weighted time in the first buckets from {@code start} until it reaches {@code weighted}. */
    static Duration durationFor(Instant start, double weightedSeconds) {
        double sum = 0;
        Instant b = start;
        while (sum < weightedSeconds) {
            sum += BUCKET_SECONDS * weight(b);
            b = b.plusSeconds(BUCKET_SECONDS);
        }
        return Duration.between(start, b);
    }

    static double weightedSeconds(Instant start, Instant end) {
        double sum = 0;
        for (Instant b = start; b.isBefore(end); b = b.plusSeconds(BUCKET_SECONDS)) sum += bucketSeconds(b, end) * weight(b);
        return sum;
    }

    static double weight(Instant bucketStart) {
        return SampleOrg.isBusinessHours(bucketStart) ? 1.0 : OFF_HOURS_FACTOR;
    }

    private static long bucketSeconds(Instant bucketStart, Instant end) {
        return Math.min(BUCKET_SECONDS, Duration.between(bucketStart, end).getSeconds());
    }

    @Override
    public boolean hasNext() {
        while (indexInBucket >= bucketCount) {
            bucketStart = bucketStart.plus(bucketLength);
            if (!bucketStart.isBefore(end)) return false;
            openBucket();
        }
        return true;
    }

    @Override
    public ApiCall next() {
        if (!hasNext()) throw new NoSuchElementException();
        Instant t = Slots.time(bucketStart, bucketLength, indexInBucket++, bucketCount, r);
        boolean business = SampleOrg.isBusinessHours(t);
        Actor actor = roster.get(pickIndex(business ? businessCumulative : offHoursCumulative));
        String action = actor.kind().pickAction(r);
        if (SampleOrg.SENTINEL_ENUMERATION_EVENTS.contains(action) && !actor.allowEnumerationCall(t.toEpochMilli())) {
            action = "GetRole"; // a read that the Sentinel rule does not count
        }
        ApiCall call = factory.call(action, actor.principal(), t, actor.region(), r.pick(actor.ips()),
                r.pick(actor.userAgents()), r);
        boolean deniable = call.managementEvent() && !actor.kind().equals(Kind.SERVICE)
                && !action.equals("GetCallerIdentity");
        return deniable && r.chance(0.01) ? factory.denied(call) : call;
    }

    private void openBucket() {
        long seconds = bucketSeconds(bucketStart, end);
        bucketLength = Duration.ofSeconds(seconds);
        long before = Math.round(cumulativeExpected);
        cumulativeExpected += eventsPerSecond * seconds * weight(bucketStart);
        bucketCount = (int) (Math.round(cumulativeExpected) - before);
        indexInBucket = 0;
    }

    private int pickIndex(int[] cumulative) {
        int x = r.nextInt(cumulative[cumulative.length - 1]);
        int i = 0;
        while (cumulative[i] <= x) i++;
        return i;
    }

    /** People log off at night; machines and CI don't. */
    private static int[] cumulative(List<Actor> roster, boolean offHours) {
        int[] c = new int[roster.size()];
        int sum = 0;
        for (int i = 0; i < c.length; i++) {
            Kind k = roster.get(i).kind();
            sum += offHours && k == Kind.SSO ? 0 : k.principalWeight;
            c[i] = sum;
        }
        return c;
    }

    /** Kinds of principal, how often each acts, and what each tends to call (weights are relative). */
    enum Kind {
        IAM_USER(2, "GetObject:20 PutObject:10 ListBuckets:3 DescribeInstances:10 DescribeSecurityGroups:5 "
                + "GetCallerIdentity:8 AssumeRole:5 Decrypt:6 PutMetricData:3 Invoke:4 GetUser:2 ListAccessKeys:1 "
                + "ListRoles:1 GetRole:2 ListAttachedRolePolicies:1"),
        SSO(1, "DescribeInstances:15 DescribeSecurityGroups:8 DescribeVpcs:4 ListBuckets:8 GetObject:6 ListRoles:2 "
                + "ListUsers:2 GetRole:3 ListAttachedRolePolicies:2 ListGroupsForUser:1 ListAttachedUserPolicies:1 "
                + "LookupEvents:5 GetCallerIdentity:2 Decrypt:2 ListFunctions:2"),
        EC2(4, "GetObject:30 PutObject:15 Decrypt:15 GenerateDataKey:5 PutMetricData:20 DescribeTags:10 GetCallerIdentity:5"),
        LAMBDA(3, "GetObject:20 PutObject:10 Decrypt:15 Invoke:10 PutMetricData:10 GetCallerIdentity:2"),
        SERVICE(2, "AssumeRole:20 Decrypt:5 GenerateDataKey:3");

        final int principalWeight;
        private final String[] actions;
        private final int[] cumulative;

        Kind(int principalWeight, String table) {
            this.principalWeight = principalWeight;
            String[] entries = table.split(" ");
            actions = new String[entries.length];
            cumulative = new int[entries.length];
            int sum = 0;
            for (int i = 0; i < entries.length; i++) {
                String[] kv = entries[i].split(":");
                actions[i] = kv[0];
                sum += Integer.parseInt(kv[1]);
                cumulative[i] = sum;
            }
        }

        String pickAction(SeededRandom r) {
            int x = r.nextInt(cumulative[cumulative.length - 1]);
            int i = 0;
            while (cumulative[i] <= x) i++;
            return actions[i];
        }
    }

    /** One background principal with where it calls from and with what. */
    record Actor(Principal principal, Kind kind, String region, List<String> ips, List<String> userAgents,
                 ArrayDeque<Long> recentEnumerationCalls) {

        boolean allowEnumerationCall(long atMillis) {
            while (!recentEnumerationCalls.isEmpty() && recentEnumerationCalls.peekFirst() <= atMillis - TEN_MINUTES) {
                recentEnumerationCalls.pollFirst();
            }
            if (recentEnumerationCalls.size() >= ENUMERATION_CAP) return false;
            recentEnumerationCalls.addLast(atMillis);
            return true;
        }
    }

    /** Builds the cast: names cycle through fixed lists, so principal i is the same for every seed. */
    static final class Roster {
        private static final Kind[] PATTERN = {Kind.EC2, Kind.IAM_USER, Kind.SSO, Kind.LAMBDA, Kind.EC2, Kind.SSO,
                Kind.IAM_USER, Kind.SERVICE, Kind.EC2, Kind.LAMBDA};
        private static final List<String> SSO_PEOPLE = List.of("alice", "bob", "carol", "dmitri", "erin", "farah");
        private static final List<String> SSO_ROLES = List.of("AWSReservedSSO_AdministratorAccess_5d3c2b1a0f9e8d7c",
                "AWSReservedSSO_ReadOnlyAccess_0a1b2c3d4e5f6a7b", "AWSReservedSSO_PowerUserAccess_9f8e7d6c5b4a3f2e");
        private static final List<String> EC2_ROLES = List.of("web-app-instance-role", "batch-worker-role");
        private static final List<String> SERVICES = List.of("ec2.amazonaws.com", "lambda.amazonaws.com",
                "config.amazonaws.com", "cloudtrail.amazonaws.com");
        private static final String CONSOLE_UA = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
                + "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
        private static final String CLI_UA = "aws-cli/2.15.28 Python/3.11.6 Darwin/23.3.0 exe/x86_64 prompt/off";
        private static final String JAVA_UA = "aws-sdk-java/2.25.6 Linux/5.10.210-201.852.amzn2.x86_64 "
                + "OpenJDK_64-Bit_Server_VM/17.0.10+7-LTS Java/17.0.10 vendor/Amazon.com_Inc. io/sync http/Apache";
        private static final String CW_AGENT_UA = "CWAgent/1.300032.3b392 (go1.21.6; linux; amd64)";
        private static final List<String> IAM_USER_UAS = List.of(
                "APN/1.0 HashiCorp/1.0 Terraform/1.7.4 (+https://www.terraform.io) terraform-provider-aws/5.40.0 "
                        + "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/1.50.30 (go1.21.8; linux; amd64)",
                "aws-cli/2.15.28 Python/3.11.6 Linux/5.15.0-1051-aws exe/x86_64.ubuntu.22 prompt/off",
                "Boto3/1.34.69 md/Botocore#1.34.69 ua/2.0 os/linux#5.15.0-1051-aws md/arch#x86_64 lang/python#3.11.6 "
                        + "md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.69",
                "aws-sdk-go/1.50.30 (go1.21.8; linux; amd64)");
        private static final List<String> LAMBDA_UAS = List.of(
                "aws-sdk-nodejs/3.535.0 linux/v20.11.1 exec-env/AWS_Lambda_nodejs20.x",
                "Boto3/1.34.42 md/Botocore#1.34.42 ua/2.0 os/linux#5.10.209-219.812.amzn2.x86_64 lang/python#3.12.2 "
                        + "exec-env/AWS_Lambda_python3.12 Botocore/1.34.42");

        private Roster() {
        }

        static List<Actor> build(int count, SeededRandom r) {
            List<Actor> actors = new ArrayList<>(count);
            int[] seen = new int[Kind.values().length];
            for (int i = 0; i < count; i++) {
                Kind kind = PATTERN[i % PATTERN.length];
                int n = seen[kind.ordinal()]++;
                actors.add(actor(kind, n, r));
            }
            return actors;
        }

        private static Actor actor(Kind kind, int n, SeededRandom r) {
            String account = SampleOrg.ACCOUNT_ID;
            String region = SampleOrg.REGIONS.get(n % SampleOrg.REGIONS.size());
            return switch (kind) {
                case IAM_USER -> {
                    String name = cycled(SampleOrg.IAM_USER_NAMES, n);
                    yield new Actor(Principal.iamUser(account, name), kind, region,
                            List.of(SampleOrg.CORPORATE_IPS.get(n % SampleOrg.CORPORATE_IPS.size())),
                            List.of(IAM_USER_UAS.get(n % IAM_USER_UAS.size())), new ArrayDeque<>());
                }
                case SSO -> {
                    String person = cycled(SSO_PEOPLE, n) + "@example.org";
                    String role = SSO_ROLES.get(n % SSO_ROLES.size());
                    yield new Actor(Principal.assumedRole(account, role, person, false), kind, SampleOrg.HOME_REGION,
                            SampleOrg.CORPORATE_IPS, List.of(CONSOLE_UA, CONSOLE_UA, CLI_UA), new ArrayDeque<>());
                }
                case EC2 -> {
                    String instance = "i-0abc" + r.hex(12);
                    String ip = "10.20." + (1 + r.nextInt(30)) + "." + (4 + r.nextInt(250));
                    yield new Actor(Principal.assumedRole(account, EC2_ROLES.get(n % EC2_ROLES.size()), instance, true),
                            kind, region, List.of(ip), List.of(JAVA_UA, CW_AGENT_UA), new ArrayDeque<>());
                }
                case LAMBDA -> {
                    String function = cycled(SampleOrg.FUNCTION_NAMES, n);
                    String ip = "3.236." + r.nextInt(256) + "." + (1 + r.nextInt(254));
                    yield new Actor(Principal.assumedRole(account, function + "-lambda-role", function, false), kind,
                            region, List.of(ip), List.of(LAMBDA_UAS.get(n % LAMBDA_UAS.size())), new ArrayDeque<>());
                }
                case SERVICE -> {
                    String service = SERVICES.get(n % SERVICES.size());
                    // Services call STS under their own name and KMS as "AWS Internal".
                    yield new Actor(Principal.awsService(service), kind, region, List.of(service, "AWS Internal"),
                            List.of(service), new ArrayDeque<>());
                }
            };
        }

        /** alice, bob, …, then alice-2, bob-2, … so names stay unique however many are asked for. */
        private static String cycled(List<String> names, int n) {
            String base = names.get(n % names.size());
            return n < names.size() ? base : base + "-" + (n / names.size() + 1);
        }
    }
}
