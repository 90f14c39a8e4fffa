package io.trailsentry.engine;

import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.common.internal.epl.table.core.TableManagementService;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import com.espertech.esper.runtime.internal.kernel.service.EPRuntimeSPI;
import io.trailsentry.ingest.CloudTrailEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule tables together past their cap lose the rows that matter least, from the biggest tables: the
 * least recently seen ({@code lastAt}) or, in a counting table, the lowest counts; the rest keep
 * working, indexes included.
 */
class RuleTableBudgetTest {

    private static final String TABLES = """
            create table Seen(actorKey string primary key, lastAt long, lastCall CloudTrailEvent);
            create index SeenByActor on Seen(actorKey);
            on CloudTrailEvent as e merge Seen s where s.actorKey = e.principalId
              when matched then update set lastAt = e.eventTimeMillis, lastCall = e
              when not matched then insert select e.principalId as actorKey, e.eventTimeMillis as lastAt, e as lastCall;
            create table Calls(actorKey string primary key, calls count(*));
            into table Calls select count(*) as calls from CloudTrailEvent as e group by e.principalId;
            @name('seen') select (select count(*) from Seen s where s.actorKey = e.principalId) as seen,
                                 Calls[e.principalId].calls as calls from CloudTrailEvent as e;
            """;

    @Test
    void theLeastRecentlySeenRowsAndTheLowestCountsGoFirst() throws Exception {
        Configuration configuration = EsperEngine.newConfiguration();
        EPRuntime runtime = EPRuntimeProvider.getRuntime("table-budget-" + UUID.randomUUID(), configuration);
        try {
            runtime.getDeploymentService().deploy(EPCompilerProvider.getCompiler().compile(TABLES, new CompilerArguments(configuration)));
            Instant t = Instant.parse("2026-11-02T09:00:00Z");
            // 40 actors: actor i calls once at minute i; actor 0 calls 30 more times, last of all
            for (int i = 0; i < 40; i++) {
                send(runtime, "actor-" + i, t.plusSeconds(60L * i));
            }
            for (int k = 0; k < 30; k++) {
                send(runtime, "actor-0", t.plusSeconds(3600 + k));
            }
            RuleTableBudget budget = new RuleTableBudget(20);
            budget.enforce(tables(runtime));

            // Together cut back to 90 % of the cap: 9 rows each
            assertThat(rows(runtime, "Seen")).as("the most recently seen").containsExactlyInAnyOrder("actor-0",
                    "actor-32", "actor-33", "actor-34", "actor-35", "actor-36", "actor-37", "actor-38", "actor-39");
            assertThat(rows(runtime, "Calls")).as("the highest count and eight of the ties").hasSize(9).contains("actor-0");
            assertThat(budget.evictions()).isEqualTo(2 * 31);
            assertThat(budget.rows()).isEqualTo(18);

            // The index still finds what is left, and an evicted actor is remembered again.
            List<Object[]> seen = new ArrayList<>();
            runtime.getDeploymentService().getStatement(runtime.getDeploymentService().getDeployments()[0], "seen")
                    .addListener((news, olds, st, rt) -> seen.add(new Object[] {news[0].get("seen"), news[0].get("calls")}));
            send(runtime, "actor-0", t.plusSeconds(7200));
            send(runtime, "actor-1", t.plusSeconds(7201));
            assertThat(seen.get(0)).containsExactly(1L, 32L);
            assertThat(seen.get(1)[0]).isEqualTo(1L);
        } finally {
            runtime.destroy();
        }
    }

    @Test
    void theBiggestTablesAreCutToOneLevelAndTheSmallOnesKeepEveryRow() {
        assertThat(RuleTableBudget.level(new long[] {5, 1000, 100}, 300)).isEqualTo(195);
        assertThat(RuleTableBudget.level(new long[] {400, 400, 400}, 300)).isEqualTo(100);
        assertThat(RuleTableBudget.level(new long[] {10, 20}, 300)).isEqualTo(20);
    }

    @Test
    void aCapBelowTenIsRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new RuleTableBudget(5)).isInstanceOf(IllegalArgumentException.class);
    }

    private static void send(EPRuntime runtime, String principal, Instant time) {
        long at = time.toEpochMilli();
        if (runtime.getEventService().getCurrentTime() < at) {
            runtime.getEventService().advanceTime(at);
        }
        CloudTrailEvent event = TestEvents.call("ListUsers", time, principal, "203.0.113.1").eventID(principal + "-" + at).build();
        runtime.getEventService().sendEventBean(event, EsperEngine.EVENT_TYPE);
    }

    private static TableManagementService tables(EPRuntime runtime) {
        return ((EPRuntimeSPI) runtime).getServicesContext().getTableManagementService();
    }

    private static List<String> rows(EPRuntime runtime, String table) {
        List<String> keys = new ArrayList<>();
        tables(runtime).traverseTables((deployment, t) -> {
            if (t.getMetaData().getTableName().equals(table)) {
                t.getTableInstance(-1).getIterableTableScan().forEach(row -> keys.add(String.valueOf(
                        t.getEventToPublic().convertToUnd(row, new com.espertech.esper.common.client.EventBean[] {row}, true, null)[0])));
            }
        });
        return keys;
    }
}
