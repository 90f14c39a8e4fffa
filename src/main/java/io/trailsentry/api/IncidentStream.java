package io.trailsentry.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.quarkus.scheduler.Scheduled;
import io.trailsentry.alert.AlertJson;
import io.trailsentry.incident.IncidentChange;
import io.trailsentry.incident.IncidentStore;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseBroadcaster;
import jakarta.ws.rs.sse.SseEventSink;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * Fans the incident store's changes out to every console connected to {@code GET /incidents/stream}.
 * The broadcaster drops a client whose connection closed; the periodic ping finds those that went
 * away silently.
 */
@ApplicationScoped
public class IncidentStream {

    private static final Logger LOG = Logger.getLogger(IncidentStream.class);

    private final IncidentStore store;
    private Sse sse;
    private SseBroadcaster broadcaster;
    private AutoCloseable subscription;

    IncidentStream(IncidentStore store) {
        this.store = store;
    }

    synchronized void register(SseEventSink sink, Sse sse) {
        if (broadcaster == null) {
            this.sse = sse;
            this.broadcaster = sse.newBroadcaster();
            this.subscription = store.subscribe(this::send);
        }
        broadcaster.register(sink);
        // Sent at once, so the client knows the stream is open (and the response headers go out now).
        sink.send(sse.newEventBuilder().name("ready").data(String.class, "{\"at\":\"" + Instant.now() + "\"}").build());
    }

    private void send(IncidentChange change) {
        SseBroadcaster target;
        Sse events;
        synchronized (this) {
            target = broadcaster;
            events = sse;
        }
        if (target == null) {
            return;
        }
        try {
            String json = AlertJson.mapper().writeValueAsString(change);
            target.broadcast(events.newEventBuilder().name("incident").id(change.incident().incidentId()).data(String.class, json).build());
        } catch (JsonProcessingException e) {
            LOG.errorf(e, "cannot stream incident %s", change.incident().incidentId());
        }
    }

    @Scheduled(every = "15s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void ping() {
        SseBroadcaster target;
        Sse events;
        synchronized (this) {
            target = broadcaster;
            events = sse;
        }
        if (target != null) {
            target.broadcast(events.newEventBuilder().name("ping").data(String.class, "{}").build());
        }
    }

    @PreDestroy
    synchronized void close() {
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception ignored) {
                // a list removal; cannot fail
            }
        }
        if (broadcaster != null) {
            broadcaster.close();
        }
    }
}
