package io.trailsentry.engine;

import com.espertech.esper.common.client.EventBean;
import com.espertech.esper.common.client.EventType;
import com.espertech.esper.common.client.type.EPTypeClass;
import com.espertech.esper.common.internal.epl.table.core.Table;
import com.espertech.esper.common.internal.epl.table.core.TableInstance;
import com.espertech.esper.common.internal.epl.table.core.TableManagementService;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The state budget's part for rules' tables: no table keeps more than {@code maxRows} rows, however
 * many actors call. Rules key their tables by actor (and API, bucket, network…) and forget rows in
 * event time, so a table is normally bounded by the event rate times its window. Principals are free
 * to make, though (a new assumed-role session name is a new actor), and at 10,000 events/s with one
 * call in five by a never-seen session a 15-minute table grows to 1.8 million rows, each holding the
 * call it remembers: the heap fills before the window turns over.
 *
 * <p>Past the cap a table loses the rows that matter least, down to {@link #LOW_WATER} of the cap (so
 * eviction is a batch now and then, not a sort per event):
 * <ul>
 *   <li>a table with a {@code lastAt} column (the rules' convention for "when this was last seen")
 *       loses the least recently seen rows: an actor in the middle of an attack is the most recent;</li>
 *   <li>a counting table (its first numeric column, e.g. {@code calls count(*)}) loses the rows with
 *       the lowest counts: the actors furthest from any threshold;</li>
 *   <li>any other table loses rows in its own order.</li>
 * </ul>
 * A rule may then miss a pattern whose first calls were evicted — the price of staying up, counted in
 * {@link #evictions()} and reported with the rest of the budget.
 */
final class RuleTableBudget {

    /** What an over-full table is cut back to, as a share of the cap. */
    static final double LOW_WATER = 0.9;
    /** The column the rules name "when this row was last touched". */
    static final String LAST_SEEN_COLUMN = "lastAt";

    private final int maxRows;
    private long evictions;
    private long fullestRows;

    RuleTableBudget(int maxRows) {
        if (maxRows < 10) {
            throw new IllegalArgumentException("max rule table rows must be at least 10, was " + maxRows);
        }
        this.maxRows = maxRows;
    }

    int maxRows() {
        return maxRows;
    }

    /** Rows evicted from rules' tables since start. */
    long evictions() {
        return evictions;
    }

    /** Rows in the fullest table at the last check. */
    long fullestRows() {
        return fullestRows;
    }

    /** Checks every table; cuts back those over the cap. Called on the engine thread, between events. */
    void enforce(TableManagementService tables) {
        long[] fullest = {0};
        tables.traverseTables((deploymentId, table) -> {
            TableInstance instance = table.getTableInstance(-1);
            if (instance == null) {
                return;
            }
            long rows = instance.size();
            if (rows > maxRows) {
                evictions += cutBack(table, instance, rows);
                rows = instance.size();
            }
            fullest[0] = Math.max(fullest[0], rows);
        });
        fullestRows = fullest[0];
    }

    private long cutBack(Table table, TableInstance instance, long rows) {
        int keep = (int) (maxRows * LOW_WATER);
        int drop = (int) (rows - keep);
        int rank = rankColumn(table.getMetaData().getPublicEventType());
        record Ranked(EventBean row, long rank) {
        }
        List<Ranked> victims = new ArrayList<>((int) rows);
        for (EventBean row : instance.getIterableTableScan()) {
            long value = 0;
            if (rank >= 0) {
                // The public row carries aggregated columns (a count) as values; the internal one holds their state.
                Object[] columns = table.getEventToPublic().convertToUnd(row, new EventBean[] {row}, true, null);
                value = columns[rank] instanceof Number n ? n.longValue() : Long.MIN_VALUE;
            }
            victims.add(new Ranked(row, value));
        }
        if (rank >= 0) {
            victims.sort(Comparator.comparingLong(Ranked::rank));
        }
        int dropped = Math.min(drop, victims.size());
        for (int i = 0; i < dropped; i++) {
            instance.deleteEvent(victims.get(i).row());
        }
        return dropped;
    }

    /**
     * The position, in the table's public row, of {@code lastAt} when there is one, else of its first
     * numeric column (a count); -1 for none.
     */
    static int rankColumn(EventType publicType) {
        String[] names = publicType.getPropertyNames();
        int firstNumeric = -1;
        for (int i = 0; i < names.length; i++) {
            if (LAST_SEEN_COLUMN.equals(names[i])) {
                return i;
            }
            if (firstNumeric < 0 && publicType.getPropertyEPType(names[i]) instanceof EPTypeClass c && isNumber(c.getType())) {
                firstNumeric = i;
            }
        }
        return firstNumeric;
    }

    private static boolean isNumber(Class<?> type) {
        return type == long.class || type == int.class || type == double.class || Number.class.isAssignableFrom(type);
    }
}
