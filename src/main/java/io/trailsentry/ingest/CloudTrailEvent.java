package io.trailsentry.ingest;

import java.time.Instant;
import java.util.Objects;

/**
 * One CloudTrail record, normalised: the fields detection rules need, flattened and immutable.
 *
 * <p>This is a final class with getters rather than a record because Esper reads event properties
 * through JavaBean getters only (record accessors are not seen as properties); the getter names are
 * the field names rules use in EPL ({@code eventName}, {@code principalId}, {@code sourceIPAddress}, …).
 * {@code requestParameters}, {@code responseElements} and {@code additionalEventData} are kept as
 * compact JSON text so rules can look into them without the parser having to know every API's shape;
 * rules read single fields through the mapped properties {@code requestParameter('a.b')},
 * {@code responseElement('…')} and {@code additionalEventDatum('…')}, which parse each text once per
 * event, on first use.
 */
public final class CloudTrailEvent {

    private final Instant eventTime;
    private final long eventTimeMillis;
    private final String eventName;
    private final String eventSource;
    private final String eventType;
    private final String awsRegion;
    private final String sourceIPAddress;
    private final String userAgent;
    private final String errorCode;
    private final String errorMessage;
    private final Boolean readOnly;
    private final String eventID;
    private final String recipientAccountId;
    /** requestParameters, responseElements and additionalEventData, parsed on first look-up; shared with context copies. */
    private final EventJson json;
    private final String userIdentityType;
    private final String principalId;
    private final String arn;
    private final String accountId;
    private final String accessKeyId;
    private final String userName;
    private final String sessionIssuerArn;
    private final String sessionIssuerUserName;
    private final String invokedBy;

    // Filled by the context stage (io.trailsentry.context) once the event is in event-time order;
    // before that they hold their defaults. Rules read them like any other field.
    private final String actorKey;
    private final String actorName;
    private final boolean serviceCall;
    private final String[] stages;
    private final boolean unknownIp;
    private final boolean offHours;
    private final boolean nonAdmin;
    private final boolean allowlisted;
    private final String createdBy;
    private final boolean externalIp;
    private final boolean awsIp;
    private final boolean ec2IpInRegion;

    private static final String[] NO_STAGES = new String[0];

    // Worked out on first use and kept (like String's hash): windows and indexes hash an event each
    // time they add or remove it. The copy with context keeps it (it reads no context field).
    // Benign races: every thread computes the same value.
    private int hash;
    // Worked out where the event is built, on the reader's thread, while the eventID's characters are
    // still in that core's cache: the engine thread's first look at an event used to be this hash,
    // and fetching the id's String and its bytes from memory there was a tenth of its time (JFR).
    private final long idHash;
    private final long idOrderKey;
    private final boolean accessDenied;

    private CloudTrailEvent(Builder b) {
        this.eventTime = Objects.requireNonNull(b.eventTime, "eventTime");
        this.eventTimeMillis = b.eventTime.toEpochMilli();
        this.eventName = Objects.requireNonNull(b.eventName, "eventName");
        this.eventSource = b.eventSource;
        this.eventType = b.eventType;
        this.awsRegion = b.awsRegion;
        this.sourceIPAddress = b.sourceIPAddress;
        this.userAgent = b.userAgent;
        this.errorCode = b.errorCode;
        this.errorMessage = b.errorMessage;
        this.accessDenied = isAccessDeniedCode(b.errorCode);
        this.readOnly = b.readOnly;
        this.eventID = b.eventID;
        this.idHash = b.eventID == null ? 0 : idHash(b.eventID);
        this.idOrderKey = b.eventID == null ? 0 : idOrderKey(b.eventID);
        this.recipientAccountId = b.recipientAccountId;
        this.json = EventJson.of(b.requestParameters, b.responseElements, b.additionalEventData);
        this.userIdentityType = b.userIdentityType;
        this.principalId = b.principalId;
        this.arn = b.arn;
        this.accountId = b.accountId;
        this.accessKeyId = b.accessKeyId;
        this.userName = b.userName;
        this.sessionIssuerArn = b.sessionIssuerArn;
        this.sessionIssuerUserName = b.sessionIssuerUserName;
        this.invokedBy = b.invokedBy;
        this.actorKey = b.actorKey;
        this.actorName = b.actorName;
        this.serviceCall = b.serviceCall;
        this.stages = b.stages == null ? NO_STAGES : b.stages;
        this.unknownIp = b.unknownIp;
        this.offHours = b.offHours;
        this.nonAdmin = b.nonAdmin;
        this.allowlisted = b.allowlisted;
        this.createdBy = b.createdBy;
        this.externalIp = b.externalIp;
        this.awsIp = b.awsIp;
        this.ec2IpInRegion = b.ec2IpInRegion;
    }

