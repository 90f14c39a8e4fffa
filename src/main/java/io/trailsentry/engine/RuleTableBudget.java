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
 * The state budget's part for rules' tables: all rule tables together keep at most {@code maxRows}
 * rows, however many actors call. Rules key their tables by actor (and API, bucket, network…) and
 * forget rows in event time, so a table is normally bounded by the event rate times its window.
 * Principals are free to make, though (a new assumed-role session name is a new actor), and at
 * 10,000 events/s with one call in five by a never-seen session a 15-minute table grows to 1.8
 * million rows, each holding the call it remembers: the heap fills before the window turns over.
 *
 * <p>Past the cap the biggest tables are cut back, to one level chosen so that all tables together
 * hold {@link #LOW_WATER} of the cap (so eviction is a batch now and then, not a sort per event); the
 * small tables — the rare, telling calls — keep every row. A table cut back loses the rows that
 * matter least:
 * <ul>
 *   <li>with a {@code lastAt} column (the rules' convention for "when this was last seen"), the least
 *       recently seen rows: an actor in the middle of an attack is the most recent;</li>
 *   <li>a counting table (its first numeric column, e.g. {@code calls count(*)}), the lowest counts:
 *       the actors furthest from any threshold;</li>
 *   <li>any other table, rows in its own order.</li>
 * </ul>
 * A rule may then miss a pattern whose first calls were evicted — the price of staying up, counted in
 * {@link #evictions()} and reported with the rest of the budget.
 */
final class RuleTableBudget {

    /** What the tables are cut back to, together, as a share of the cap. */
    static final double LOW_WATER = 0.9;
    /** The column the rules name "when this row was last touched". */
    static final String LAST_SEEN_COLUMN = "lastAt";

    private final int maxRows;
    private long evictions;
    private long rows;

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

    /** Rows in all rule tables together at the last check. */
    long rows() {
        return rows;
    }

    /** Checks the tables' rows; cuts back the biggest when together they are over the cap. On the engine thread, between events. */
    void enforce(TableManagementService tables) {
        record Sized(Table table, TableInstance instance, long rows) {
        }
        List<Sized> sized = new ArrayList<>();
        long[] total = {0};
        tables.traverseTables((deploymentId, table) -> {
            TableInstance instance = table.getTableInstance(-1);
            if (instance != null && instance.size() > 0) {
                sized.add(new Sized(table, instance, instance.size()));
                total[0] += instance.size();
            }
        });
        if (total[0] > maxRows) {
            long level = level(sized.stream().mapToLong(Sized::rows).toArray(), (long) (maxRows * LOW_WATER));
            for (Sized table : sized) {
                if (table.rows() > level) {
                    long dropped = cutBack(table.table(), table.instance(), table.rows(), level);
                    evictions += dropped;
                    total[0] -= dropped;
                }
            }
        }
        rows = total[0];
    }

    /**
     * The largest per-table row count {@code L} such that the tables, each cut to at most {@code L},
     * hold no more than {@code target} rows together.
     */
    static long level(long[] sizes, long target) {
        long[] sorted = sizes.clone();
        java.util.Arrays.sort(sorted);
        long below = 0; // rows in the tables smaller than the candidate level
        for (int i = 0; i < sorted.length; i++) {
            int above = sorted.length - i;
            // with every table from i on cut to sorted[i], would the total fit?
            if (below + sorted[i] * above > target) {
                return Math.max(0, (target - below) / above);
            }
            below += sorted[i];
        }
        return sorted.length == 0 ? target : sorted[sorted.length - 1];
    }

    private static long cutBack(Table table, TableInstance instance, long rows, long keep) {
        long drop = rows - keep;
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
        int dropped = (int) Math.min(drop, victims.size());
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
