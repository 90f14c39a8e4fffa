package io.trailsentry.sample;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;

/**
 * The fictional organisation the samples describe: one account, its offices' egress addresses, its
 * business hours and the names of its resources. Addresses come from the documentation ranges
 * (RFC 5737), so no sample ever points at a real network: 198.51.100.0/24 and 192.0.2.0/24 are the
 * company, 203.0.113.0/24 is reserved for attackers.
 */
public final class SampleOrg {

    public static final String ACCOUNT_ID = "123456789012";
    public static final String HOME_REGION = "us-east-1";
    public static final List<String> REGIONS = List.of("us-east-1", "us-east-1", "us-east-1", "eu-west-1");

    /** Office and VPN egress addresses; a detection's "known network" list would hold these. */
    public static final List<String> CORPORATE_IPS = List.of("198.51.100.10", "198.51.100.11", "192.0.2.20");

    /** The six event names the Sentinel "User IAM Enumeration" rule counts. */
    public static final List<String> SENTINEL_ENUMERATION_EVENTS = List.of(
            "ListAttachedRolePolicies", "ListRoles", "ListGroupsForUser",
            "ListAttachedUserPolicies", "ListAccessKeys", "ListUsers");

    /** Sentinel's threshold: an alert needs strictly more than this many calls in one 10-minute bin. */
    public static final int SENTINEL_THRESHOLD = 50;

    static final List<String> BUCKETS = List.of(
            "acme-app-assets", "acme-data-lake-raw", "acme-backups", "acme-build-artifacts", "acme-reports");
    static final List<String> OBJECT_PREFIXES = List.of(
            "2026/01/", "exports/daily/", "builds/main/", "static/js/", "reports/finance/");
    static final List<String> IAM_USER_NAMES = List.of(
            "ci-deploy", "terraform", "backup-agent", "grafana-reader", "jenkins", "data-loader");
    static final List<String> ROLE_NAMES = List.of(
            "web-app-instance-role", "batch-worker-role", "orders-api-lambda-role", "ops-automation-role",
            "OrganizationAccountAccessRole", "AWSServiceRoleForConfig");
    static final List<String> FUNCTION_NAMES = List.of("orders-api", "thumbnail-resizer", "nightly-report");

    private SampleOrg() {
    }

    /** Mon–Fri 08:00–18:00 UTC; background activity is ten times denser inside these hours. */
    public static boolean isBusinessHours(Instant t) {
        ZonedDateTime z = t.atZone(ZoneOffset.UTC);
        DayOfWeek d = z.getDayOfWeek();
        return d != DayOfWeek.SATURDAY && d != DayOfWeek.SUNDAY && z.getHour() >= 8 && z.getHour() < 18;
    }
}
