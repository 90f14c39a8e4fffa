package io.trailsentry.server;

import io.quarkus.scheduler.Scheduled;
import io.trailsentry.config.TrailSentryConfig;
import io.trailsentry.engine.sigma.SigmaCompiler;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * Watches the rules folder and reloads when any {@code .epl} file, Sigma {@code .yml}/{@code .yaml} rule
 * (rule tests, {@code *.tests.yaml}, aside) or data file ({@code stages.yaml}, {@code scoring.yaml},
 * {@code allowlist.yaml}: YAML files, which the Sigma check also lists) is edited,
 * added, deleted or renamed (an editor's save-by-rename included). Polls a fingerprint of paths and
 * contents every second rather than using WatchService: it sees the same on every file system
 * (mounted volumes, network shares) and never fires on a touch that changed nothing.
 */
@ApplicationScoped
public class RuleWatcher {

    private static final Logger LOG = Logger.getLogger(RuleWatcher.class);

    private final TrailSentryConfig config;
    private final EngineService engine;
    private String fingerprint;

    RuleWatcher(TrailSentryConfig config, EngineService engine) {
        this.config = config;
        this.engine = engine;
    }

    @Scheduled(every = "${trailsentry.rules.watch-interval}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    public synchronized void poll() {
        if (!config.rules().watch() || engine.pipeline() == null) {
            return;
        }
        String current;
        try {
            current = fingerprint(config.rules().dir());
        } catch (IOException e) {
            LOG.warnf("cannot read rules folder %s: %s", config.rules().dir(), e.getMessage());
            return;
        }
        if (fingerprint == null) {
            fingerprint = current; // the rules deployed at start are this version
            return;
        }
        if (!current.equals(fingerprint)) {
            fingerprint = current;
            engine.pipeline().reloadRules();
        }
    }

    static String fingerprint(Path dir) throws IOException {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> p.toString().endsWith(".epl") || p.getFileName().toString().equals("stages.yaml")
                            || SigmaCompiler.isCandidate(p))
                    .sorted().toList();
        }
        for (Path file : files) {
            digest.update(dir.relativize(file).toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update((byte) 0);
            try {
                digest.update(Files.readAllBytes(file));
            } catch (IOException vanished) {
                // deleted between listing and reading: the next poll sees the folder as it settled
            }
            digest.update((byte) 0);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
