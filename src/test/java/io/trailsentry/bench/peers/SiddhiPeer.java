package io.trailsentry.bench.peers;

import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;

/**
 * The two rules in SiddhiQL on Siddhi {@value #VERSION} (the app and how it maps the rules:
 * {@link io.trailsentry.bench.peers.siddhi.SiddhiSession}), run in its own class loader so it gets
 * the ANTLR runtime it needs ({@link SiddhiClassLoader}).
 */
final class SiddhiPeer implements PeerEngine {

    static final String VERSION = "5.1.21";
    private static final String SESSION_CLASS = "io.trailsentry.bench.peers.siddhi.SiddhiSession";

    private final ClassLoader loader;

    SiddhiPeer() {
        this(Path.of(System.getProperty("trailsentry.peers.antlr-jar", "target/peers-lib/antlr4-runtime-4.7.2.jar")));
    }

    SiddhiPeer(Path antlrJar) {
        this.loader = new SiddhiClassLoader(antlrJar, SiddhiPeer.class.getClassLoader());
    }

    @Override
    public String name() {
        return "Siddhi " + VERSION;
    }

    @Override
    public String description() {
        return "SiddhiQL in playback mode (event time): timeBatch(10 min, 0) grouped by principal + having; privilege "
                + "calls joined unidirectionally with a time(15 min) window of discovery calls, grouped by call";
    }

    @Override
    public Session open() throws ReflectiveOperationException {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        // Siddhi finds its built-in windows and functions through the context class loader's index.
        thread.setContextClassLoader(loader);
        try {
            return (Session) Class.forName(SESSION_CLASS, true, loader).getConstructor().newInstance();
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
