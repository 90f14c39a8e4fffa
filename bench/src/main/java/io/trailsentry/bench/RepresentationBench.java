package io.trailsentry.bench;

import io.trailsentry.config.StandaloneConfig;
import io.trailsentry.pipeline.Pipelines;
import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.EventSender;
import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.common.client.configuration.common.ConfigurationCommon;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompileException;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import com.espertech.esper.runtime.client.DeploymentOptions;
import com.espertech.esper.runtime.client.EPDeployException;
import com.espertech.esper.runtime.client.EPEventService;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import com.espertech.esper.runtime.client.EPStatement;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trailsentry.alert.AlertJson;
import io.trailsentry.context.Baselines;
import io.trailsentry.context.ContextEnricher;
import io.trailsentry.context.ContextSettings;
import io.trailsentry.engine.EsperEngine;
import io.trailsentry.engine.ReorderBuffer;
import io.trailsentry.ingest.CloudTrailEvent;
import io.trailsentry.ingest.CloudTrailReader;
import io.trailsentry.config.TrailSentryConfig;
import io.trailsentry.sample.SampleGenerator;

import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code bench --representations [--events N]}: which Esper event representation — the
 * {@link CloudTrailEvent} bean the engine uses, a {@code Map}, an object array or JSON — evaluates a
 * representative rule mix fastest on a realistic stream.
 *
 * <p>The stream is generated, parsed, put in event-time order and enriched with the context stage
 * exactly as a replay does it, once and untimed. Each round then gives every representation its own
 * fresh runtime with the same EPL, converts the enriched events to that representation (timed
 * apart: what the parser would pay to build it instead of the bean), and times the send loop alone.
 * The output rows of every statement must be the same for all four, or the comparison is void.
 * Last, each representation streams the input once more, untimed, up to the busiest point, to
 * measure the heap its windows and tables hold there.
 *
 * <p>This is the one class outside {@code engine} that imports Esper: it measures Esper itself
 * with event types the detection path does not use, and nothing else depends on it.
 */
final class RepresentationBench {

    /** The engine's type name, so the identical EPL compiles against every representation. */
    private static final String TYPE = EsperEngine.EVENT_TYPE;
    /** After the last event, event time moves on this far so every window and batch closes (as a replay's end does). */
    private static final long DRAIN_MILLIS = 3_600_000L;
    /** The longest window of the mix ({@code RecentDiscovery}): the heap is measured where it holds the most. */
    private static final long LONGEST_WINDOW_MILLIS = 15 * 60_000L;
    private static final String DEPLOYMENT = "representation-bench";

    /** One event property the EPL below reads: its name in EPL, its type, and how the bean gives it. */
    record Property(String name, Class<?> type, Function<CloudTrailEvent, Object> value) {
        String jsonSchemaType() {
            if (type == String.class) return "string";
            if (type == Long.class) return "long";
            if (type == Boolean.class) return "boolean";
            throw new IllegalStateException("no JSON schema type for " + type);
        }
    }

    /**
     * Every property the EPL uses, once: the Map, object-array and JSON types hold exactly these.
     * A property missing here fails compilation for those types, so the list cannot drift from the EPL.
     */
    static final List<Property> PROPERTIES = List.of(
            new Property("eventName", String.class, CloudTrailEvent::getEventName),
            new Property("errorCode", String.class, CloudTrailEvent::getErrorCode),
            new Property("eventTimeMillis", Long.class, CloudTrailEvent::getEventTimeMillis),
            new Property("sourceIPAddress", String.class, CloudTrailEvent::getSourceIPAddress),
            new Property("principalId", String.class, CloudTrailEvent::getPrincipalId),
            new Property("arn", String.class, CloudTrailEvent::getArn),
            new Property("accountId", String.class, CloudTrailEvent::getAccountId),
            new Property("actorKey", String.class, CloudTrailEvent::getActorKey),
            new Property("actorName", String.class, CloudTrailEvent::getActorName),
            new Property("serviceCall", Boolean.class, CloudTrailEvent::isServiceCall),
            new Property("inDiscovery", Boolean.class, CloudTrailEvent::isInDiscovery),
            new Property("inPrivilegeEscalation", Boolean.class, CloudTrailEvent::isInPrivilegeEscalation),
            new Property("inPersistence", Boolean.class, CloudTrailEvent::isInPersistence));

