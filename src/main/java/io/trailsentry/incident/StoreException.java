package io.trailsentry.incident;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;

/**
 * The incident database failed.
 *
 * @see #retryable()
 */
public final class StoreException extends RuntimeException {

    private final boolean retryable;

    public StoreException(String message, SQLException cause) {
        super(message + ": " + describe(cause), cause);
        this.retryable = isRetryable(cause);
    }

    /** A failure that trying again does not cure, such as a schema migration that failed. */
    public StoreException(String message, RuntimeException cause) {
        super(message, cause);
        this.retryable = false;
    }

    /**
     * True when trying again later may succeed (the connection dropped, the server is restarting, a
     * lock or pool timed out); false when this input will never be accepted (bad data, a constraint).
     * The writer retries the first kind and sets the alert aside on the second.
     */
    public boolean retryable() {
        return retryable;
    }

    static boolean isRetryable(SQLException e) {
        if (e instanceof SQLTransientException || e instanceof SQLRecoverableException) {
            return true;
        }
        String state = e.getSQLState();
        if (state == null || state.length() < 2) {
            return true; // pool acquisition timeouts and driver-internal failures carry no state
        }
        return switch (state.substring(0, 2)) {
            // connection, transaction rollback (deadlock, serialization), resources, operator intervention, H2 timeouts
            case "08", "40", "53", "57", "HY" -> true;
            default -> false;
        };
    }

    private static String describe(SQLException e) {
        return e.getMessage() + (e.getSQLState() == null ? "" : " (SQLState " + e.getSQLState() + ")");
    }
}
