package io.trailsentry.bench.peers;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.List;

/**
 * The two rules in SiddhiQL on Siddhi {@value #VERSION} (the apps and how they map the rules:
 * {@link io.trailsentry.bench.peers.siddhi.SiddhiSession}), run in its own class loader so it gets
 * the ANTLR runtime it needs ({@link SiddhiClassLoader}). The sequence rule comes in two variants,
 * so the peer is measured both written like the EPL and written for speed.
 */
final class SiddhiPeer implements PeerEngine {

    static final String VERSION = "5.1.21";
    private static final String SESSION_CLASS = "io.trailsentry.bench.peers.siddhi.SiddhiSession";

    /** How the sequence rule is written in SiddhiQL (the bins are the same in both). */
    enum Variant {
        /** The EPL's shape: privilege calls join a 15-minute window of discovery calls. */
        WINDOW_JOIN("window join", "privilege calls joined unidirectionally with a time(15 min) window of discovery calls, grouped by call"),
        /** Each actor's latest discovery time in a keyed table, expired by a 15-minute window. */
        INDEXED_TABLE("keyed table", "each actor's latest discovery time in a @PrimaryKey table (update or insert), "
                + "deleted when it leaves a time(15 min) window; privilege calls join the table");

        final String label;
        final String sequence;

        Variant(String label, String sequence) {
            this.label = label;
            this.sequence = sequence;
        }
    }

    private final ClassLoader loader;
    private final Variant variant;

    /** Both variants, sharing one class loader (Siddhi's classes load and warm up once). */
    static List<SiddhiPeer> both() {
        ClassLoader loader = new SiddhiClassLoader(
                Path.of(System.getProperty("peers.antlr-jar", "target/peers-lib/antlr4-runtime-4.7.2.jar")),
                SiddhiPeer.class.getClassLoader());
        return List.of(new SiddhiPeer(loader, Variant.WINDOW_JOIN), new SiddhiPeer(loader, Variant.INDEXED_TABLE));
    }

    private SiddhiPeer(ClassLoader loader, Variant variant) {
        this.loader = loader;
        this.variant = variant;
    }

    @Override
    public String name() {
        return "Siddhi " + VERSION + ", " + variant.label;
    }

    @Override
    public String description() {
        return "SiddhiQL in playback mode (event time): timeBatch(10 min, 0) grouped by principal + having; " + variant.sequence;
    }

    @Override
    public Session open() throws ReflectiveOperationException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Siddhi finds its built-in windows and functions through the context class loader's index.
        thread.setContextClassLoader(loader);
        try {
            return (Session) Class.forName(SESSION_CLASS, true, loader).getConstructor(String.class).newInstance(variant.name());
        } catch (InvocationTargetException e) {
            // Siddhi's own error (a query it rejects, a missing extension), not a reflection problem
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw e;
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