    /** A copy of {@code base} carrying {@code context}: one allocation, for the per-event context stage. */
    private CloudTrailEvent(CloudTrailEvent base, EventContext context) {
        this.hash = base.hash;
        this.idHash = base.idHash;
        this.idOrderKey = base.idOrderKey;
        this.accessDenied = base.accessDenied;
        this.eventTime = base.eventTime;
        this.eventTimeMillis = base.eventTimeMillis;
        this.eventName = base.eventName;
        this.eventSource = base.eventSource;
        this.eventType = base.eventType;
        this.awsRegion = base.awsRegion;
        this.sourceIPAddress = base.sourceIPAddress;
        this.userAgent = base.userAgent;
        this.errorCode = base.errorCode;
        this.errorMessage = base.errorMessage;
        this.readOnly = base.readOnly;
        this.eventID = base.eventID;
        this.recipientAccountId = base.recipientAccountId;
        this.json = base.json; // what the context stage parsed stays parsed for the rules
        this.userIdentityType = base.userIdentityType;
        this.principalId = base.principalId;
        this.arn = base.arn;
        this.accountId = base.accountId;
        this.accessKeyId = base.accessKeyId;
        this.userName = base.userName;
        this.sessionIssuerArn = base.sessionIssuerArn;
        this.sessionIssuerUserName = base.sessionIssuerUserName;
        this.invokedBy = base.invokedBy;
        this.actorKey = context.actorKey();
        this.actorName = context.actorName();
        this.serviceCall = context.serviceCall();
        this.stages = context.stages() == null ? NO_STAGES : context.stages();
        this.unknownIp = context.unknownIp();
        this.offHours = context.offHours();
        this.nonAdmin = context.nonAdmin();
        this.allowlisted = context.allowlisted();
        this.createdBy = context.createdBy();
        this.externalIp = context.externalIp();
        this.awsIp = context.awsIp();
        this.ec2IpInRegion = context.ec2IpInRegion();
    }

    /** This event with the context stage's findings. */
    public CloudTrailEvent withContext(EventContext context) {
        return new CloudTrailEvent(this, context);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .eventTime(eventTime).eventName(eventName).eventSource(eventSource).eventType(eventType)
                .awsRegion(awsRegion).sourceIPAddress(sourceIPAddress).userAgent(userAgent)
                .errorCode(errorCode).errorMessage(errorMessage).readOnly(readOnly).eventID(eventID)
                .recipientAccountId(recipientAccountId).requestParameters(json.request)
                .responseElements(json.response).additionalEventData(json.additional).userIdentityType(userIdentityType)
                .principalId(principalId).arn(arn).accountId(accountId).accessKeyId(accessKeyId)
                .userName(userName).sessionIssuerArn(sessionIssuerArn)
                .sessionIssuerUserName(sessionIssuerUserName).invokedBy(invokedBy)
                .actorKey(actorKey).actorName(actorName).serviceCall(serviceCall).stages(stages)
                .unknownIp(unknownIp).offHours(offHours).nonAdmin(nonAdmin).allowlisted(allowlisted).createdBy(createdBy)
                .externalIp(externalIp).awsIp(awsIp).ec2IpInRegion(ec2IpInRegion);
    }

