package io.trailsentry.api;

import io.trailsentry.kafka.AppInstance;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The main job as a newcomer starts it — the packaged server with its embedded defaults, in an empty
 * folder — logs no warning and no error.
 */
class DefaultStartClusterIT {

    static final Path DIR = Path.of("target", "cluster-it", "default-start").toAbsolutePath();

    @Test
    void aDefaultStartLogsNoWarning() throws Exception {
        if (Files.exists(DIR)) {
            try (Stream<Path> files = Files.walk(DIR)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(DIR);
        // What bin/trailsentry passes: the checkout's rules folder. Everything else is the default.
        Map<String, String> properties = Map.of("trailsentry.rules.dir", Path.of("epl").toAbsolutePath().toString(),
                "quarkus.http.port", "0");
        try (AppInstance app = AppInstance.start("default", DIR, properties, DIR)) {
            app.awaitLog("Listening on:", 1, Duration.ofSeconds(120));
            assertThat(app.lines(" WARN ")).as("warnings at a default start").isEmpty();
            assertThat(app.lines(" ERROR ")).as("errors at a default start").isEmpty();
            assertThat(DIR.resolve("data").resolve("api-token")).as("the admin token written on first start").exists();
        }
    }
}
