package io.trailsentry.engine;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import com.espertech.esper.runtime.client.EPRuntime;
import io.trailsentry.ingest.CloudTrailEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A runtime handed back by a closed engine comes back to the next one as empty as a new one. */
class IdleRuntimesTest {

    private static final String MODULE = """
            create variable int threshold = 3;
            create window Reads#time(10 min) as CloudTrailEvent;
            insert into Reads select * from CloudTrailEvent(eventName = 'GetObject');
            create table ReadsByActor(actorKey string primary key, reads count(*));
            into table ReadsByActor select count(*) as reads from Reads group by actorKey;
            @name('count') select count(*) as n from Reads;
            """;

    @Test
    void aRuntimeGivenBackIsResetAndServesTheNextEngineWithNothingOfTheLastOne() throws Exception {
        EPCompiled compiled = EPCompilerProvider.getCompiler().compile(MODULE, new CompilerArguments(EsperEngine.newConfiguration()));
        EPRuntime first = IdleRuntimes.take();
        String uri = first.getURI();
        first.getEventService().advanceTime(Instant.parse("2026-12-02T10:00:00Z").toEpochMilli());
        first.getDeploymentService().deploy(compiled);
        for (int i = 0; i < 5; i++) {
            first.getEventService().sendEventBean(TestEvents.call("GetObject", Instant.parse("2026-12-02T10:00:00Z"), "AIDA" + i, "1.1.1.1").build(),
                    EsperEngine.EVENT_TYPE);
        }
        IdleRuntimes.giveBack(first);

        // Other tests may have left idle runtimes too: take them all and find this one.
        List<EPRuntime> taken = new ArrayList<>();
        EPRuntime again = null;
        for (int i = 0; i < IdleRuntimes.MAX_IDLE && again == null; i++) {
            EPRuntime next = IdleRuntimes.take();
            taken.add(next);
            if (next.getURI().equals(uri)) {
                again = next;
            }
        }
        try {
            assertThat(again).as("the runtime given back is reused").isNotNull();
            assertThat(again.isDestroyed()).isFalse();
            assertThat(again.getDeploymentService().getDeployments()).isEmpty();
            assertThat(again.getEventService().getCurrentTime()).isNotEqualTo(Instant.parse("2026-12-02T10:00:00Z").toEpochMilli());
            // The same module deploys again (no window, table or variable is left over) and starts empty.
            again.getEventService().advanceTime(0);
            String id = again.getDeploymentService().deploy(compiled).getDeploymentId();
            CloudTrailEvent read = TestEvents.call("GetObject", Instant.ofEpochMilli(0), "AIDA", "1.1.1.1").build();
            again.getEventService().sendEventBean(read, EsperEngine.EVENT_TYPE);
            assertThat(again.getDeploymentService().getStatement(id, "count").iterator().next().get("n")).isEqualTo(1L);
        } finally {
            taken.forEach(IdleRuntimes::giveBack);
        }
    }

    @Test
    void engineAfterEngineGetsAnEmptyRuntime() throws Exception {
        for (int round = 0; round < 3; round++) {
            List<RuleHit> hits = new ArrayList<>();
            try (EsperEngine engine = new EsperEngine(hits::add)) {
                assertThat(engine.deployedFiles()).isEmpty();
                assertThat(engine.currentTime()).isZero();
            }
        }
        assertThat(IdleRuntimes.idle()).isPositive();
    }

    @Test
    void aClosedEngineCannotReachTheRuntimeItGaveBack() {
        EsperEngine engine = new EsperEngine(hit -> { });
        engine.close();
        engine.close(); // twice is fine
        CloudTrailEvent event = TestEvents.call("GetObject", Instant.parse("2026-12-02T10:00:00Z"), "AIDA", "1.1.1.1").build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.send(event)).isInstanceOf(NullPointerException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engine.advanceTo(1L)).isInstanceOf(NullPointerException.class);
    }
}
