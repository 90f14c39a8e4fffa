package io.trailsentry.context;

import io.trailsentry.ingest.CloudTrailEvent;
import io.trailsentry.ingest.EventContext;

import java.io.IOException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.zone.ZoneRules;
import java.util.function.UnaryOperator;

/**
 * Computes each event's context once, in event-time order, so every rule sees the same answer:
 * actor, attack stages, and the write-up's conditions — unknown IP, off-hours, non-admin principal —
 * plus whether an authorised scanner made the call. Then learns from the event.
 *
 * <ul>
 *   <li><b>unknown_ip</b>: not AWS-internal, not in {@code known-cidrs}, not — for an EC2 instance-role
 *       session (session name {@code i-…}) — an EC2 address of the event's region in AWS's published
 *       ranges (the instance's own public IP), and not seen for this actor within the IP memory (a
 *       sighting younger than the learning delay does not count yet);</li>
 *   <li><b>off_hours</b>: outside business hours/days (or a holiday) in the configured zone, unless
 *       the actor's learned profile says it usually works at this hour;</li>
 *   <li><b>non_admin</b>: not the account's root user, not an {@code admin-principals} match and no
 *       privileged IAM write learned in the baseline period;</li>
 *   <li><b>allowlisted</b>: an {@code allowlisted-principals} or {@code allowlisted-user-agents} match, or a
 *       match in the rules folder's {@code allowlist.yaml} ({@link RulesAllowlist}).</li>
 * </ul>
 * Calls AWS makes on its own (AWSService identities, service-linked roles) get stages but no actor and
 * no context; a principal acting through a service ({@code invokedBy}) is judged like any other call.
 */
public final class ContextEnricher implements UnaryOperator<CloudTrailEvent> {

    private static final long DAY_MILLIS = 86_400_000L;

    private final ContextSettings settings;
    private volatile StageCatalog stages;
    private final CidrSet knownNetworks;
    private final ArnPatterns admins;
    private final ArnPatterns allowlistedPrincipals;
    private final ArnPatterns allowlistedAgents;
    /** The rules folder's {@code allowlist.yaml}, on top of the operator's globs; replaced with the rules. */
    private volatile ArnPatterns rulesPrincipals = ArnPatterns.of(java.util.List.of());
    private volatile ArnPatterns rulesAgents = ArnPatterns.of(java.util.List.of());
    private final Baselines baselines;
    private final ZoneRules zone;
    private final int businessStartMinute;
    private final int businessEndMinute;
    private final long learningDelay;
    private final long ipMemory;
    private final IdentityLineage lineage;
    private final AwsIpRangesFile awsRanges;
    /** The ranges {@link #ipClasses} was worked out with; a refreshed file starts the cache afresh. */
    private AwsIpRanges rangesInCache;

    /** With the bundled stage catalog until the pipeline hands it its rule set's ({@link #useStages}). */
    public ContextEnricher(ContextSettings settings, Baselines baselines) {
        this(settings, StageCatalog.bundled(), baselines);
    }

    /**
     * @param stages the stage vocabulary of the rule set (it changes with the rules: {@link #useStages})
     * @throws IllegalArgumentException when the configured AWS ranges file cannot be read (the message says what to do)
     */
    public ContextEnricher(ContextSettings settings, StageCatalog stages, Baselines baselines) {
        this.settings = settings;
        this.stages = stages;
        this.knownNetworks = CidrSet.parse(settings.knownCidrs());
        this.admins = ArnPatterns.of(settings.adminPrincipals());
        this.allowlistedPrincipals = ArnPatterns.of(settings.allowlistedPrincipals());
        this.allowlistedAgents = ArnPatterns.of(settings.allowlistedUserAgents());
        this.baselines = baselines;
        this.zone = settings.timezone().getRules();
        this.businessStartMinute = settings.businessStart().getHour() * 60 + settings.businessStart().getMinute();
        this.businessEndMinute = settings.businessEnd().getHour() * 60 + settings.businessEnd().getMinute();
        this.learningDelay = settings.learningDelay().toMillis();
        this.ipMemory = settings.ipMemory().toMillis();
        this.lineage = new IdentityLineage(settings.lineageHorizon().toMillis(), settings.maxLineageLinks());
        this.maxCachedActors = Math.min(MAX_CACHED_ACTORS, Math.max(1, settings.maxActors()));
        this.awsRanges = AwsIpRangesFile.open(settings.awsIpRangesFile());
    }