    public Instant getEventTime() { return eventTime; }
    /** Event time as epoch milliseconds: what the engine clock and EPL time arithmetic use. */
    public long getEventTimeMillis() { return eventTimeMillis; }
    public String getEventName() { return eventName; }
    public String getEventSource() { return eventSource; }
    public String getEventType() { return eventType; }
    public String getAwsRegion() { return awsRegion; }
    public String getSourceIPAddress() { return sourceIPAddress; }
    public String getUserAgent() { return userAgent; }
    public String getErrorCode() { return errorCode; }
    public String getErrorMessage() { return errorMessage; }
    /**
     * The call was refused for want of permission: its error code names AccessDenied (IAM, S3,
     * most services: {@code AccessDenied}, {@code AccessDeniedException}), Unauthorized (EC2's
     * {@code Client.UnauthorizedOperation}, {@code UnauthorizedOperation}) or Forbidden
     * ({@code Forbidden}, {@code ForbiddenException}); case as AWS writes them. Worked out once, where
     * the event is built: rules test a boolean (an indexed filter) instead of matching the code
     * against three {@code like} patterns on every event with an error.
     */
    public boolean isAccessDenied() { return accessDenied; }
    public Boolean getReadOnly() { return readOnly; }
    public String getEventID() { return eventID; }
    public String getRecipientAccountId() { return recipientAccountId; }
    /** {@code requestParameters} as compact JSON text, or null when the record had none. */
    public String getRequestParameters() { return json.request; }
    /** {@code responseElements} as compact JSON text, or null when the record had none. */
    public String getResponseElements() { return json.response; }
    /**
     * {@code additionalEventData} as compact JSON text ({@code {"MFAUsed":"No",…}} on a console login,
     * bytes and signature details on S3 calls), or null when the record had none.
     */
    public String getAdditionalEventData() { return json.additional; }

    /**
     * One field of {@code requestParameters} by dotted path — in EPL the mapped property
     * {@code requestParameter('userName')}, {@code requestParameter('ipPermissions.items.0.fromPort')}.
     * A scalar as text, an object or array as compact JSON text, null when absent or JSON null.
     * Objects are walked by key, arrays by index; the text is parsed once per event, on first use.
     */
    public String getRequestParameter(String path) { return json.request().valueAt(path); }

    /** One field of {@code responseElements} by dotted path (EPL {@code responseElement('ConsoleLogin')}); as {@link #getRequestParameter}. */
    public String getResponseElement(String path) { return json.response().valueAt(path); }

    /** One field of {@code additionalEventData} by dotted path (EPL {@code additionalEventDatum('MFAUsed')}); as {@link #getRequestParameter}. */
    public String getAdditionalEventDatum(String path) { return json.additional().valueAt(path); }

    /**
     * How many of this event's JSON texts have been parsed so far (at most three: request, response,
     * additional data), for tests of "parsed once per event". Not a bean property, so not a rule field.
     */
    public int jsonParses() { return json.parses(); }

    /**
     * The engine has evaluated this event: keep the JSON texts, drop what was parsed of them (an event
     * kept in a rule's window then costs its text, not a tree several times its size). Later look-ups
     * parse again and keep nothing. Not a bean property.
     */
    public void releaseParsedJson() { json.release(); }
    /** {@code userIdentity.type}: IAMUser, AssumedRole, Root, AWSService, FederatedUser, … */
    public String getUserIdentityType() { return userIdentityType; }
    public String getPrincipalId() { return principalId; }
    /** {@code userIdentity.arn} (Sentinel's UserIdentityArn). */
    public String getArn() { return arn; }
    /** {@code userIdentity.accountId} (Sentinel's UserIdentityAccountId). */
    public String getAccountId() { return accountId; }
    public String getAccessKeyId() { return accessKeyId; }
    public String getUserName() { return userName; }
    public String getSessionIssuerArn() { return sessionIssuerArn; }
    public String getSessionIssuerUserName() { return sessionIssuerUserName; }
    /**
     * {@code userIdentity.invokedBy}: the AWS service the call came through ({@code signin.amazonaws.com},
     * {@code cloudformation.amazonaws.com}, …) or, for an AWSService identity, the service itself.
     */
    public String getInvokedBy() { return invokedBy; }

