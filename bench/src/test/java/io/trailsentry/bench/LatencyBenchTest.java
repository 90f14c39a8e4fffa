package io.trailsentry.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatencyBenchTest {

    @Test
    void heapTrendIgnoresWarmUpAndFindsGrowth() {
        List<double[]> flat = new ArrayList<>();
        List<double[]> growing = new ArrayList<>();
        for (int minute = 0; minute < 20; minute++) {
            // warm-up climbs to 300 MB in the first five minutes, then flat (± noise) or +2 MB/min
            double warm = Math.min(300, minute * 60);
            flat.add(new double[] {minute, warm + (minute % 2 == 0 ? 3 : -3)});
            growing.add(new double[] {minute, warm + (minute >= 5 ? 2 * (minute - 5) : 0)});
        }
        assertThat(LatencyBench.slopeMbPerMinute(flat)).isCloseTo(0, within(1.0));
        assertThat(LatencyBench.slopeMbPerMinute(growing)).isCloseTo(2, within(0.01));
        assertThat(LatencyBench.slopeMbPerMinute(List.of())).isZero();
    }

    @Test
    void aNeverSeenPrincipalsCallIsARecordTheReaderAcceptsWithItsOwnActor() throws Exception {
        List<io.trailsentry.ingest.CloudTrailEvent> events = new ArrayList<>();
        List<io.trailsentry.ingest.DeadLetter> dead = new ArrayList<>();
        String two = LatencyBench.neverSeenPrincipalCall(7, java.time.Instant.parse("2026-12-02T10:00:00Z")) + "\n"
                + LatencyBench.neverSeenPrincipalCall(8, java.time.Instant.parse("2026-12-02T10:00:01Z")) + "\n";
        new io.trailsentry.ingest.CloudTrailReader().read(two.getBytes(java.nio.charset.StandardCharsets.UTF_8), "test", events::add, dead::add);
        assertThat(dead).isEmpty();
        assertThat(events).extracting(io.trailsentry.ingest.CloudTrailEvent::getArn).containsExactly(
                "arn:aws:sts::111122223333:assumed-role/soak-workers/soak-7", "arn:aws:sts::111122223333:assumed-role/soak-workers/soak-8");
    }
}