    /** The statements whose output rows are counted and compared across representations. */
    static final List<String> OUTPUT_STATEMENTS = List.of(
            "sequence_after_discovery", "enumeration_burst", "enumeration_bins", "access_denied", "sensitive_calls");

    private static final String IAM_LIST_CALLS = "'ListAttachedRolePolicies', 'ListRoles', 'ListGroupsForUser', "
            + "'ListAttachedUserPolicies', 'ListAccessKeys', 'ListUsers'";

    /**
     * A mix modelled on the rules in {@code epl/}: the discovery → privilege sequence (named window,
     * count table, exists subquery), a capped burst window with its count table, the Sentinel-style
     * tumbling bins, and two plain filters. Named windows and tables are what the real rules spend
     * their time in; the filters show the cost of reading a property per event.
     */
    static final String EPL = """
            create variable int burst_threshold = 50;
            create variable int bin_threshold = 50;

            // Discovery, then a privilege or persistence call by the same actor within 15 minutes.
            create window RecentDiscovery#time(15 min) as CloudTrailEvent;
            create table DiscoveryByActor(actorKey string primary key, calls count(*));
            insert into RecentDiscovery
            select * from CloudTrailEvent(serviceCall = false and actorKey is not null and inDiscovery = true);
            @Priority(10) into table DiscoveryByActor
            select count(*) as calls from RecentDiscovery group by actorKey;
            on pattern [every timer:interval(1 min)] delete from DiscoveryByActor where calls = 0;
            @Name('sequence_after_discovery')
            select p.actorKey as actorKey, p.eventName as triggerEvent,
                   coalesce(DiscoveryByActor[p.actorKey].calls, 0) as discoveryCount
            from CloudTrailEvent(serviceCall = false and actorKey is not null
                                 and (inPrivilegeEscalation = true or inPersistence = true)) as p
            where exists (select * from RecentDiscovery d where d.actorKey = p.actorKey);

            // More than burst_threshold IAM List calls by one actor within any 10 minutes, window capped per actor.
            create table EnumerationByActor(actorKey string primary key, calls count(*));
            create window RecentEnumeration#time(10 min) as CloudTrailEvent;
            insert into RecentEnumeration
            select * from CloudTrailEvent(actorKey is not null and eventName in (%1$s)) as e
            where coalesce(EnumerationByActor[e.actorKey].calls, 0) < burst_threshold + 2;
            @Priority(10) into table EnumerationByActor
            select count(*) as calls from RecentEnumeration group by actorKey;
            on pattern [every timer:interval(1 min)] delete from EnumerationByActor where calls = 0;
            @Name('enumeration_burst')
            select e.actorKey as actorKey, e.principalId as principalId, e.arn as principalArn, e.accountId as accountId
            from RecentEnumeration as e
            where EnumerationByActor[e.actorKey].calls = burst_threshold + 1;

            // The Sentinel rule's shape: tumbling 10-minute bins per principal.
            @Name('enumeration_bins')
            select principalId, arn as principalArn, accountId, min(eventTimeMillis) as firstCall, count(*) as calls
            from CloudTrailEvent(eventName in (%1$s))#time_batch(10 min)
            group by principalId, arn, accountId
            having count(*) > bin_threshold;

            @Name('access_denied')
            select actorKey, eventName, errorCode from CloudTrailEvent(errorCode like '%%AccessDenied%%');

            @Name('sensitive_calls')
            select actorKey, actorName, eventName, sourceIPAddress
            from CloudTrailEvent(eventName in ('CreateAccessKey', 'CreateUser', 'CreateLoginProfile', 'AttachUserPolicy',
                                               'AttachRolePolicy', 'PutUserPolicy', 'GetSecretValue', 'StopLogging',
                                               'DeleteTrail', 'ConsoleLogin'));
            """.formatted(IAM_LIST_CALLS);

