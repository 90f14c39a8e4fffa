package io.trailsentry.incident;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server for one test class: {@code initdb} into {@code target/} (under root, a folder
 * of the system temporary directory), {@code pg_ctl start}
 * on a free loopback port with password authentication, {@code pg_ctl stop} afterwards. PostgreSQL
 * refuses to run as root, so under root it runs as the {@code postgres} system user (or
 * {@code nobody}) through {@code runuser}. Without PostgreSQL binaries on the machine it installs
 * Debian's {@code postgresql} package, as the browser test installs Chromium.
 */
final class ThrowawayPostgres implements AutoCloseable {

    static final String USER = "trailsentry";
    static final String PASSWORD = "throwaway-" + UUID.randomUUID();

    private final Path bin;
    private final Path home;
    private final Path data;
    private final String runAs;
    private final int port;

    private ThrowawayPostgres(Path bin, Path home, String runAs, int port) {
        this.bin = bin;
        this.home = home;
        this.data = home.resolve("data");
        this.runAs = runAs;
        this.port = port;
    }

    static ThrowawayPostgres start() throws IOException, InterruptedException {
        Path bin = binaries();
        String runAs = isRoot() ? systemUser() : null;
        // Under root the server runs as another user, who must be able to reach its folder. A checkout
        // may sit under a directory only root can enter (mktemp -d makes them 0700), so then the folder
        // goes under the system temporary directory, which everyone can traverse, instead of target/.
        Path home = runAs != null
                ? Files.createTempDirectory("trailsentry-postgres-")
                : Path.of("target", "postgres-" + UUID.randomUUID()).toAbsolutePath();
        Files.createDirectories(home);
        ThrowawayPostgres pg = new ThrowawayPostgres(bin, home, runAs, freePort());
        try {
            pg.initAndStart();
        } catch (IOException | RuntimeException e) {
            pg.close();
            throw e;
        }
        return pg;
    }

    private void initAndStart() throws IOException, InterruptedException {
        Path passwordFile = home.resolve("password");
        Files.writeString(passwordFile, PASSWORD + "\n");
        if (runAs != null) {
            run(List.of("chown", "-R", runAs, home.toString()), false);
        }
        run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "--pwfile=" + passwordFile,
                "--auth=scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"), true);
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", home.resolve("server.log").toString(),
                "-w", "-t", "60", "-o", "-p " + port + " -k " + home + " -c listen_addresses=127.0.0.1 -c fsync=off", "start"), true);
    }

    /** A new empty database, its JDBC URL. */
    String createDatabase() throws SQLException {
        String name = "t_" + UUID.randomUUID().toString().replace("-", "");
        try (Connection c = DriverManager.getConnection(url("postgres"), USER, PASSWORD); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return url(name);
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    @Override
    public void close() {
        try {
            if (Files.exists(data.resolve("postmaster.pid"))) {
                run(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-m", "immediate", "-w", "stop"), true);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("cannot stop the test PostgreSQL in " + data + ": " + e.getMessage(), e);
        } finally {
            deleteTree(home);
        }
    }

    /** Runs a command (as the PostgreSQL user when asked), failing with its output when it fails. */
    private void run(List<String> command, boolean asPostgresUser) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgresUser && runAs != null) {
            full.addAll(List.of("runuser", "-u", runAs, "--"));
        }
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + String.join(" ", full) + "\n" + output);
        }
        if (p.exitValue() != 0) {
            String log = Files.exists(home.resolve("server.log")) ? Files.readString(home.resolve("server.log")) : "";
            throw new IOException("failed (exit " + p.exitValue() + "): " + String.join(" ", full) + "\n" + output + log);
        }
    }

    /** initdb and pg_ctl: on the PATH's /usr/local/bin, in Debian's versioned folder, or installed now. */
    private static Path binaries() throws IOException, InterruptedException {
        Path found = findBinaries();
        if (found != null) {
            return found;
        }
        if (!isRoot()) {
            throw new IllegalStateException("PostgreSQL binaries (initdb, pg_ctl) not found and not root to install them: "
                    + "apt-get install postgresql");
        }
        for (List<String> step : List.of(List.of("apt-get", "update", "-q"), List.of("apt-get", "install", "-y", "-q", "postgresql"))) {
            Process p = new ProcessBuilder(step).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            p.getOutputStream().close();
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", step) + " failed; install PostgreSQL to run this test");
            }
        }
        found = findBinaries();
        if (found == null) {
            throw new IllegalStateException("postgresql installed, but initdb and pg_ctl are still not found");
        }
        return found;
    }

    private static Path findBinaries() throws IOException {
        List<Path> candidates = new ArrayList<>(List.of(Path.of("/usr/local/bin"), Path.of("/usr/bin")));
        Path debian = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                versions.sorted(Comparator.comparing((Path v) -> {
                    try {
                        return Integer.parseInt(v.getFileName().toString());
                    } catch (NumberFormatException e) {
                        return 0;
                    }
                }).reversed()).forEach(v -> candidates.add(v.resolve("bin")));
            }
        }
        return candidates.stream().filter(dir -> Files.isExecutable(dir.resolve("initdb")) && Files.isExecutable(dir.resolve("pg_ctl")))
                .findFirst().orElse(null);
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static String systemUser() throws IOException, InterruptedException {
        for (String user : List.of("postgres", "nobody")) {
            Process p = new ProcessBuilder("id", "-u", user).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return user;
            }
        }
        throw new IllegalStateException("running as root and neither the postgres nor the nobody user exists to run PostgreSQL");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // leftovers: under target/ they go with the next clean, under the temporary directory with its cleaning
        }
    }
}
