package io.trailsentry.engine;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.compiler.client.util.EPCompiledIOUtil;
import io.trailsentry.config.ProductVersion;
import io.trailsentry.ingest.CloudTrailEvent;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

/**
 * Compiled rule modules kept on disk, so a command or a server start does not compile again what
 * it compiled before: compiling is most of a start. An entry's key covers everything the byte code
 * depends on — the module's text (after rule parameters), the modules compiled before it (each
 * module is compiled against them), the event class's properties, the sandbox's version and the
 * functions rules may call as registered (a budgeted function rethrows), the Esper configuration
 * they are compiled with, and the Esper and TrailSentry versions — so a change to any of them misses
 * the cache. A cached module still goes through the sandbox's byte-code check before it is used. A
 * cache that cannot be read or written is skipped, never an error.
 */
public final class CompiledRuleCache {

    private static final Logger LOG = Logger.getLogger(CompiledRuleCache.class);
    /** Entries kept; the least recently written go first. A rules folder is a few hundred modules. */
    static final int MAX_ENTRIES = 4096;
    /** No cache: compile every time. */
    public static final CompiledRuleCache NONE = new CompiledRuleCache(null);
    /**
     * Worked out on another thread from the moment the class is first used (a command reads the rules
     * folder meanwhile): serialising the configuration is some 40 ms of a 1.5 s start.
     */
    private static final CompletableFuture<String> FINGERPRINT = CompletableFuture.supplyAsync(
            () -> EsperEngine.sha256(String.join("|",
                    "esper-" + EPCompiledIOUtil.class.getPackage().getImplementationVersion(),
                    "trailsentry-" + ProductVersion.get(),
                    eventProperties(),
                    RuleSandbox.cacheFingerprint(),
                    configuration(EsperEngine.newConfiguration()))));

    private final Path dir;

    private CompiledRuleCache(Path dir) {
        this.dir = dir;
    }

    /** A cache in {@code dir} (created when first written), or {@link #NONE} for null. */
    public static CompiledRuleCache in(Path dir) {
        return dir == null ? NONE : new CompiledRuleCache(dir);
    }

    boolean enabled() {
        return dir != null;
    }

    /** The key of a module compiled after the module whose key is {@code previous} (empty for the first). */
    static String key(String previous, String relativePath, String text) {
        return EsperEngine.sha256(FINGERPRINT.join() + "\n" + previous + "\n" + relativePath + "\n" + text);
    }

    /** The module cached under {@code key}, or null. */
    EPCompiled get(String key) {
        if (dir == null) {
            return null;
        }
        Path file = dir.resolve(key + ".jar");
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return EPCompiledIOUtil.read(file.toFile());
        } catch (IOException | RuntimeException e) {
            LOG.debugf("compiled-rule cache entry %s unreadable (%s); compiling again", file, e.getMessage());
            return null;
        }
    }

    /**
     * Writes an entry aside and moves it in with one atomic rename, so a reader (another thread, or
     * another process sharing the folder, as a build's test JVMs do) sees a whole entry or none. Two
     * writers of one key each rename their own whole copy of the same module; the last one stays.
     */
    void put(String key, EPCompiled compiled) {
        if (dir == null) {
            return;
        }
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, key, ".tmp");
            EPCompiledIOUtil.write(compiled, tmp.toFile());
            Files.move(tmp, dir.resolve(key + ".jar"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            tmp = null;
            prune();
        } catch (IOException | RuntimeException e) {
            LOG.debugf("compiled-rule cache %s not written (%s)", dir, e.getMessage());
        } finally {
            deleteQuietly(tmp);
        }
    }

    /** A copy that was not moved in (a failed write, a rename refused while another process reads the entry) is not left behind. */
    private static void deleteQuietly(Path tmp) {
        if (tmp == null) {
            return;
        }
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException e) {
            LOG.debugf("compiled-rule cache: %s not deleted (%s)", tmp, e.getMessage());
        }
    }

    private void prune() throws IOException {
        List<Path> entries;
        try (Stream<Path> files = Files.list(dir)) {
            entries = files.filter(p -> p.getFileName().toString().endsWith(".jar")).toList();
        }
        if (entries.size() <= MAX_ENTRIES) {
            return;
        }
        List<Path> oldestFirst = entries.stream().sorted(Comparator.comparing(p -> p.toFile().lastModified())).toList();
        for (Path old : oldestFirst.subList(0, entries.size() - MAX_ENTRIES)) {
            Files.deleteIfExists(old);
        }
    }

    /**
     * The configuration rules are compiled with ({@link EsperEngine#newConfiguration()}), as Esper
     * itself copies it (Java serialisation): a changed compiler or runtime setting (filter planning,
     * execution order, an event type) changes the byte code, so it must miss the cache. The content is
     * all names and values, so the same configuration gives the same bytes from one start to the next.
     */
    static String configuration(com.espertech.esper.common.client.configuration.Configuration configuration) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(configuration);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("the Esper configuration did not serialise", e);
        }
        return "configuration-" + EsperEngine.sha256(new String(bytes.toByteArray(), java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    /** The event type's getters with their types: a module compiled against another event class must not be reused. */
    private static String eventProperties() {
        return String.join(",", Arrays.stream(CloudTrailEvent.class.getMethods())
                .map(m -> m.getName() + ":" + m.getReturnType().getName() + ":" + m.getParameterCount())
                .sorted().toList());
    }
}