    /** How the events reach Esper. */
    enum Representation {
        BEAN("bean (CloudTrailEvent)") {
            @Override
            void register(ConfigurationCommon common) {
                common.addEventType(TYPE, CloudTrailEvent.class);
            }

            @Override
            Object convert(CloudTrailEvent e) {
                return e;
            }
        },
        MAP("Map") {
            @Override
            void register(ConfigurationCommon common) {
                Map<String, Object> types = new LinkedHashMap<>();
                PROPERTIES.forEach(p -> types.put(p.name(), p.type()));
                common.addEventType(TYPE, types);
            }

            @Override
            Object convert(CloudTrailEvent e) {
                Map<String, Object> map = new HashMap<>(PROPERTIES.size() * 2);
                for (Property p : PROPERTIES) {
                    map.put(p.name(), p.value().apply(e));
                }
                return map;
            }
        },
        OBJECT_ARRAY("object array") {
            @Override
            void register(ConfigurationCommon common) {
                common.addEventType(TYPE, PROPERTIES.stream().map(Property::name).toArray(String[]::new),
                        PROPERTIES.stream().map(Property::type).toArray());
            }

            @Override
            Object convert(CloudTrailEvent e) {
                Object[] row = new Object[PROPERTIES.size()];
                for (int i = 0; i < row.length; i++) {
                    row[i] = PROPERTIES.get(i).value().apply(e);
                }
                return row;
            }
        },
        JSON("JSON") {
            private final JsonFactory json = new JsonFactory();

            @Override
            String module(String epl) {
                // The JSON type is declared in EPL, not in the configuration; @buseventtype lets the runtime accept it from outside.
                return "@public @buseventtype create json schema " + TYPE + "("
                        + PROPERTIES.stream().map(p -> p.name() + " " + p.jsonSchemaType()).collect(Collectors.joining(", "))
                        + ");\n" + epl;
            }

            @Override
            Object convert(CloudTrailEvent e) {
                StringWriter text = new StringWriter(512);
                try (JsonGenerator g = json.createGenerator(text)) {
                    g.writeStartObject();
                    for (Property p : PROPERTIES) {
                        Object value = p.value().apply(e);
                        if (value == null) {
                            g.writeNullField(p.name());
                        } else if (value instanceof Boolean b) {
                            g.writeBooleanField(p.name(), b);
                        } else if (value instanceof Long l) {
                            g.writeNumberField(p.name(), l);
                        } else {
                            g.writeStringField(p.name(), (String) value);
                        }
                    }
                    g.writeEndObject();
                } catch (IOException ex) {
                    throw new UncheckedIOException("writing to a StringWriter cannot fail", ex);
                }
                return text.toString();
            }

            @Override
            void send(EPEventService events, EventSender sender, Object event) {
                events.sendEventJson((String) event, TYPE);
            }
        };

        final String label;

        Representation(String label) {
            this.label = label;
        }

        /** Declares the event type in the configuration (all but JSON). */
        void register(ConfigurationCommon common) {
        }

        /** The module to compile: the shared EPL, plus the type declaration where it lives in EPL. */
        String module(String epl) {
            return epl;
        }

        /** The enriched bean as this representation, holding {@link #PROPERTIES}. */
        abstract Object convert(CloudTrailEvent e);

        void send(EPEventService events, EventSender sender, Object event) {
            sender.sendEvent(event);
        }
    }

    /**
     * Best figures of one representation over the rounds: the send loop's rate (wall clock) and CPU
     * per event on the sending thread (steadier than the wall clock on a shared machine, but without
     * the collector's threads), the conversion's CPU per event, and the rows each statement produced.
     */
    record Timing(double eventsPerSecond, double sendCpuMicros, double conversionCpuMicros, Map<String, Long> rowsByStatement) {
        long outputRows() {
            return rowsByStatement.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Fastest send loop and cheapest conversion of either (the first rounds warm the JIT up); rows are the same every round. */
        Timing better(Timing other) {
            return new Timing(Math.max(eventsPerSecond, other.eventsPerSecond), Math.min(sendCpuMicros, other.sendCpuMicros),
                    Math.min(conversionCpuMicros, other.conversionCpuMicros), other.rowsByStatement);
        }
    }

    /** @param heldBytes heap the runtime retains at the busiest point of the stream (see {@link #retainedAtBusiest}) */
    record Result(Representation representation, Timing timing, long heldBytes) {
    }

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final PrintStream out;

    RepresentationBench(PrintStream out) {
        this.out = out;
    }