    /**
     * Who did it, for correlation: an IAM user's ARN; for a role session the role ARN plus the
     * session name ({@code …:role/AWSReservedSSO_Admin/bob@example.org}); null when AWS acted on its
     * own (an AWSService identity or a service-linked role).
     */
    public String getActorKey() { return actorKey; }
    /** The actor as a person reads it: {@code bob@example.org}, {@code mallory}, {@code i-0abc…}. */
    public String getActorName() { return actorName; }
    /**
     * AWS acting on its own ({@code userIdentity.type = AWSService}, or a service-linked role's session):
     * no actor. A principal acting through a service ({@code invokedBy} set, e.g. the console's
     * {@code signin.amazonaws.com} or CloudFormation) is not a service call.
     */
    public boolean isServiceCall() { return serviceCall; }
    /** Attack stages this call belongs to (from {@code epl/stages.yaml}); empty when none. Do not modify. */
    public String[] getStages() { return stages; }
    public boolean isUnknownIp() { return unknownIp; }
    public boolean isOffHours() { return offHours; }
    public boolean isNonAdmin() { return nonAdmin; }
    public boolean isAllowlisted() { return allowlisted; }
    /**
     * Identity lineage: when this call's identity (user or access key) was created by another actor
     * within the incident horizon, that actor's key; otherwise null.
     */
    public String getCreatedBy() { return createdBy; }
    /** The source is a public IP (not AWS-internal, private, loopback or link-local). */
    public boolean isExternalIp() { return externalIp; }
    /**
     * The source is inside AWS's published ranges ({@code ip-ranges.json}: any service, any region) —
     * AWS infrastructure, or any AWS customer's instance. With the bundled offline subset only its few
     * prefixes count; configure {@code trailsentry.context.aws-ip-ranges-file}.
     */
    public boolean isAwsIp() { return awsIp; }
    /**
     * The source is an EC2 address (AWS's EC2 ranges) of the event's own {@code awsRegion}: for an
     * instance-role session, most likely the instance's own public IP (then {@code unknownIp} is false).
     */
    public boolean isEc2IpInRegion() { return ec2IpInRegion; }

    /** True when this call belongs to {@code stage}. (In EPL: the {@code inDiscovery}, {@code inPersistence}, … properties.) */
    public boolean hasStage(String stage) {
        for (String s : stages) {
            if (s.equals(stage)) {
                return true;
            }
        }
        return false;
    }

    // One boolean per stage of epl/stages.yaml, so rules filter with plain properties
    // (CloudTrailEvent(inDiscovery = true)) that Esper's filter index can use, instead of a lambda
    // over the stages array per event and rule. The stage keys come from the catalog (which interns
    // them), so the comparison is an identity check; the rule loader checks that every key named
    // here is declared in the catalog.
    public boolean isInDiscovery() { return hasStage("discovery"); }
    public boolean isInPrivilegeEscalation() { return hasStage("privilege_escalation"); }
    public boolean isInPersistence() { return hasStage("persistence"); }
    public boolean isInCredentialAccess() { return hasStage("credential_access"); }
    public boolean isInExfiltration() { return hasStage("exfiltration"); }
    public boolean isInCollection() { return hasStage("collection"); }
    public boolean isInDefenseEvasion() { return hasStage("defense_evasion"); }
    public boolean isInExecution() { return hasStage("execution"); }
    public boolean isInLateralMovement() { return hasStage("lateral_movement"); }
    public boolean isInInitialAccess() { return hasStage("initial_access"); }
    public boolean isInImpact() { return hasStage("impact"); }

    /** Every context {@link #getContexts()} can name, for data files that refer to them (the scoring ladder). */
    public static final java.util.List<String> CONTEXTS = java.util.List.of("unknown_ip", "off_hours", "non_admin", "allowlisted");

