package io.trailsentry.ingest;

/**
 * The JSON-valued parts of one CloudTrail record — {@code requestParameters}, {@code responseElements},
 * {@code additionalEventData} — as the compact text the parser copied, each parsed on its first
 * look-up and kept. Rules read request fields through the event's mapped properties
 * ({@code requestParameter('userName')}); however many rules (and the context stage) read them, each
 * text is parsed at most once per event.
 *
 * <p>One instance is shared by an event and its context copy ({@link CloudTrailEvent#withContext}),
 * so what the context stage parsed is there for the rules. An event is read by one engine thread at a
 * time; should two threads race, both parse the same text and either result is kept (a benign race,
 * as with the event's cached hash: {@link JsonPaths} is immutable, so a racy publication shows it whole).
 */
final class EventJson {

    static final EventJson NONE = new EventJson(null, null, null);

    final String request;
    final String response;
    final String additional;

    private JsonPaths requestPaths;
    private JsonPaths responsePaths;
    private JsonPaths additionalPaths;
    /** Texts parsed so far, for tests that check "once per event" (exact when one thread reads). */
    private int parses;
    /** The engine is done with the event: look-ups parse again and keep nothing (see {@link #release()}). */
    private boolean released;

    private EventJson(String request, String response, String additional) {
        this.request = request;
        this.response = response;
        this.additional = additional;
    }

    static EventJson of(String request, String response, String additional) {
        return request == null && response == null && additional == null ? NONE : new EventJson(request, response, additional);
    }

    JsonPaths request() {
        JsonPaths paths = requestPaths;
        if (paths == null) {
            if (request == null) {
                return JsonPaths.EMPTY; // not cached: NONE is shared by every event without JSON and is never written
            }
            paths = parse(request);
            if (!released) {
                requestPaths = paths;
            }
        }
        return paths;
    }

    JsonPaths response() {
        JsonPaths paths = responsePaths;
        if (paths == null) {
            if (response == null) {
                return JsonPaths.EMPTY; // not cached: NONE is shared by every event without JSON and is never written
            }
            paths = parse(response);
            if (!released) {
                responsePaths = paths;
            }
        }
        return paths;
    }

    JsonPaths additional() {
        JsonPaths paths = additionalPaths;
        if (paths == null) {
            if (additional == null) {
                return JsonPaths.EMPTY; // not cached: NONE is shared by every event without JSON and is never written
            }
            paths = parse(additional);
            if (!released) {
                additionalPaths = paths;
            }
        }
        return paths;
    }

    /**
     * Drops the parsed trees once the engine has evaluated the event. An event that a rule's window
     * or table keeps then costs its compact text only: a parsed request is several times its text
     * (a map and a node per field), and a soak at 10,000 events/s held about 900,000 of them in the
     * rules' windows. A later look-up (a window's aggregate leaving, evidence) parses again and
     * keeps nothing.
     */
    void release() {
        if (this == NONE) {
            return; // shared by every event without JSON, never written
        }
        released = true;
        requestPaths = null;
        responsePaths = null;
        additionalPaths = null;
    }

    int parses() {
        return parses;
    }

    private JsonPaths parse(String text) {
        parses++;
        return JsonPaths.parse(text);
    }
}