    /** @return 0, or 4 when the representations disagree on the output rows (the figures are then not comparable) */
    int run(long events, long seed, int principals, int rounds, Path outDir) throws IOException {
        TrailSentryConfig config = StandaloneConfig.load(null);
        out.printf(Locale.ROOT, "generating %,d events (%d principals, seed %d), parsing and enriching them...%n", events, principals, seed);
        List<byte[]> records = new SampleGenerator(BenchCommand.mixedStream(seed, events, principals)).recordBytes();
        Map<Representation, EPCompiled> compiled = new EnumMap<>(Representation.class);
        for (Representation r : Representation.values()) {
            compiled.put(r, compile(r));
        }

        Map<Representation, Timing> best = new EnumMap<>(Representation.class);
        TimedStream timed = timeAll(config, records, compiled, rounds, best);
        int eventCount = timed.events();
        int busiest = timed.busiestIndex();

        // With the enriched list gone: only the raw records and the compiled modules remain besides what a runtime holds.
        long baseline = BenchCommand.retainedHeap();
        List<Result> results = new ArrayList<>();
        for (Representation r : Representation.values()) {
            long held = retainedAtBusiest(r, compiled.get(r), config, records, busiest) - baseline;
            results.add(new Result(r, best.get(r), held));
        }

        Result bean = results.get(0);
        boolean agree = results.stream().allMatch(r -> r.timing().rowsByStatement().equals(bean.timing().rowsByStatement()));
        printTable(eventCount, busiest, results, agree, bean);
        writeJson(outDir, eventCount, busiest, seed, principals, rounds, results, agree);
        return agree ? 0 : 4;
    }

    /**
     * The timed rounds over the enriched stream, built here so it is unreachable once they are done.
     *
     * @return the number of enriched events and the index of the busiest one
     */
    private TimedStream timeAll(TrailSentryConfig config, List<byte[]> records, Map<Representation, EPCompiled> compiled, int rounds,
                          Map<Representation, Timing> best) {
        List<CloudTrailEvent> stream = new ArrayList<>();
        enrich(config, records, stream::add);
        if (stream.isEmpty()) {
            throw new IllegalStateException("the generated stream parsed to no events");
        }
        long[] times = stream.stream().mapToLong(CloudTrailEvent::getEventTimeMillis).toArray();
        for (int round = 1; round <= rounds; round++) {
            StringBuilder line = new StringBuilder("round " + round + ":");
            // Each round starts with a different representation: code they share (windows, tables,
            // filters) is warmed by whoever runs first, and that advantage must not always go to the same one.
            Representation[] all = Representation.values();
            for (int i = 0; i < all.length; i++) {
                Representation r = all[(i + round - 1) % all.length];
                Timing timing = timeOnce(r, compiled.get(r), stream, times);
                line.append(String.format(Locale.ROOT, " %s %,.0f events/s;", r.label, timing.eventsPerSecond()));
                best.merge(r, timing, Timing::better);
            }
            out.println(line);
        }
        return new TimedStream(stream.size(), busiestIndex(times));
    }

    /** What the timed rounds leave behind of the stream: its size, and where the heap is to be measured. */
    private record TimedStream(int events, int busiestIndex) {
    }

    /**
     * Parse, reorder (dedup, event-time order) and enrich as a replay does — the reorder buffer with
     * the configured allowed lateness, then a context stage built as {@code Pipelines.pipelineWithoutHistory}
     * builds it — handing on the events the rules would see, in the order they would see them.
     */
    private static void enrich(TrailSentryConfig config, List<byte[]> records, Consumer<CloudTrailEvent> downstream) {
        ContextSettings contextSettings = Pipelines.contextSettings(config);
        ContextEnricher context = new ContextEnricher(contextSettings, new Baselines(contextSettings.maxActors()));
        ReorderBuffer order = new ReorderBuffer(config.engine().allowedLateness(), e -> downstream.accept(context.apply(e)));
        CloudTrailReader reader = new CloudTrailReader();
        AtomicLong rejected = new AtomicLong();
        for (byte[] record : records) {
            reader.read(record, "bench", order::offer, d -> rejected.incrementAndGet());
        }
        order.flush();
        if (rejected.get() > 0) {
            throw new IllegalStateException(rejected.get() + " generated records were rejected by the reader: the generator and reader disagree");
        }
    }

    private static EPCompiled compile(Representation r) {
        try {
            return EPCompilerProvider.getCompiler().compile(r.module(EPL), new CompilerArguments(configuration(r)));
        } catch (EPCompileException e) {
            throw new IllegalStateException("the benchmark EPL does not compile for " + r.label + ": " + e.getMessage(), e);
        }
    }

