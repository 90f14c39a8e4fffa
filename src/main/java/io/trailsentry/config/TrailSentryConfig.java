package io.trailsentry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Operator configuration, {@code trailsentry.*}: the same keys in {@code application.properties},
 * environment variables ({@code TRAILSENTRY_ENGINE_ALLOWED_LATENESS}), {@code -D} system properties and
 * the properties file given to {@code replay --config}. Detection tuning (thresholds, windows) lives in
 * the EPL files; {@link Rules#parameters()} only overrides it per deployment.
 */
@ConfigMapping(prefix = "trailsentry")
public interface TrailSentryConfig {

    Rules rules();

    Engine engine();

    Alerts alerts();

    DeadLetter deadLetter();

    Inbox inbox();

    Context context();

    Scoring scoring();

    Kafka kafka();

    interface Rules {
        /** Folder of {@code .epl} rule files, compiled at start-up. */
        @WithDefault("epl")
        Path dir();

        /**
         * Overrides of EPL variables by name, e.g. {@code trailsentry.rules.parameters.iam_enum_compat_threshold=30}.
         * An unknown name stops start-up with an error rather than being ignored.
         */
        Map<String, String> parameters();

        /** Serve mode: reload when a rule file changes (within a second or two). */
        @WithDefault("true")
        boolean watch();

        /** How often the rules folder is checked for changes. */
        @WithDefault("1s")
        Duration watchInterval();

        /**
         * Where compiled rules are kept between starts, reloads and commands (keyed by each file's text,
         * the files before it and the engine's version), so only what changed is compiled again.
         * Set it to an empty value to compile every time.
         */
        @WithDefault("data/rule-cache")
        Optional<Path> cacheDir();
    }

    interface Engine {
        /** How late (in event time, behind the newest event) a record may arrive and still be processed in order. */
        @WithDefault("5m")
        Duration allowedLateness();

        /**
         * No longer used by the server, which evaluates each payload whole and flushes it at its end
         * (nothing waits on processing time, so the alerts do not depend on thread timing). Kept so
         * existing configurations still start; the benchmarks vary it.
         */
        @WithDefault("20ms")
        Duration maxHold();

        /**
         * Serve mode: after this long with no input, event time advances with the wall clock so open
         * windows close and report without waiting for new events.
         */
        @WithDefault("2s")
        Duration idleAdvanceAfter();

        /**
         * SIGTERM: the longest the server takes to stop, whatever a request is doing. Half of it waits
         * for input already inside the engine, the rest saves baselines and closes; a step still running
         * at the end is given up (the process exits; alerts already written are on disk).
         */
        @WithDefault("20s")
        Duration shutdownTimeout();

        /**
         * An event more than this ahead of the wall clock (and, in a replay, ahead of the input's newest
         * event unless the next event confirms the jump) is a dead letter and never moves event time.
         */
        @WithDefault("15m")
        Duration maxFutureSkew();

        /**
         * Serve mode: an event more than this behind the wall clock is a dead letter (older than AWS keeps
         * any CloudTrail record: CloudTrail Lake's longest retention is ten years). Replay old logs with
         * {@code trailsentry replay}, which has no such bound.
         */
        @WithDefault("3653d")
        Duration maxEventAge();

        /**
         * How long (event time, behind the newest evaluated event) eventIDs are remembered: a payload
         * sent again within it (a retry, an inbox file read again) is dropped whole as duplicates; later,
         * its events are late. At least the allowed lateness; bounded in count by {@code max-remembered-event-ids}.
         */
        @WithDefault("1h")
        Duration dedupHorizon();

        /**
         * State budget: eventIDs remembered at most, whatever the dedup horizon (16 bytes each: 4 million
         * is about 64 MB). Past it the older half is forgotten early and repeats of it are evaluated as late.
         */
        @WithDefault("4000000")
        int maxRememberedEventIds();

        /**
         * State budget: rows in all rule tables together at most. Rules keep a row per actor (and API,
         * bucket…) for their window; never-seen principals are free to make, so past this the biggest
         * tables drop their least recently seen rows (their lowest counts for a counting table). A row
         * that holds a call is about 1-2 KB.
         */
        @WithDefault("250000")
        int maxRuleTableRows();

        /**
         * State budget: events in all rule windows together at most. A window holds the event rate
         * times its length (600,000 calls for a 10-minute window at 1,000 matching calls a second);
         * past this the biggest windows drop the events of their actors with the fewest events,
         * oldest first. An event in a window is about 1 KB.
         */
        @WithDefault("400000")
        int maxRuleWindowEvents();
    }

    interface Alerts {
        /** JSON-lines file every alert is appended to (alertIds already in it are not written again). */
        @WithDefault("data/alerts.jsonl")
        Path file();

        /** Alerts kept in memory for {@code GET /alerts}. */
        @WithDefault("10000")
        int memoryCapacity();
    }

    interface DeadLetter {
        /** JSON-lines file of rejected records, each with its source, position and reason. */
        @WithDefault("data/dead-letter.jsonl")
        Path file();
    }

    interface Inbox {
        /** Serve mode: watch a folder and ingest every file dropped into it. */
        @WithDefault("true")
        boolean enabled();

        /** The watched folder; ingested files move to {@code processed/} under it. */
        @WithDefault("data/inbox")
        Path dir();

        @WithDefault("1s")
        Duration pollInterval();

        /**
         * At start, processed files moved in this long before the newest one are read again with nothing
         * emitted, so windows, incidents and remembered eventIDs are whole again after a crash and a
         * file left unfinished is evaluated as it would have been. Default: the longest rule window plus
         * the allowed lateness, as the Kafka lookback.
         */
        Optional<Duration> lookback();
    }

    /** The write-up's contextual conditions; see docs/rules.md "Context". Lists are comma-separated. */
    interface Context {
        /** Corporate, VPN and NAT networks (IPv4/IPv6 CIDRs): calls from them are never "unknown IP". */
        Optional<List<String>> knownCidrs();

        /** An IP not seen for an actor within this long is unknown again. */
        @WithDefault("14d")
        Duration ipMemory();

        /** What an actor did less than this long ago is not yet its normal (IPs, hours, admin work). */
        @WithDefault("24h")
        Duration learningDelay();

        /** Business hours, local time in {@link #timezone()}: {@code 08:00-18:00}. */
        @WithDefault("08:00-18:00")
        String businessHours();

        /** Working days: {@code MON-FRI} or {@code MON,TUE,WED}. */
        @WithDefault("MON-FRI")
        String businessDays();

        @WithDefault("UTC")
        ZoneId timezone();

        /** Dates that are off-hours all day: {@code 2024-12-25,2024-12-26}. */
        Optional<List<LocalDate>> holidays();

        /** An hour is an actor's usual once it was active in it on this many distinct earlier days. */
        @WithDefault("3")
        int usualHourMinDays();

        /** Administrators' ARN globs (an IAM user, the role behind a session, or the session ARN). */
        Optional<List<String>> adminPrincipals();

        /** Authorised scanners' and automation's ARN globs: scored down, never dropped. */
        Optional<List<String>> allowlistedPrincipals();

        /** Authorised scanners' user-agent globs, e.g. {@code *Prowler*}. */
        Optional<List<String>> allowlistedUserAgents();

        /** Where learned baselines are saved across restarts. */
        @WithDefault("data/baselines.json")
        Path baselineFile();

        /**
         * State budget: actors whose baselines are learned, at most (about 0.8 KB each). The least
         * recently seen go first; actors with an open incident above Low go last.
         */
        @WithDefault("100000")
        int maxActors();

        /** How long a user or key created by an actor stays linked to it. */
        @WithDefault("24h")
        Duration lineageHorizon();

        /** State budget: created users and keys linked to their creator, at most (about 0.2 KB each). */
        @WithDefault("100000")
        int maxLineageLinks();

        /**
         * AWS's published ranges ({@code https://ip-ranges.amazonaws.com/ip-ranges.json}), re-read within a
         * minute of changing; refresh it from cron with {@code curl -o <file> https://ip-ranges.amazonaws.com/ip-ranges.json}.
         * Unset: the bundled minimal offline subset.
         */
        Optional<Path> awsIpRangesFile();
    }

    /**
     * The scorer's operator setting. The ladder itself — what each stage tier makes, the suspicious
     * contexts, the context moves and every point of the score — is detection tuning and lives beside
     * the rules in {@code scoring.yaml} (hot-reloaded with them, tried with {@code rules backtest}; docs/rules.md "Scorer");
     * stage tiers and points are in {@code stages.yaml}.
     */
    interface Scoring {
        /**
         * An incident stays open this long after its last signal (event time). Operator configuration
         * rather than ladder data: it bounds the open incidents kept in memory, goes with the other
         * horizons of a deployment (lineage, Kafka lookback) and, changed at a reload, would split or
         * merge incidents that are open.
         */
        @WithDefault("24h")
        Duration horizon();

        /**
         * State budget: open incidents at most (a few KB each, up to about 100 KB with full evidence).
         * Past it the least severe, least recently active incident is closed first: incidents above Low go last.
         */
        @WithDefault("20000")
        int maxOpenIncidents();
    }

    /**
     * Kafka in and out (docs/operations.md "Kafka: delivery guarantee"). The broker, topics and client settings are the
     * SmallRye Kafka connector's own: {@code kafka.bootstrap.servers}, {@code mp.messaging.*}.
     */
    interface Kafka {
        /**
         * Consume CloudTrail from the {@code cloudtrail} channel and write alerts and dead letters to
         * their topics. Off by default: the embedded server needs no broker. The channels'
         * {@code mp.messaging.*.enabled} follow it (application.properties).
         */
        @WithDefault("false")
        boolean enabled();

        /**
         * How far back, in record time, before a partition's committed offset the input is re-read
         * when the partition is assigned (start, restart, rebalance), so windows that straddle the
         * restart are whole again. Default: {@link #longestRuleWindow()} plus the allowed lateness.
         */
        Optional<Duration> lookback();

        /** The longest window any rule keeps; the shipped rules' longest is one hour (instance credentials). */
        @WithDefault("1h")
        Duration longestRuleWindow();

        /** AlertIds remembered (the newest) to drop an alert the alerts topic already holds. */
        @WithDefault("100000")
        int alertMemory();

        /** The longest a batch waits for the broker to confirm its alerts and dead letters before the channel fails. */
        @WithDefault("3m")
        Duration sendTimeout();
    }
}
