package io.trailsentry.bench;

import io.trailsentry.bench.peers.PeersBench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code bin/trailsentry bench …}: the benchmarks, run from their own source set (bench/src, Maven
 * profile {@code bench}), never from the production jar. {@code --peers} runs the peers comparison;
 * everything else is {@link BenchCommand} (throughput, latency, representations).
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String... args) {
        // Esper logs every runtime start at INFO; a benchmark's output should be its own figures.
        Logger.getLogger("com.espertech").setLevel(Level.WARNING);
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        if (rest.remove("--peers")) {
            PeersBench.main(rest.toArray(String[]::new));
            return;
        }
        int code = new BenchCommand(System.out, System.err).run(rest);
        System.out.flush();
        System.exit(code);
    }
}