    /** As the engine configures Esper: external clock, prioritised statements (count tables update before readers). */
    private static Configuration configuration(Representation r) {
        Configuration configuration = new Configuration();
        r.register(configuration.getCommon());
        configuration.getRuntime().getThreading().setInternalTimerEnabled(false);
        configuration.getRuntime().getExecution().setPrioritized(true);
        return configuration;
    }

    private static EPRuntime newRuntime(Representation r, EPCompiled compiled) {
        EPRuntime runtime = EPRuntimeProvider.getRuntime("trailsentry-bench-" + r.name() + "-" + UUID.randomUUID(), configuration(r));
        try {
            runtime.getDeploymentService().deploy(compiled, new DeploymentOptions().setDeploymentId(DEPLOYMENT));
            return runtime;
        } catch (EPDeployException e) {
            runtime.destroy();
            throw new IllegalStateException("the benchmark EPL does not deploy for " + r.label + ": " + e.getMessage(), e);
        }
    }

    /** One representation in a fresh runtime: convert (timed), send (timed), then drain and count the rows. */
    private static Timing timeOnce(Representation r, EPCompiled compiled, List<CloudTrailEvent> stream, long[] times) {
        long c0 = THREADS.getCurrentThreadCpuTime();
        List<Object> input = new ArrayList<>(stream.size());
        for (CloudTrailEvent e : stream) {
            input.add(r.convert(e));
        }
        double conversionMicros = r == Representation.BEAN ? 0 : (THREADS.getCurrentThreadCpuTime() - c0) / 1e3 / stream.size();

        EPRuntime runtime = newRuntime(r, compiled);
        try {
            Map<String, AtomicLong> rows = new LinkedHashMap<>();
            for (String name : OUTPUT_STATEMENTS) {
                AtomicLong count = new AtomicLong();
                rows.put(name, count);
                EPStatement statement = runtime.getDeploymentService().getStatement(DEPLOYMENT, name);
                if (statement == null) {
                    throw new IllegalStateException("the benchmark EPL has no statement named " + name);
                }
                statement.addListener((newEvents, oldEvents, s, rt) -> {
                    if (newEvents != null) {
                        count.addAndGet(newEvents.length);
                    }
                });
            }
            EPEventService events = runtime.getEventService();
            EventSender sender = r == Representation.JSON ? null : events.getEventSender(TYPE);
            EventClock clock = new EventClock(events);

            long cpu0 = THREADS.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (int i = 0; i < times.length; i++) {
                clock.advanceTo(times[i]);
                r.send(events, sender, input.get(i));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            double sendCpuMicros = (THREADS.getCurrentThreadCpuTime() - cpu0) / 1e3 / stream.size();

            // Closes the last windows and bins, so every representation is counted over the whole stream.
            events.advanceTimeSpan(times[times.length - 1] + DRAIN_MILLIS);
            Map<String, Long> counted = new LinkedHashMap<>();
            rows.forEach((name, count) -> counted.put(name, count.get()));
            return new Timing(stream.size() / seconds, sendCpuMicros, conversionMicros, counted);
        } finally {
            runtime.destroy();
        }
    }

    /**
     * The heap a runtime of this representation retains with its windows at their fullest: a fresh
     * stream (parsed and enriched again, each event converted just before it is sent, so nothing
     * but the runtime holds it) up to the busiest event, then a full GC. The bean's windows pay for
     * whole beans, the others for what their type holds.
     */
    private static long retainedAtBusiest(Representation r, EPCompiled compiled, TrailSentryConfig config, List<byte[]> records, int busiest) {
        EPRuntime runtime = newRuntime(r, compiled);
        try {
            EPEventService events = runtime.getEventService();
            EventSender sender = r == Representation.JSON ? null : events.getEventSender(TYPE);
            EventClock clock = new EventClock(events);
            int[] sent = {0};
            enrich(config, records, e -> {
                if (sent[0]++ <= busiest) {
                    clock.advanceTo(e.getEventTimeMillis());
                    r.send(events, sender, r.convert(e));
                }
            });
            return BenchCommand.retainedHeap();
        } finally {
            runtime.destroy();
        }
    }

    /**
     * The event at which the most events fall in the 15 minutes before it (the longest window of the
     * mix): where the windows hold the most.
     */
    static int busiestIndex(long[] times) {
        int best = 0;
        int bestCount = 0;
        int from = 0;
        for (int i = 0; i < times.length; i++) {
            while (times[from] <= times[i] - LONGEST_WINDOW_MILLIS) {
                from++;
            }
            if (i - from + 1 > bestCount) {
                bestCount = i - from + 1;
                best = i;
            }
        }
        return best;
    }

    /** The engine's clock handling ({@code EsperEngine.advanceTo}): the first event sets it, timers are stepped only when one is due. */
    private static final class EventClock {
        private final EPEventService events;
        private boolean started;

        EventClock(EPEventService events) {
            this.events = events;
        }

        void advanceTo(long millis) {
            if (!started) {
                events.advanceTime(millis);
                started = true;
            } else if (millis > events.getCurrentTime()) {
                Long nextTimer = events.getNextScheduledTime();
                if (nextTimer == null || nextTimer > millis) {
                    events.advanceTime(millis);
                } else {
                    events.advanceTimeSpan(millis);
                }
            }
        }
    }

    private void printTable(int events, int busiest, List<Result> results, boolean agree, Result bean) {
        out.println();
        out.printf(Locale.ROOT, "%,d enriched events, %d rule statements with counted output, %d properties in the Map/array/JSON types%n%n",
                events, OUTPUT_STATEMENTS.size(), PROPERTIES.size());
        out.println("| representation | send loop events/s | send CPU µs/event | conversion CPU µs/event | output rows | heap held at the busiest point |");
        out.println("|---|---|---|---|---|---|");
        for (Result r : results) {
            Timing t = r.timing();
            out.printf(Locale.ROOT, "| %s | %,.0f | %.2f | %s | %,d | %,.1f MB |%n", r.representation().label, t.eventsPerSecond(),
                    t.sendCpuMicros(), r.representation() == Representation.BEAN ? "— (the parser builds it)" : String.format(Locale.ROOT, "%.2f", t.conversionCpuMicros()),
                    t.outputRows(), r.heldBytes() / 1e6);
        }
        out.printf(Locale.ROOT, "%nBest of the rounds; CPU is the sending thread's (on a busy machine it moves less than the wall-clock rate).%n"
                + "Heap held: retained by the runtime (windows, tables, the events in them) after a full GC at event %,d,%n"
                + "where the most events fall within 15 minutes; the input is not counted.%n", busiest + 1);
        if (agree) {
            out.println("agreement: all four representations produced the same rows per statement " + bean.timing().rowsByStatement());
        } else {
            out.println("DISAGREEMENT: the representations produced different rows, so the figures are not comparable:");
            for (Result r : results) {
                out.println("  " + r.representation().label + ": " + r.timing().rowsByStatement());
            }
        }
    }

    private void writeJson(Path outDir, int events, int busiest, long seed, int principals, int rounds, List<Result> results,
                           boolean agree) throws IOException {
        ObjectNode json = AlertJson.mapper().createObjectNode();
        json.put("timestamp", Instant.now().toString());
        json.put("events", events);
        json.put("rounds", rounds);
        json.put("agree", agree);
        json.put("heapMeasuredAtEvent", busiest + 1);
        ArrayNode variants = json.putArray("representations");
        for (Result r : results) {
            Timing t = r.timing();
            ObjectNode v = variants.addObject();
            v.put("representation", r.representation().name().toLowerCase(Locale.ROOT));
            v.put("sendEventsPerSecond", Math.round(t.eventsPerSecond()));
            v.put("sendCpuMicrosPerEvent", Math.round(t.sendCpuMicros() * 100) / 100.0);
            v.put("conversionCpuMicrosPerEvent", Math.round(t.conversionCpuMicros() * 100) / 100.0);
            v.put("outputRows", t.outputRows());
            ObjectNode rows = v.putObject("rowsByStatement");
            t.rowsByStatement().forEach(rows::put);
            v.put("heldBytes", r.heldBytes());
        }
        json.put("cores", Runtime.getRuntime().availableProcessors());
        json.put("java", System.getProperty("java.version"));
        json.put("seed", seed);
        json.put("principals", principals);
        Files.createDirectories(outDir);
        Path file = outDir.resolve("bench-representations-latest.json");
        AlertJson.mapper().writerWithDefaultPrettyPrinter().writeValue(file.toFile(), json);
        out.println("\nwritten to " + file);
    }
}
