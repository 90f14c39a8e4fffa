package io.trailsentry.engine;

import io.trailsentry.context.CidrSet;
import io.trailsentry.context.ClientAgents;
import io.trailsentry.context.CredentialFiles;
import io.trailsentry.context.IngressRules;
import io.trailsentry.context.LifecycleRules;
import io.trailsentry.context.LoggingChanges;
import io.trailsentry.context.PolicyDocuments;
import io.trailsentry.context.RequestValues;
import io.trailsentry.context.ResourceSharing;
import io.trailsentry.context.S3Acls;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The single-row functions rules may call beyond EPL's built-in ones, registered by name in
 * {@link RuleSandbox#SINGLE_ROW_FUNCTIONS}. Each is pure and null-safe: a rule author cannot reach
 * anything but its arguments through them. The request analyses are total as well — junk, a missing
 * field or another API's request gives false (or null), never an exception — and delegate to plain
 * classes in {@code io.trailsentry.context}, which document every shape they read.
 *
 * <table>
 *   <caption>Request analyses (argument: the text named; {@code rp} is {@code requestParameters})</caption>
 *   <tr><th>EPL</th><th>reads</th><th>true when</th></tr>
 *   <tr><td>{@code policyAllowsPublic(policy)}</td><td>a policy document: {@code requestParameter('policyDocument')},
 *       {@code requestParameter('bucketPolicy')}, {@code requestParameter('policy')} (JSON, URL-encoded or
 *       object text); {@code Statement[].Effect/Principal/NotPrincipal/Condition}</td>
 *       <td>an Allow to {@code *} ({@code Principal "*"}, {@code {"AWS":"*"}}, in a list, or
 *       {@code NotPrincipal}) not narrowed by a condition on aws:SourceAccount, SourceArn, SourceVpc(e),
 *       SourceIp, SourceOwner, PrincipalOrgID, PrincipalAccount, PrincipalArn (and org-path / KMS caller-account keys)</td></tr>
 *   <tr><td>{@code policyGrantsOtherAccount(policy, recipientAccountId)}</td><td>{@code Statement[].Principal.AWS}</td>
 *       <td>an Allow names an account id or an ARN of another account (service principals are not accounts)</td></tr>
 *   <tr><td>{@code policyGrantsAdmin(policy)}</td><td>{@code Statement[].Action/NotAction/Resource/NotResource}</td>
 *       <td>an Allow of {@code *} or {@code *:*} (or any NotAction) on {@code *} (or any NotResource)</td></tr>
 *   <tr><td>{@code aclGrantsPublic(rp)}</td><td>{@code x-amz-acl}, {@code x-amz-grant-*},
 *       {@code AccessControlPolicy.AccessControlList.Grant[].Grantee.URI}</td>
 *       <td>public-read / public-read-write / authenticated-read, or a grant to AllUsers / AuthenticatedUsers</td></tr>
 *   <tr><td>{@code sharesWithOthers(rp)}</td><td>{@code createVolumePermission.add.items[]},
 *       {@code launchPermission.add.items[]} ({@code userId}, {@code group}, organisation ARNs); RDS
 *       {@code attributeName}, {@code valuesToAdd}</td><td>a snapshot, AMI or DB snapshot is shared with an account or {@code all}</td></tr>
 *   <tr><td>{@code sharesPublicly(rp)}</td><td>as above</td><td>shared with {@code all}</td></tr>
 *   <tr><td>{@code ingressOpenToWorld(rp)}</td><td>{@code ipPermissions.items[].ipRanges.items[].cidrIp},
 *       {@code ipv6Ranges.items[].cidrIpv6}, top-level {@code cidrIp}, rule {@code cidrIpv4/6}</td><td>a network with prefix /0</td></tr>
 *   <tr><td>{@code ingressOpenToWorldOn(rp, '22,3389')}</td><td>as above, with {@code ipProtocol}, {@code fromPort}, {@code toPort}</td>
 *       <td>a world-open permission covers one of the ports (all traffic covers every port)</td></tr>
 *   <tr><td>{@code ingressOpenPorts(rp)}</td><td>as above</td><td>(text) {@code 22/tcp,80-443/tcp,all}; null when none is world-open</td></tr>
 *   <tr><td>{@code eventSelectorsReduceLogging(rp)}</td><td>{@code eventSelectors[]}
 *       ({@code includeManagementEvents}, {@code readWriteType}, {@code excludeManagementEventSources}),
 *       {@code advancedEventSelectors[].fieldSelectors[]}</td><td>management events are no longer all logged, or a source/call is excluded</td></tr>
 *   <tr><td>{@code trailUpdateReducesLogging(rp)}</td><td>{@code isMultiRegionTrail}, {@code includeGlobalServiceEvents},
 *       {@code isOrganizationTrail}, {@code enableLogFileValidation}, {@code cloudWatchLogsLogGroupArn}</td>
 *       <td>one of the flags set to false, or CloudWatch delivery removed</td></tr>
 *   <tr><td>{@code trailUpdateRedirectsLogs(rp)}</td><td>{@code s3BucketName}, {@code s3KeyPrefix},
 *       {@code cloudWatchLogsLogGroupArn}, {@code kmsKeyId}</td><td>the destination or the encryption key changes</td></tr>
 *   <tr><td>{@code lifecycleExpiresObjects(rp)}</td><td>{@code LifecycleConfiguration.Rule[].Status/Expiration}</td>
 *       <td>an enabled rule expires current objects (by days or date)</td></tr>
 *   <tr><td>{@code lifecycleExpirationDays(rp)}</td><td>as above</td><td>(Integer) the fewest expiration days; null when none</td></tr>
 * </table>
 *
 * <table>
 *   <caption>Clients, object keys and request values (see {@link ClientAgents}, {@link CredentialFiles}, {@link RequestValues})</caption>
 *   <tr><th>EPL</th><th>reads</th><th>gives</th></tr>
 *   <tr><td>{@code offensiveToolAgent(userAgent)}</td><td>the agent text</td>
 *       <td>(text) {@code TruffleHog}, {@code Kali Linux}, {@code Parrot OS}, {@code Pentoo}; null for anything else</td></tr>
 *   <tr><td>{@code s3GuiClientAgent(userAgent)}</td><td>the agent text</td><td>(text) {@code S3 Browser}, {@code Cyberduck}; null otherwise</td></tr>
 *   <tr><td>{@code consoleAgent(userAgent)}</td><td>the agent text</td><td>the console or a browser ({@code Mozilla/…}, {@code *console.amazonaws.com}, {@code AWS Internal})</td></tr>
 *   <tr><td>{@code iacAgent(userAgent)}</td><td>the agent text</td><td>Terraform / HashiCorp, Pulumi or Ansible</td></tr>
 *   <tr><td>{@code credentialFileKind(key)}</td><td>an S3 object key: {@code requestParameter('key')}</td>
 *       <td>(text) {@code AWS credentials}, {@code AWS config}, {@code SSH private key}, {@code SSH authorized_keys},
 *       {@code dotenv}, {@code private key}; null for other keys</td></tr>
 *   <tr><td>{@code listSize(value)}</td><td>a list: {@code requestParameter('names')}, {@code requestParameter('secretIdList')}</td>
 *       <td>(int) its items; 1 for a scalar, 0 for null</td></tr>
 *   <tr><td>{@code arnAccount(arn)}</td><td>an ARN or Lambda's {@code account:function:name}</td><td>(text) the 12-digit account; null otherwise</td></tr>
 *   <tr><td>{@code ipv4Network16(sourceIPAddress)}</td><td>a source address</td><td>(text) its public IPv4 {@code /16}; null for IPv6, private or non-IP sources</td></tr>
 * </table>
 *
 * <p>Each analysis parses its argument when called; keep the cheap fields ({@code eventName},
 * {@code errorCode is null}) first in a filter so it runs only for the calls it is about.
 */
public final class RuleFunctions {

    /** Rules pass constant network lists; parsed once each, and a bounded number of them. */
    private static final int MAX_CACHED_NETWORK_LISTS = 256;
    private static final Map<String, CidrSet> NETWORKS = new ConcurrentHashMap<>();

    private RuleFunctions() {
    }

    /**
     * {@code inCidr(sourceIPAddress, '10.0.0.0/8,2001:db8::/32')}: the address is in one of the
     * comma-separated networks. False for a service name ({@code ec2.amazonaws.com}), {@code AWS Internal} or null.
     *
     * @throws IllegalArgumentException when a network in the list is not one
     */
    public static boolean inCidr(String ip, String networks) {
        if (ip == null || networks == null) {
            return false;
        }
        CidrSet set = NETWORKS.get(networks);
        if (set == null) {
            set = CidrSet.parse(Arrays.asList(networks.split(",")));
            if (NETWORKS.size() < MAX_CACHED_NETWORK_LISTS) {
                NETWORKS.putIfAbsent(networks, set);
            }
        }
        return set.contains(ip);
    }

    /** {@code lower(userAgent)}: lower case (ROOT locale), null stays null. */
    public static String lower(String value) {
        return value == null ? null : value.toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code upper(eventName)}: upper case (ROOT locale), null stays null. */
    public static String upper(String value) {
        return value == null ? null : value.toUpperCase(java.util.Locale.ROOT);
    }

    /** See {@link PolicyDocuments#allowsPublic}. */
    public static boolean policyAllowsPublic(String policy) {
        return PolicyDocuments.allowsPublic(policy);
    }

    /** See {@link PolicyDocuments#grantsOtherAccount}. */
    public static boolean policyGrantsOtherAccount(String policy, String ownAccountId) {
        return PolicyDocuments.grantsOtherAccount(policy, ownAccountId);
    }

    /** See {@link PolicyDocuments#grantsAdmin}. */
    public static boolean policyGrantsAdmin(String policy) {
        return PolicyDocuments.grantsAdmin(policy);
    }

    /** See {@link S3Acls#grantsPublic}. */
    public static boolean aclGrantsPublic(String requestParameters) {
        return S3Acls.grantsPublic(requestParameters);
    }

    /** See {@link ResourceSharing#sharesWithOthers}. */
    public static boolean sharesWithOthers(String requestParameters) {
        return ResourceSharing.sharesWithOthers(requestParameters);
    }

    /** See {@link ResourceSharing#sharesPublicly}. */
    public static boolean sharesPublicly(String requestParameters) {
        return ResourceSharing.sharesPublicly(requestParameters);
    }

    /** See {@link IngressRules#openToWorld}. */
    public static boolean ingressOpenToWorld(String requestParameters) {
        return IngressRules.openToWorld(requestParameters);
    }

    /** See {@link IngressRules#openToWorldOn}. */
    public static boolean ingressOpenToWorldOn(String requestParameters, String ports) {
        return IngressRules.openToWorldOn(requestParameters, ports);
    }

    /** See {@link IngressRules#openPorts}. */
    public static String ingressOpenPorts(String requestParameters) {
        return IngressRules.openPorts(requestParameters);
    }

    /** See {@link LoggingChanges#eventSelectorsReduceLogging}. */
    public static boolean eventSelectorsReduceLogging(String requestParameters) {
        return LoggingChanges.eventSelectorsReduceLogging(requestParameters);
    }

    /** See {@link LoggingChanges#trailUpdateReducesLogging}. */
    public static boolean trailUpdateReducesLogging(String requestParameters) {
        return LoggingChanges.trailUpdateReducesLogging(requestParameters);
    }

    /** See {@link LoggingChanges#trailUpdateRedirectsLogs}. */
    public static boolean trailUpdateRedirectsLogs(String requestParameters) {
        return LoggingChanges.trailUpdateRedirectsLogs(requestParameters);
    }

    /** See {@link LifecycleRules#expiresObjects}. */
    public static boolean lifecycleExpiresObjects(String requestParameters) {
        return LifecycleRules.expiresObjects(requestParameters);
    }

    /** See {@link LifecycleRules#shortestExpirationDays}. */
    public static Integer lifecycleExpirationDays(String requestParameters) {
        return LifecycleRules.shortestExpirationDays(requestParameters);
    }

    /** See {@link ClientAgents#offensiveTool}. */
    public static String offensiveToolAgent(String userAgent) {
        return ClientAgents.offensiveTool(userAgent);
    }

    /** See {@link ClientAgents#s3GuiClient}. */
    public static String s3GuiClientAgent(String userAgent) {
        return ClientAgents.s3GuiClient(userAgent);
    }

    /** See {@link ClientAgents#console}. */
    public static boolean consoleAgent(String userAgent) {
        return ClientAgents.console(userAgent);
    }

    /** See {@link ClientAgents#infrastructureAsCode}. */
    public static boolean iacAgent(String userAgent) {
        return ClientAgents.infrastructureAsCode(userAgent);
    }

    /** See {@link CredentialFiles#kind}. */
    public static String credentialFileKind(String objectKey) {
        return CredentialFiles.kind(objectKey);
    }

    /** See {@link RequestValues#listSize}. */
    public static int listSize(String value) {
        return RequestValues.listSize(value);
    }

    /** See {@link RequestValues#arnAccount}. */
    public static String arnAccount(String arn) {
        return RequestValues.arnAccount(arn);
    }

    /** See {@link RequestValues#ipv4Network16}. */
    public static String ipv4Network16(String sourceIp) {
        return RequestValues.ipv4Network16(sourceIp);
    }
}
