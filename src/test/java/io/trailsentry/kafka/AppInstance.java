package io.trailsentry.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged server ({@code target/quarkus-app/quarkus-run.jar}) as a child process: several
 * instances at once, killed like a crash (SIGKILL) and started again. Its output goes to
 * {@code <dir>/<name>.log}.
 */
public final class AppInstance implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private AppInstance(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * @param dir        the instance's working files (alerts, dead letters, baselines) and its log
     * @param properties {@code -D} overrides on top of the app's defaults
     */
    public static AppInstance start(String name, Path dir, Map<String, String> properties) throws IOException {
        return start(name, dir, properties, null);
    }

    /**
     * As {@link #start(String, Path, Map)}, with {@code workingDir} as the process's working folder
     * (so the defaults' relative {@code data/…} paths land there), or null for this JVM's.
     */
    public static AppInstance start(String name, Path dir, Map<String, String> properties, Path workingDir) throws IOException {
        String jar = Path.of(System.getProperty("trailsentry.app.jar", "target/quarkus-app/quarkus-run.jar")).toAbsolutePath().toString();
        if (!Files.exists(Path.of(jar))) {
            throw new IllegalStateException(jar + " is missing: the cluster tests run after 'package' (./mvnw verify)");
        }
        Files.createDirectories(dir);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // a small, quick-starting JVM: the inputs are small and several instances share two cores
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.addAll(List.of("-jar", jar, "serve"));
        Path log = dir.toAbsolutePath().resolve(name + ".log");
        ProcessBuilder builder = new ProcessBuilder(command);
        if (workingDir != null) {
            builder.directory(workingDir.toFile());
        }
        Process process = builder
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new AppInstance(name, process, log);
    }

    /** A crash: SIGKILL, no shutdown hooks, nothing flushed or committed on the way out. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException(name + " did not die within 30 s of SIGKILL");
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Waits until the log has {@code times} lines containing {@code text}; fails early if the process dies. */
    public void awaitLog(String text, int times, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count(text) < times) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before logging '" + text + "'; see " + log);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not log '" + text + "' " + times + " time(s) within " + timeout + "; see " + log);
            }
            Thread.sleep(100);
        }
    }

    public long count(String text) {
        return lines(text).size();
    }

    /** The log lines containing {@code text}. */
    public List<String> lines(String text) {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8).stream().filter(line -> line.contains(text)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A graceful stop (SIGTERM), as an orchestrator scaling down does. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