    /** Reads the baseline file named in the settings (empty when it does not exist yet). */
    public static ContextEnricher create(ContextSettings settings, StageCatalog stages) throws IOException {
        return new ContextEnricher(settings, stages, Baselines.load(settings.baselineFile(), settings.maxActors()));
    }

    @Override
    public CloudTrailEvent apply(CloudTrailEvent e) {
        Actor actor = actorOf(e);
        String[] eventStages = stages.stagesOf(e);
        IpClass ipClass = classify(e.getSourceIPAddress());
        boolean ec2IpInRegion = e.getAwsRegion() != null && ipClass.ec2Regions().contains(e.getAwsRegion());
        if (actor.serviceCall() || actor.key() == null) {
            return e.withContext(new EventContext(actor.key(), actor.name(), actor.serviceCall(), eventStages,
                    ipClass.external(), null, false, false, false, false, ipClass.aws(), ec2IpInRegion));
        }
        String createdBy = lineage.creatorOf(e);
        lineage.learn(e, actor.key());
        long now = e.getEventTimeMillis();
        long localMillis = now + zone.getOffset(e.getEventTime()).getTotalSeconds() * 1000L;
        long epochDay = Math.floorDiv(localMillis, DAY_MILLIS);
        int minuteOfDay = (int) (Math.floorMod(localMillis, DAY_MILLIS) / 60_000L);
        int hour = minuteOfDay / 60;
        String ip = e.getSourceIPAddress();

        boolean privilegedWrite = e.getErrorCode() == null
                && (contains(eventStages, "privilege_escalation") || contains(eventStages, "persistence"));
        Baselines.Verdict normal = baselines.judgeAndLearn(actor.key(), ipClass.awsInternal() ? null : ip, now, hour, epochDay,
                privilegedWrite, learningDelay, ipMemory, settings.usualHourMinDays());

        // An instance's role session calling from an EC2 address of its own region is, most likely, the
        // instance on its public IP (its SSM agent, its SDK): not a stolen credential used elsewhere.
        boolean ownInstanceAddress = ec2IpInRegion && instanceSession(e, actor);
        boolean unknownIp = !ipClass.awsInternal() && !ipClass.known() && !ownInstanceAddress && !normal.ipKnown();
        boolean offHours = !inBusinessHours(epochDay, minuteOfDay) && !normal.usualHour();
        // Root can do anything in the account: "a non-admin did this" never describes it.
        boolean admin = "Root".equals(e.getUserIdentityType()) || admins.matchesPrincipal(e) || normal.learnedAdmin();
        boolean allowlisted = allowlistedPrincipals.matchesPrincipal(e) || allowlistedAgents.matches(e.getUserAgent())
                || rulesPrincipals.matchesPrincipal(e) || rulesAgents.matches(e.getUserAgent());
        return e.withContext(new EventContext(actor.key(), actor.name(), false, eventStages, ipClass.external(), createdBy,
                unknownIp, offHours, !admin, allowlisted, ipClass.aws(), ec2IpInRegion));
    }

    /** An EC2 instance profile's session: AWS names it after the instance ({@code i-0abc…}). */
    private static boolean instanceSession(CloudTrailEvent e, Actor actor) {
        return "AssumedRole".equals(e.getUserIdentityType()) && actor.name() != null && actor.name().startsWith("i-");
    }

    /** The AWS ranges in use (the configured file or the offline subset) and why the last re-read failed, if it did. */
    public AwsIpRangesFile awsIpRanges() {
        return awsRanges;
    }

    /** The rules were reloaded with their {@code stages.yaml}: later events get the new catalog's stages. */
    public void useStages(StageCatalog next) {
        stages = next;
    }

    /** The rules were reloaded with their {@code allowlist.yaml}: later events are judged against it (and the operator's globs). */
    public void useAllowlist(RulesAllowlist next) {
        rulesPrincipals = ArnPatterns.of(next.principals());
        rulesAgents = ArnPatterns.of(next.userAgents());
    }

    public Baselines baselines() {
        return baselines;
    }

