package io.trailsentry.engine;

import io.trailsentry.context.CidrSet;
import io.trailsentry.context.IdentityRequests;
import io.trailsentry.context.DataReadTargets;
import io.trailsentry.context.EcsTaskDefinitions;
import io.trailsentry.context.InstanceLaunches;
import io.trailsentry.context.ControlSwitches;
import io.trailsentry.context.ClientAgents;
import io.trailsentry.context.CredentialFiles;
import io.trailsentry.context.IngressRules;
import io.trailsentry.context.LifecycleRules;
import io.trailsentry.context.LoggingChanges;
import io.trailsentry.context.NotebookLifecycleScripts;
import io.trailsentry.context.PolicyDocuments;
import io.trailsentry.context.RansomNotes;
import io.trailsentry.context.ResourceGrantees;
import io.trailsentry.context.RequestValues;
import io.trailsentry.context.ResourceSharing;
import io.trailsentry.context.S3Acls;
import io.trailsentry.context.S3Encryption;
import io.trailsentry.context.S3Replication;

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
 *   <tr><td>{@code policyAllowsAny(policy)}</td><td>{@code Statement[].Effect}</td><td>the policy has an Allow statement
 *       (a Deny-only document grants nothing)</td></tr>
 *   <tr><td>{@code namesOtherAccount(value, recipientAccountId)}</td><td>one account reference (Lambda's {@code principal})
 *       or a JSON list of them (Lambda's {@code layers}): account ids and ARNs</td>
 *       <td>one names an account other than the given one ({@code *}, service principals and AWS-owned ARNs are not accounts)</td></tr>
 *   <tr><td>{@code lifecycleScriptSuspicious(rp)}</td><td>SageMaker {@code onCreate[].content}, {@code onStart[].content} (base64)</td>
 *       <td>a script opens a reverse shell, reads instance metadata, downloads and runs code, mines or plants cron/SSH keys</td></tr>
 *   <tr><td>{@code lifecycleScriptFindings(rp)}</td><td>as above</td><td>(text) the categories found, {@code reverse shell, instance metadata}; null when none</td></tr>
 *   <tr><td>{@code dataReadTarget(eventName, rp)}</td><td>S3 {@code bucketName}/{@code key}, {@code x-amz-copy-source};
 *       {@code secretId}, {@code secretIdList}; SSM {@code name}, {@code names}, {@code path}; DynamoDB {@code tableName}</td>
 *       <td>(text) what a data call read: {@code s3://bucket/key}, {@code secret:id}, {@code parameter:name}, {@code dynamodb:table}; else the event name</td></tr>
 *   <tr><td>{@code sharedWith(rp)}, {@code unsharedFrom(rp)}</td><td>as {@code sharesWithOthers}, adds / removes</td>
 *       <td>(text) the grantees added / removed: account ids, {@code all}, organisation ARNs; null when none</td></tr>
 *   <tr><td>{@code sharesOutsideAccount(rp, recipientAccountId)}</td><td>as above</td><td>a grantee other than the own account is added</td></tr>
 *   <tr><td>{@code removesSharing(rp)}</td><td>{@code *.remove.items[]}, {@code operationType remove}, RDS {@code valuesToRemove}</td>
 *       <td>a grantee is removed from a snapshot, AMI or DB snapshot</td></tr>
 *   <tr><td>{@code replicatesToOtherAccount(rp, recipientAccountId)}</td><td>{@code ReplicationConfiguration.Rule[].Destination.Account}, {@code Status}</td>
 *       <td>an enabled replication rule names another account as destination</td></tr>
 *   <tr><td>{@code replicationAccounts(rp)}, {@code replicationBuckets(rp)}</td><td>as above, {@code Destination.Bucket}</td><td>(text) destination accounts / buckets</td></tr>
 *   <tr><td>{@code launchesAcceleratedInstances(rp)}</td><td>{@code instanceType}</td><td>a GPU, ML-accelerator or FPGA family (p*, g*, inf*, trn*, dl*, f*, vt*)</td></tr>
 *   <tr><td>{@code launchedInstanceCount(rp)}</td><td>{@code instancesSet.items[].maxCount/minCount}</td><td>(Integer) instances asked for; null when not said</td></tr>
 *   <tr><td>{@code taskDefinitionLooksLikeMiner(rp)}</td><td>{@code cpu}, {@code containerDefinitions[].image/cpu}</td>
 *       <td>a public-registry image with 8 or 16 vCPU, or a known miner image</td></tr>
 *   <tr><td>{@code taskDefinitionImages(rp)}</td><td>{@code containerDefinitions[].image}</td><td>(text) the images</td></tr>
 *   <tr><td>{@code encryptsWithCustomerKey(rp)}</td><td>{@code x-amz-server-side-encryption-customer-algorithm}</td><td>an S3 write with SSE-C</td></tr>
 *   <tr><td>{@code encryptsWithOtherAccountKmsKey(rp, recipientAccountId)}</td><td>{@code x-amz-server-side-encryption-aws-kms-key-id},
 *       {@code ServerSideEncryptionConfiguration.Rule[].ApplyServerSideEncryptionByDefault.KMSMasterKeyID}</td>
 *       <td>an S3 write or bucket default encryption names a KMS key ARN of another account</td></tr>
 *   <tr><td>{@code kmsKeysNamed(rp)}</td><td>as above</td><td>(text) the KMS keys named</td></tr>
 *   <tr><td>{@code looksLikeRansomNote(key)}</td><td>an S3 object key</td><td>a text/web file named like a ransom note</td></tr>
 *   <tr><td>{@code eksLoggingDisabledTypes(rp)}</td><td>{@code logging.clusterLogging[].enabled/types}</td>
 *       <td>(text) the control-plane log types an entry with {@code enabled=false} switches off ({@code api,audit}); null when none</td></tr>
 *   <tr><td>{@code invocationLoggingReduced(rp)}</td><td>{@code loggingConfig.s3Config.bucketName},
 *       {@code cloudWatchConfig.logGroupName}, {@code textDataDeliveryEnabled}</td><td>Bedrock invocation logging names no destination or logs no text</td></tr>
 *   <tr><td>{@code publicAccessBlockWeakened(rp)}</td><td>{@code PublicAccessBlockConfiguration.*}</td>
 *       <td>one of the four Block Public Access flags is not true (absent = off)</td></tr>
 *   <tr><td>{@code findingUpdateSuppresses(rp)}</td><td>{@code Workflow.Status}, {@code Severity.Label}, {@code RecordState}</td>
 *       <td>Security Hub findings set SUPPRESSED / RESOLVED / INFORMATIONAL or ARCHIVED</td></tr>
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

    /**
     * {@code toNumber(requestParameter('maxResults'))}: the text as a number, or null when it is not
     * one (EPL's cast throws on such text, and request fields are text). Sigma's numeric modifiers
     * ({@code |gt}, {@code |lte}, …) compare through this.
     */
    public static Double toNumber(String value) {
        if (value == null) {
            return null;
        }
        String text = value.trim();
        if (text.isEmpty() || text.length() > 64) {
            return null;
        }
        try {
            double d = Double.parseDouble(text);
            return Double.isNaN(d) ? null : d;
        } catch (NumberFormatException notANumber) {
            return null;
        }
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

    /** See {@link IdentityRequests#policyAllowsAny}. */
    public static boolean policyAllowsAny(String policy) {
        return IdentityRequests.policyAllowsAny(policy);
    }

    /** See {@link IdentityRequests#namesOtherAccount}. */
    public static boolean namesOtherAccount(String value, String ownAccountId) {
        return IdentityRequests.namesOtherAccount(value, ownAccountId);
    }

    /** See {@link NotebookLifecycleScripts#suspicious}. */
    public static boolean lifecycleScriptSuspicious(String requestParameters) {
        return NotebookLifecycleScripts.suspicious(requestParameters);
    }

    /** See {@link NotebookLifecycleScripts#findings}. */
    public static String lifecycleScriptFindings(String requestParameters) {
        return NotebookLifecycleScripts.findings(requestParameters);
    }

    /** See {@link DataReadTargets#target}. */
    public static String dataReadTarget(String eventName, String requestParameters) {
        return DataReadTargets.target(eventName, requestParameters);
    }

    /** See {@link ResourceGrantees#sharedWith}. */
    public static String sharedWith(String requestParameters) {
        return ResourceGrantees.sharedWith(requestParameters);
    }

    /** See {@link ResourceGrantees#sharesOutsideAccount}. */
    public static boolean sharesOutsideAccount(String requestParameters, String ownAccountId) {
        return ResourceGrantees.sharesOutsideAccount(requestParameters, ownAccountId);
    }

    /** See {@link ResourceGrantees#removesSharing}. */
    public static boolean removesSharing(String requestParameters) {
        return ResourceGrantees.removesSharing(requestParameters);
    }

    /** See {@link ResourceGrantees#unsharedFrom}. */
    public static String unsharedFrom(String requestParameters) {
        return ResourceGrantees.unsharedFrom(requestParameters);
    }

    /** See {@link S3Replication#replicatesToOtherAccount}. */
    public static boolean replicatesToOtherAccount(String requestParameters, String ownAccountId) {
        return S3Replication.replicatesToOtherAccount(requestParameters, ownAccountId);
    }

    /** See {@link S3Replication#destinationAccounts}. */
    public static String replicationAccounts(String requestParameters) {
        return S3Replication.destinationAccounts(requestParameters);
    }

    /** See {@link S3Replication#destinationBuckets}. */
    public static String replicationBuckets(String requestParameters) {
        return S3Replication.destinationBuckets(requestParameters);
    }

    /** See {@link InstanceLaunches#acceleratedType}. */
    public static boolean launchesAcceleratedInstances(String requestParameters) {
        return InstanceLaunches.acceleratedType(requestParameters);
    }

    /** See {@link InstanceLaunches#count}. */
    public static Integer launchedInstanceCount(String requestParameters) {
        return InstanceLaunches.count(requestParameters);
    }

    /** See {@link EcsTaskDefinitions#looksLikeMiner}. */
    public static boolean taskDefinitionLooksLikeMiner(String requestParameters) {
        return EcsTaskDefinitions.looksLikeMiner(requestParameters);
    }

    /** See {@link EcsTaskDefinitions#images}. */
    public static String taskDefinitionImages(String requestParameters) {
        return EcsTaskDefinitions.images(requestParameters);
    }

    /** See {@link S3Encryption#customerKey}. */
    public static boolean encryptsWithCustomerKey(String requestParameters) {
        return S3Encryption.customerKey(requestParameters);
    }

    /** See {@link S3Encryption#kmsKeyOfOtherAccount}. */
    public static boolean encryptsWithOtherAccountKmsKey(String requestParameters, String ownAccountId) {
        return S3Encryption.kmsKeyOfOtherAccount(requestParameters, ownAccountId);
    }

    /** See {@link S3Encryption#kmsKeysNamed}. */
    public static String kmsKeysNamed(String requestParameters) {
        return S3Encryption.kmsKeysNamed(requestParameters);
    }

    /** See {@link RansomNotes#looksLikeNote}. */
    public static boolean looksLikeRansomNote(String key) {
        return RansomNotes.looksLikeNote(key);
    }

    /** See {@link ControlSwitches#eksLoggingDisabledTypes}. */
    public static String eksLoggingDisabledTypes(String requestParameters) {
        return ControlSwitches.eksLoggingDisabledTypes(requestParameters);
    }

    /** See {@link ControlSwitches#invocationLoggingReduced}. */
    public static boolean invocationLoggingReduced(String requestParameters) {
        return ControlSwitches.invocationLoggingReduced(requestParameters);
    }

    /** See {@link ControlSwitches#publicAccessBlockWeakened}. */
    public static boolean publicAccessBlockWeakened(String requestParameters) {
        return ControlSwitches.publicAccessBlockWeakened(requestParameters);
    }

    /** See {@link ControlSwitches#findingUpdateSuppresses}. */
    public static boolean findingUpdateSuppresses(String requestParameters) {
        return ControlSwitches.findingUpdateSuppresses(requestParameters);
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