    /** The contexts that hold, by name: unknown_ip, off_hours, non_admin, allowlisted. */
    public java.util.List<String> getContexts() {
        java.util.List<String> contexts = new java.util.ArrayList<>(4);
        if (unknownIp) contexts.add("unknown_ip");
        if (offHours) contexts.add("off_hours");
        if (nonAdmin) contexts.add("non_admin");
        if (allowlisted) contexts.add("allowlisted");
        return contexts;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof CloudTrailEvent other)) return false;
        return eventTimeMillis == other.eventTimeMillis
                && eventName.equals(other.eventName)
                && Objects.equals(eventID, other.eventID)
                && Objects.equals(eventSource, other.eventSource)
                && Objects.equals(awsRegion, other.awsRegion)
                && Objects.equals(sourceIPAddress, other.sourceIPAddress)
                && Objects.equals(userAgent, other.userAgent)
                && Objects.equals(errorCode, other.errorCode)
                && Objects.equals(errorMessage, other.errorMessage)
                && Objects.equals(readOnly, other.readOnly)
                && Objects.equals(eventType, other.eventType)
                && Objects.equals(recipientAccountId, other.recipientAccountId)
                && Objects.equals(json.request, other.json.request)
                && Objects.equals(json.response, other.json.response)
                && Objects.equals(json.additional, other.json.additional)
                && Objects.equals(userIdentityType, other.userIdentityType)
                && Objects.equals(principalId, other.principalId)
                && Objects.equals(arn, other.arn)
                && Objects.equals(accountId, other.accountId)
                && Objects.equals(accessKeyId, other.accessKeyId)
                && Objects.equals(userName, other.userName)
                && Objects.equals(sessionIssuerArn, other.sessionIssuerArn)
                && Objects.equals(sessionIssuerUserName, other.sessionIssuerUserName)
                && Objects.equals(invokedBy, other.invokedBy)
                && Objects.equals(actorKey, other.actorKey)
                && Objects.equals(actorName, other.actorName)
                && serviceCall == other.serviceCall
                && java.util.Arrays.equals(stages, other.stages)
                && unknownIp == other.unknownIp && offHours == other.offHours
                && nonAdmin == other.nonAdmin && allowlisted == other.allowlisted
                && Objects.equals(createdBy, other.createdBy) && externalIp == other.externalIp
                && awsIp == other.awsIp && ec2IpInRegion == other.ec2IpInRegion;
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = Long.hashCode(eventTimeMillis);
            h = 31 * h + Objects.hashCode(eventName);
            long idh = eventIdHash(); // the dedup set needs it anyway; cheaper than hashing the id's String again
            h = 31 * h + (int) (idh ^ (idh >>> 32));
            h = 31 * h + Objects.hashCode(principalId);
            hash = h;
        }
        return h;
    }

    /**
     * A 64-bit hash of the eventID (never 0), for telling repeats apart without keeping the ids;
     * 0 when there is no eventID. Not a bean property (no {@code get}), so rules do not see it.
     */
    public long eventIdHash() {
        return idHash;
    }

    /**
     * Compares the eventIDs of two events as {@code String.compareTo} does (no id first), looking at
     * the ids' first four characters kept in the event before reading the Strings: the reorder buffer
     * sorts each second's events by id, and ids (UUIDs) mostly differ there.
     */
    public static int compareEventIds(CloudTrailEvent a, CloudTrailEvent b) {
        String ia = a.eventID;
        String ib = b.eventID;
        if (ia == null || ib == null) {
            return ia == null ? (ib == null ? 0 : -1) : 1;
        }
        int byPrefix = Long.compareUnsigned(a.idOrderKey, b.idOrderKey);
        return byPrefix != 0 ? byPrefix : ia.compareTo(ib);
    }

    /**
     * The first four characters of an id, 16 bits each, the first the most significant: unsigned
     * order of these keys is String order of the ids wherever the keys differ (a shorter id is padded
     * with zeros, so equal keys say nothing and the Strings decide).
     */
    static long idOrderKey(String id) {
        long key = 0;
        for (int i = 0; i < 4; i++) {
            key = key << 16 | (i < id.length() ? id.charAt(i) : 0);
        }
        return key;
    }

    static boolean isAccessDeniedCode(String errorCode) {
        return errorCode != null
                && (errorCode.contains("AccessDenied") || errorCode.contains("Unauthorized") || errorCode.contains("Forbidden"));
    }

    /** The hash {@link #eventIdHash()} gives for an event with this eventID. */
    public static long idHash(String id) {
        // Four characters a step (an eventID is 36): a quarter of the multiplications of per-character
        // FNV. Each step (xor, odd multiply, xor-shift) is a bijection of the state, and a 64-bit
        // finaliser at the end spreads every character over every bit, which the set's slots need.
        long h = 0xcbf29ce484222325L ^ id.length();
        int n = id.length();
        int i = 0;
        for (; i + 4 <= n; i += 4) {
            long block = id.charAt(i) | (long) id.charAt(i + 1) << 16 | (long) id.charAt(i + 2) << 32 | (long) id.charAt(i + 3) << 48;
            h = (h ^ block) * 0x9e3779b97f4a7c15L;
            h ^= h >>> 29;
        }
        for (; i < n; i++) {
            h = (h ^ id.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }

    @Override
    public String toString() {
        return "CloudTrailEvent[" + eventTime + " " + eventSource + ":" + eventName
                + " by " + arn + " from " + sourceIPAddress + " id=" + eventID + "]";
    }

    /** Mutable builder used by the parser and by tests; {@link #build()} checks the two required fields. */
    public static final class Builder {
        private Instant eventTime;
        private String eventName;
        private String eventSource;
        private String eventType;
        private String awsRegion;
        private String sourceIPAddress;
        private String userAgent;
        private String errorCode;
        private String errorMessage;
        private Boolean readOnly;
        private String eventID;
        private String recipientAccountId;
        private String requestParameters;
        private String responseElements;
        private String additionalEventData;
        private String userIdentityType;
        private String principalId;
        private String arn;
        private String accountId;
        private String accessKeyId;
        private String userName;
        private String sessionIssuerArn;
        private String sessionIssuerUserName;
        private String invokedBy;
        private String actorKey;
        private String actorName;
        private boolean serviceCall;
        private String[] stages;
        private boolean unknownIp;
        private boolean offHours;
        private boolean nonAdmin;
        private boolean allowlisted;
        private String createdBy;
        private boolean externalIp;
        private boolean awsIp;
        private boolean ec2IpInRegion;

        private Builder() {
        }

        public Builder eventTime(Instant v) { this.eventTime = v; return this; }
        public Builder eventName(String v) { this.eventName = v; return this; }
        public Builder eventSource(String v) { this.eventSource = v; return this; }
        public Builder eventType(String v) { this.eventType = v; return this; }
        public Builder awsRegion(String v) { this.awsRegion = v; return this; }
        public Builder sourceIPAddress(String v) { this.sourceIPAddress = v; return this; }
        public Builder userAgent(String v) { this.userAgent = v; return this; }
        public Builder errorCode(String v) { this.errorCode = v; return this; }
        public Builder errorMessage(String v) { this.errorMessage = v; return this; }
        public Builder readOnly(Boolean v) { this.readOnly = v; return this; }
        public Builder eventID(String v) { this.eventID = v; return this; }
        public Builder recipientAccountId(String v) { this.recipientAccountId = v; return this; }
        public Builder requestParameters(String v) { this.requestParameters = v; return this; }
        public Builder responseElements(String v) { this.responseElements = v; return this; }
        public Builder additionalEventData(String v) { this.additionalEventData = v; return this; }
        public Builder userIdentityType(String v) { this.userIdentityType = v; return this; }
        public Builder principalId(String v) { this.principalId = v; return this; }
        public Builder arn(String v) { this.arn = v; return this; }
        public Builder accountId(String v) { this.accountId = v; return this; }
        public Builder accessKeyId(String v) { this.accessKeyId = v; return this; }
        public Builder userName(String v) { this.userName = v; return this; }
        public Builder sessionIssuerArn(String v) { this.sessionIssuerArn = v; return this; }
        public Builder sessionIssuerUserName(String v) { this.sessionIssuerUserName = v; return this; }
        public Builder invokedBy(String v) { this.invokedBy = v; return this; }
        public Builder actorKey(String v) { this.actorKey = v; return this; }
        public Builder actorName(String v) { this.actorName = v; return this; }
        public Builder serviceCall(boolean v) { this.serviceCall = v; return this; }
        public Builder stages(String[] v) { this.stages = v; return this; }
        public Builder unknownIp(boolean v) { this.unknownIp = v; return this; }
        public Builder offHours(boolean v) { this.offHours = v; return this; }
        public Builder nonAdmin(boolean v) { this.nonAdmin = v; return this; }
        public Builder allowlisted(boolean v) { this.allowlisted = v; return this; }
        public Builder createdBy(String v) { this.createdBy = v; return this; }
        public Builder externalIp(boolean v) { this.externalIp = v; return this; }
        public Builder awsIp(boolean v) { this.awsIp = v; return this; }
        public Builder ec2IpInRegion(boolean v) { this.ec2IpInRegion = v; return this; }

        public Instant eventTime() { return eventTime; }
        public String eventName() { return eventName; }

        /** @throws NullPointerException naming the missing field when eventTime or eventName is absent */
        public CloudTrailEvent build() {
            return new CloudTrailEvent(this);
        }
    }
}
