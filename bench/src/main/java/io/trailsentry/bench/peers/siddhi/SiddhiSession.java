package io.trailsentry.bench.peers.siddhi;

import io.siddhi.core.SiddhiAppRuntime;
import io.siddhi.core.SiddhiManager;
import io.siddhi.core.event.Event;
import io.siddhi.core.stream.input.InputHandler;
import io.siddhi.core.stream.output.StreamCallback;
import io.trailsentry.bench.peers.AlertKey;
import io.trailsentry.bench.peers.PeerEngine;
import io.trailsentry.bench.peers.RuleSemantics;
import io.trailsentry.ingest.CloudTrailEvent;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * One Siddhi app running the two rules, in playback mode: the app's clock is the events' timestamps,
 * so batches and windows open and close on event time as TrailSentry's do.
 *
 * <ul>
 *   <li>Enumeration: a {@code timeBatch(10 min, 0)} window (batches aligned to the epoch) grouped by
 *       principalId, arn and accountId, {@code having count > 50} — the EPL's {@code time_batch}.</li>
 *   <li>Sequence, two ways: {@link #WINDOW_JOIN}, the shape of the EPL (a window of discovery calls and
 *       an exists-style join), and {@link #INDEXED_TABLE}, each actor's latest discovery time in a
 *       keyed table.</li>
 * </ul>
 * The privilege query is declared before the discovery one, so a call in both stages is matched
 * against the discovery calls before it, not against itself (as in TrailSentry, where its own
 * {@code insert into} takes effect after it). End of input moves the clock an hour on, as
 * {@code DetectionEngine.finish()} does.
 *
 * <p>Loaded by {@code SiddhiClassLoader}: it sees Siddhi with its own ANTLR, and the benchmark's
 * types from the parent loader.
 */
public final class SiddhiSession implements PeerEngine.Session {

    static {
        // Siddhi logs through the Log4j API; its Log4j backend is left out of the build (pom.xml), so name
        // the API's own simple backend (errors only) instead of letting it warn that none was found.
        if (System.getProperty("log4j2.loggerContextFactory") == null) {
            System.setProperty("log4j2.loggerContextFactory", "org.apache.logging.log4j.simple.SimpleLoggerContextFactory");
        }
    }

    private static final long END_OF_INPUT_DRAIN_MILLIS = 3_600_000L;

    /** Both variants' definitions (SiddhiQL wants every definition before the first query). */
    private static final String DEFINITIONS = """
            @app:name('trailsentry-peers')
            @app:playback
            define stream CloudTrail (eventId string, eventTime long, eventName string, principalId string, arn string,
                                      accountId string, actorKey string, serviceCall bool, inDiscovery bool,
                                      inPrivilegeEscalation bool, inPersistence bool);
            define stream EndOfInput (at long);
            """;

    /** Both variants: the enumeration bins, and the privilege calls the sequence rule starts from. */
    private static final String QUERIES = """

            @info(name = 'enumeration')
            from CloudTrail[%s]#window.timeBatch(%d millisec, 0L)
            select principalId, arn, accountId, eventTime - (eventTime %% %dL) as windowStart, count() as eventCount
            group by principalId, arn, accountId
            having eventCount > %dL
            insert into EnumerationBins;

            from CloudTrail[serviceCall == false and not (actorKey is null)
                            and (inPrivilegeEscalation == true or inPersistence == true)]
            select eventId, actorKey
            insert into PrivilegeCalls;
            """.formatted(
            RuleSemantics.ENUMERATION_EVENTS.stream().sorted().map(n -> "eventName == '" + n + "'")
                    .collect(Collectors.joining(" or ", "(", ")")),
            RuleSemantics.BIN_MILLIS, RuleSemantics.BIN_MILLIS, RuleSemantics.ENUMERATION_THRESHOLD);

    /**
     * The EPL's shape: discovery calls in a 15-minute window; a privilege call joins it on the actor
     * (Siddhi scans the window), grouped by the call so it fires once however many calls matched.
     */
    static final String WINDOW_JOIN = DEFINITIONS + """
            define stream DiscoveryCalls (actorKey string);
            """ + QUERIES + """

            @info(name = 'sequence')
            from PrivilegeCalls as p unidirectional join DiscoveryCalls#window.time(%d millisec) as d
                on p.actorKey == d.actorKey
            select p.eventId as eventId, p.actorKey as actorKey
            group by p.eventId
            insert into PrivilegeAfterDiscovery;

            from CloudTrail[serviceCall == false and not (actorKey is null) and inDiscovery == true]
            select actorKey
            insert into DiscoveryCalls;
            """.formatted(RuleSemantics.FOLLOW_UP_MILLIS);

    /**
     * What a Siddhi user would write for speed: each actor's latest discovery time in a table keyed by
     * actor (a privilege call is one keyed lookup); a 15-minute window of discovery calls only expires
     * rows, deleting an actor's row when the call it holds leaves the window.
     */
    static final String INDEXED_TABLE = DEFINITIONS + """
            define stream DiscoveryCalls (actorKey string, eventTime long);
            @PrimaryKey('actorKey')
            define table LatestDiscovery (actorKey string, eventTime long);
            """ + QUERIES + """

            @info(name = 'sequence')
            from PrivilegeCalls as p join LatestDiscovery as d on p.actorKey == d.actorKey
            select p.eventId as eventId, p.actorKey as actorKey
            insert into PrivilegeAfterDiscovery;

            from CloudTrail[serviceCall == false and not (actorKey is null) and inDiscovery == true]
            select actorKey, eventTime
            insert into DiscoveryCalls;

            from DiscoveryCalls
            update or insert into LatestDiscovery
                set LatestDiscovery.eventTime = eventTime
                on LatestDiscovery.actorKey == actorKey;

            from DiscoveryCalls#window.time(%d millisec)
            select actorKey as expiredActor, eventTime as expiredTime
            insert expired events into ExpiredDiscovery;

            -- A row goes when the call it holds leaves the window, not when an older one does. Two steps:
            -- Siddhi 5.1.21 ignores a delete whose condition adds the time to the primary key, and
            -- update-or-insert into a table with a second index fails.
            from ExpiredDiscovery join LatestDiscovery on LatestDiscovery.actorKey == ExpiredDiscovery.expiredActor
            select ExpiredDiscovery.expiredActor as staleActor, LatestDiscovery.eventTime as latest,
                   ExpiredDiscovery.expiredTime as expiredTime
            having latest == expiredTime
            insert into StaleDiscovery;

            from StaleDiscovery
            delete LatestDiscovery on LatestDiscovery.actorKey == staleActor;
            """.formatted(RuleSemantics.FOLLOW_UP_MILLIS);

    private final SiddhiManager manager = new SiddhiManager();
    private final SiddhiAppRuntime app;
    private final InputHandler input;
    private final InputHandler endOfInput;
    private final List<AlertKey> alerts = new ArrayList<>();
    private long lastTime = Long.MIN_VALUE;

    /** @param variant {@code WINDOW_JOIN} or {@code INDEXED_TABLE}: which of the two apps */
    public SiddhiSession(String variant) {
        app = manager.createSiddhiAppRuntime(switch (variant) {
            case "WINDOW_JOIN" -> WINDOW_JOIN;
            case "INDEXED_TABLE" -> INDEXED_TABLE;
            default -> throw new IllegalArgumentException("no Siddhi app named " + variant);
        });
        app.addCallback("EnumerationBins", new StreamCallback() {
            @Override
            public void receive(Event[] events) {
                for (Event e : events) {
                    Object[] d = e.getData();
                    alerts.add(AlertKey.enumerationBin((String) d[0], (String) d[1], (String) d[2], (Long) d[3], (Long) d[4]));
                }
            }
        });
        app.addCallback("PrivilegeAfterDiscovery", new StreamCallback() {
            @Override
            public void receive(Event[] events) {
                for (Event e : events) {
                    Object[] d = e.getData();
                    alerts.add(AlertKey.privilegeAfterDiscovery((String) d[1], (String) d[0]));
                }
            }
        });
        app.start();
        input = app.getInputHandler("CloudTrail");
        endOfInput = app.getInputHandler("EndOfInput");
    }

    @Override
    public void accept(CloudTrailEvent e) throws InterruptedException {
        long time = e.getEventTimeMillis();
        lastTime = Math.max(lastTime, time);
        input.send(time, new Object[] {
                e.getEventID(), time, e.getEventName(), e.getPrincipalId(), e.getArn(), e.getAccountId(),
                e.getActorKey(), e.isServiceCall(), e.isInDiscovery(), e.isInPrivilegeEscalation(), e.isInPersistence()});
    }

    @Override
    public void finish() throws InterruptedException {
        if (lastTime != Long.MIN_VALUE) {
            // Any event moves a playback app's clock; its scheduler then closes the due batches and windows.
            long at = lastTime + END_OF_INPUT_DRAIN_MILLIS;
            endOfInput.send(at, new Object[] {at});
        }
    }

    @Override
    public List<AlertKey> alerts() {
        return alerts;
    }

    @Override
    public void close() {
        app.shutdown();
        manager.shutdown();
    }
}
