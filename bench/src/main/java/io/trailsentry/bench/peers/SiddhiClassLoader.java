package io.trailsentry.bench.peers;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Gives Siddhi the ANTLR runtime it was generated with. Siddhi 5.1.21's parser carries an ANTLR 4.7
 * serialized ATN, which the 4.13 runtime Esper's compiler needs cannot read, and one class path
 * holds one version. This loader defines Siddhi's own classes (and the session that drives them)
 * itself, so their ANTLR references resolve to the 4.7 jar; everything else — the JDK, Guava, the
 * benchmark's {@link PeerEngine} and {@link AlertKey}, TrailSentry's event class — comes from the
 * parent, so the session talks to the benchmark in the parent's types.
 */
final class SiddhiClassLoader extends URLClassLoader {

    static {
        registerAsParallelCapable();
    }

    /** Classes defined here, from the parent's class files, rather than taken from the parent. */
    private static final String[] OWN = {"io.siddhi.", "org.atteo.classindex.", "io.trailsentry.bench.peers.siddhi."};
    private static final String ANTLR = "org.antlr.v4.runtime.";

    SiddhiClassLoader(Path antlrJar, ClassLoader parent) {
        super(new URL[] {url(antlrJar)}, parent);
    }

    private static URL url(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Siddhi's ANTLR runtime is not at " + jar.toAbsolutePath()
                    + "; build once with ./mvnw test-compile (it is copied to target/peers-lib/) or set -Dpeers.antlr-jar");
        }
        try {
            return jar.toUri().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException(jar.toString(), e);
        }
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!name.startsWith(ANTLR) && !isOwn(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c == null) {
                c = name.startsWith(ANTLR) ? findClass(name) : defineFromParentClassFile(name);
            }
            if (resolve) {
                resolveClass(c);
            }
            return c;
        }
    }

    private static boolean isOwn(String name) {
        for (String prefix : OWN) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private Class<?> defineFromParentClassFile(String name) throws ClassNotFoundException {
        URL classFile = getParent().getResource(name.replace('.', '/') + ".class");
        if (classFile == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] bytes;
        try (InputStream in = classFile.openStream()) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + classFile, e);
        }
        int dot = name.lastIndexOf('.');
        String pkg = dot < 0 ? "" : name.substring(0, dot);
        if (getDefinedPackage(pkg) == null) {
            try {
                definePackage(pkg, null, null, null, null, null, null, null);
            } catch (IllegalArgumentException definedConcurrently) {
                // another thread defined it first: fine
            }
        }
        return defineClass(name, bytes, 0, bytes.length);
    }
}