    /** Identity links remembered now, their cap, and how many were forgotten early because of it. */
    public int lineageLinks() {
        return lineage.size();
    }

    public int maxLineageLinks() {
        return lineage.maxLinks();
    }

    public long lineageEvicted() {
        return lineage.evicted();
    }

    /** Saves the learned baselines to the configured file, if any. */
    public void save() throws IOException {
        if (settings.baselineFile() != null) {
            baselines.save(settings.baselineFile());
        }
    }

    /**
     * What an address is, worked out once per distinct address: sources repeat, parsing them is not free.
     *
     * @param aws        in AWS's published ranges
     * @param ec2Regions the regions whose EC2 ranges hold it (usually none or one)
     */
    private record IpClass(boolean awsInternal, boolean external, boolean known, boolean aws, java.util.Set<String> ec2Regions) {
    }

    private static final IpClass NO_IP = new IpClass(true, false, false, false, java.util.Set.of());
    private final java.util.Map<String, IpClass> ipClasses = new java.util.concurrent.ConcurrentHashMap<>();

    private IpClass classify(String ip) {
        if (ip == null) {
            return NO_IP;
        }
        AwsIpRanges ranges = awsRanges.current();
        if (ranges != rangesInCache) {
            ipClasses.clear(); // AWS's ranges changed: what was an AWS address may not be any more
            rangesInCache = ranges;
        }
        IpClass cached = ipClasses.get(ip);
        if (cached == null) {
            java.util.Set<String> ec2Regions = ranges.regionsOf(ip, AwsIpRanges.EC2);
            cached = new IpClass(CidrSet.isAwsInternal(ip), CidrSet.isExternal(ip), knownNetworks.contains(ip),
                    !ec2Regions.isEmpty() || ranges.contains(ip), ec2Regions.isEmpty() ? java.util.Set.of() : java.util.Set.copyOf(ec2Regions));
            if (ipClasses.size() > 100_000) {
                ipClasses.clear(); // bounded: a scan from a million addresses must not grow it for ever
            }
            ipClasses.put(ip, cached);
        }
        return cached;
    }

    /**
     * An identity makes many calls: its actor (built by string concatenation and then hashed by every
     * map and EPL index keyed on it) is worked out once per ARN and shared. The entry remembers what
     * else {@link Actor#of} reads, so an ARN seen with a different type or issuer is worked out anew.
     */
    private Actor actorOf(CloudTrailEvent e) {
        String arn = e.getArn();
        if (arn == null) {
            return Actor.of(e);
        }
        KnownActor known = actors.get(arn);
        if (known != null && known.sameInputs(e)) {
            return known.actor();
        }
        Actor actor = Actor.of(e);
        if (actors.size() >= maxCachedActors) {
            actors.clear(); // bounded by the actor budget; a miss only costs the concatenation again
        }
        actors.put(arn, new KnownActor(e.getUserIdentityType(), e.getSessionIssuerArn(), e.getUserName(), e.getInvokedBy(),
                e.getAccountId(), actor));
        return actor;
    }

    private static final int MAX_CACHED_ACTORS = 200_000;
    private final int maxCachedActors;
    private final java.util.Map<String, KnownActor> actors = new java.util.concurrent.ConcurrentHashMap<>();

    private record KnownActor(String type, String issuerArn, String userName, String invokedBy, String accountId, Actor actor) {

        boolean sameInputs(CloudTrailEvent e) {
            return java.util.Objects.equals(type, e.getUserIdentityType()) && java.util.Objects.equals(issuerArn, e.getSessionIssuerArn())
                    && java.util.Objects.equals(userName, e.getUserName()) && java.util.Objects.equals(invokedBy, e.getInvokedBy())
                    && java.util.Objects.equals(accountId, e.getAccountId());
        }
    }

    private boolean inBusinessHours(long epochDay, int minuteOfDay) {
        LocalDate date = LocalDate.ofEpochDay(epochDay);
        DayOfWeek day = date.getDayOfWeek();
        if (!settings.businessDays().contains(day) || settings.holidays().contains(date)) {
            return false;
        }
        return minuteOfDay >= businessStartMinute && minuteOfDay < businessEndMinute;
    }

    private static boolean contains(String[] values, String value) {
        for (String v : values) {
            if (v.equals(value)) {
                return true;
            }
        }
        return false;
    }
}
