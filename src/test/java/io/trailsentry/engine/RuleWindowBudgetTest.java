package io.trailsentry.engine;

import com.espertech.esper.common.client.EventBean;
import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.common.internal.epl.namedwindow.core.NamedWindowManagementService;
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
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rule windows together past their cap lose the events that matter least, from the biggest windows:
 * those of the actors with the fewest events, oldest first. The windows' indexes and the counts kept
 * from their remove stream follow, and a window under the level keeps everything.
 */
class RuleWindowBudgetTest {

    private static final String RULES = """
            create window Reads#time(10 min) as CloudTrailEvent;
            insert into Reads select * from CloudTrailEvent(eventName = 'GetObject');
            create table ReadsByActor(actorKey string primary key, reads count(*));
            into table ReadsByActor select count(*) as reads from Reads group by actorKey;
            create window Rare#time(10 min) as CloudTrailEvent;
            insert into Rare select * from CloudTrailEvent(eventName = 'PutBucketPolicy');
            @name('reads') select (select count(*) from Reads w where w.actorKey = e.actorKey) as inWindow,
                                  ReadsByActor[e.actorKey].reads as counted
            from CloudTrailEvent(eventName = 'GetObject') as e;
            """;

    @Test
    void theEventsOfTheActorsWithTheFewestGoFirstAndTheCountsFollow() throws Exception {
        EPRuntime runtime = deployed();
        try {
            Instant t = Instant.parse("2026-11-02T09:00:00Z");
            // 30 one-read sessions, a reader with 12 reads among them, 4 rare calls
            for (int i = 0; i < 30; i++) {
                send(runtime, "session-" + i, "GetObject", t.plusSeconds(i));
                if (i % 2 == 0 && i < 24) {
                    send(runtime, "reader", "GetObject", t.plusSeconds(i).plusMillis(500));
                }
            }
            for (int i = 0; i < 4; i++) {
                send(runtime, "admin", "PutBucketPolicy", t.plusSeconds(40 + i));
            }
            RuleWindowBudget budget = new RuleWindowBudget(30);
            budget.enforce(windows(runtime));
            ((com.espertech.esper.runtime.internal.kernel.service.EPEventServiceImpl) runtime.getEventService()).processThreadWorkQueue();

            // 46 events over a cap of 30: cut to 27 together; the small window keeps its 4, Reads keeps 23:
            // the reader's 12 and the 11 most recent sessions.
            assertThat(actors(runtime, "Rare")).hasSize(4);
            List<String> reads = actors(runtime, "Reads");
            assertThat(reads).hasSize(23);
            assertThat(reads.stream().filter("reader"::equals)).hasSize(12);
            assertThat(reads).contains("session-19", "session-29").doesNotContain("session-0", "session-18");
            assertThat(budget.evictions()).isEqualTo(19);
            assertThat(budget.events()).isEqualTo(27);

            // The count fed by the remove stream and the subquery's index both saw the evictions (a
            // statement sees the window as it was before the event enters it).
            List<Object[]> seen = new ArrayList<>();
            runtime.getDeploymentService().getStatement(runtime.getDeploymentService().getDeployments()[0], "reads")
                    .addListener((news, olds, st, rt) -> seen.add(new Object[] {news[0].get("inWindow"), news[0].get("counted")}));
            send(runtime, "session-0", "GetObject", t.plusSeconds(60));
            send(runtime, "reader", "GetObject", t.plusSeconds(61));
            send(runtime, "session-29", "GetObject", t.plusSeconds(62));
            assertThat(seen.get(0)).as("evicted").containsExactly(0L, 0L);
            assertThat(seen.get(1)).as("kept").containsExactly(12L, 12L);
            assertThat(seen.get(2)).as("kept").containsExactly(1L, 1L);
            // ...and time expiry still works on what is left.
            advance(runtime, t.plusSeconds(63).plusSeconds(600));
            assertThat(actors(runtime, "Reads")).isEmpty();
        } finally {
            runtime.destroy();
        }
    }

    @Test
    void windowsUnderTheCapAreLeftAlone() throws Exception {
        EPRuntime runtime = deployed();
        try {
            Instant t = Instant.parse("2026-11-02T09:00:00Z");
            for (int i = 0; i < 30; i++) {
                send(runtime, "session-" + i, "GetObject", t.plusSeconds(i));
            }
            RuleWindowBudget budget = new RuleWindowBudget(30);
            assertThat(budget.enforce(windows(runtime))).isFalse();
            assertThat(budget.events()).isEqualTo(30);
            assertThat(budget.evictions()).isZero();
            advance(runtime, t.plusSeconds(30).plusSeconds(600));
            assertThat(actors(runtime, "Reads")).isEmpty();
        } finally {
            runtime.destroy();
        }
    }

    @Test
    void aCapBelowTenIsRefused() {
        assertThatThrownBy(() -> new RuleWindowBudget(5)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A runtime on event time with {@link #RULES} deployed. */
    private static EPRuntime deployed() throws Exception {
        Configuration configuration = EsperEngine.newConfiguration();
        EPRuntime runtime = EPRuntimeProvider.getRuntime("window-budget-" + UUID.randomUUID(), configuration);
        runtime.getEventService().advanceTime(0); // event time, as the engine runs it
        runtime.getDeploymentService().deploy(EPCompilerProvider.getCompiler().compile(RULES, new CompilerArguments(configuration)));
        return runtime;
    }

    private static void send(EPRuntime runtime, String principal, String eventName, Instant time) {
        advance(runtime, time);
        CloudTrailEvent event = TestEvents.call(eventName, time, principal, "203.0.113.1").eventID(principal + "-" + time.toEpochMilli())
                .actorKey(principal).build();
        runtime.getEventService().sendEventBean(event, EsperEngine.EVENT_TYPE);
    }

    private static void advance(EPRuntime runtime, Instant time) {
        if (runtime.getEventService().getCurrentTime() < time.toEpochMilli()) {
            runtime.getEventService().advanceTime(time.toEpochMilli());
        }
    }

    private static NamedWindowManagementService windows(EPRuntime runtime) {
        return ((EPRuntimeSPI) runtime).getServicesContext().getNamedWindowManagementService();
    }

    private static List<String> actors(EPRuntime runtime, String window) {
        List<String> actors = new ArrayList<>();
        Consumer<EventBean> add = e -> actors.add(((CloudTrailEvent) e.getUnderlying()).getActorKey());
        windows(runtime).traverseNamedWindows((deployment, w) -> {
            if (w.getName().equals(window)) {
                w.getNamedWindowInstanceNoContext().getRootViewInstance().getDataWindowContents().forEach(add);
            }
        });
        return actors;
    }
}
