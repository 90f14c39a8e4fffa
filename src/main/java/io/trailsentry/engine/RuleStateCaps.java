package io.trailsentry.engine;

/**
 * The rules' part of the state budget: how much the rules' own tables and windows may hold together,
 * whatever the event rate and however many principals call (see {@link RuleTableBudget} and
 * {@link RuleWindowBudget}).
 *
 * @param maxTableRows    rows in all rule tables together at most
 * @param maxWindowEvents events in all rule windows together at most
 */
public record RuleStateCaps(int maxTableRows, int maxWindowEvents) {

    /** 250,000 rows: up to ~400 MB when every row keeps a call, much less when most are counts. */
    public static final int DEFAULT_MAX_TABLE_ROWS = 250_000;
    /** 400,000 events: about 400 MB of calls with their request text and the windows' indexes. */
    public static final int DEFAULT_MAX_WINDOW_EVENTS = 400_000;

    public static RuleStateCaps defaults() {
        return new RuleStateCaps(DEFAULT_MAX_TABLE_ROWS, DEFAULT_MAX_WINDOW_EVENTS);
    }
}
