package io.trailsentry.docker;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.trailsentry.config.ApiAuthConfig;
import io.trailsentry.config.TrailSentryConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No Docker engine runs here, so the image is kept right by construction: this reads
 * {@code docker/Dockerfile} and checks what a deployment relies on.
 */
class DockerfileTest {

    private static List<String> instructions;
    private static Map<String, String> env;

    @BeforeAll
    static void read() throws Exception {
        String text = Files.readString(Path.of("docker", "Dockerfile")).replace("\\\n", " ");
        instructions = new ArrayList<>();
        for (String line : text.split("\n")) {
            String trimmed = line.trim();
            if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                instructions.add(trimmed.replaceAll("\\s+", " "));
            }
        }
        env = new LinkedHashMap<>();
        Matcher m = Pattern.compile("(\\w+)=(\\S+)").matcher(String.join(" ", all("ENV")));
        while (m.find()) {
            env.put(m.group(1), m.group(2));
        }
    }

    @Test
    void usesTheFastJarLayoutAndStartsTheServer() {
        assertThat(all("COPY")).anyMatch(c -> c.contains("target/quarkus-app/lib/"))
                .anyMatch(c -> c.contains("target/quarkus-app/app/"))
                .anyMatch(c -> c.contains("target/quarkus-app/quarkus/"))
                .anyMatch(c -> c.contains("target/quarkus-app/*.jar"));
        assertThat(last("ENTRYPOINT")).contains("/app/quarkus-run.jar").contains("\"serve\"");
    }

    @Test
    void runsAsANonRootUser() {
        String user = last("USER");
        assertThat(user).isNotBlank().isNotEqualTo("root").isNotEqualTo("0");
        assertThat(instructions.indexOf("USER " + user)).isLessThan(indexOf("ENTRYPOINT"));
    }

    @Test
    void rulesAreAVolumeTheServerReadsFrom() {
        assertThat(last("VOLUME")).contains("\"/app/epl\"").contains("\"/app/data\"");
        assertThat(env).containsEntry("TRAILSENTRY_RULES_DIR", "/app/epl");
        assertThat(env.entrySet()).filteredOn(e -> e.getKey().startsWith("TRAILSENTRY_") && !e.getKey().equals("TRAILSENTRY_RULES_DIR"))
                .allSatisfy(e -> assertThat(e.getValue()).as(e.getKey()).startsWith("/app/data/"));
    }

    @Test
    void everyEnvironmentVariableIsARealSetting() {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withConverter(java.time.Duration.class, 200, new io.quarkus.runtime.configuration.DurationConverter())
                .withSources(new EnvConfigSource(env, 300))
                .withMapping(TrailSentryConfig.class)
                .withMapping(ApiAuthConfig.class)
                .build();
        TrailSentryConfig ts = config.getConfigMapping(TrailSentryConfig.class);
        ApiAuthConfig auth = config.getConfigMapping(ApiAuthConfig.class);
        Map<String, Object> seen = Map.of(
                "TRAILSENTRY_RULES_DIR", ts.rules().dir(),
                "TRAILSENTRY_ALERTS_FILE", ts.alerts().file(),
                "TRAILSENTRY_DEAD_LETTER_FILE", ts.deadLetter().file(),
                "TRAILSENTRY_INBOX_DIR", ts.inbox().dir(),
                "TRAILSENTRY_CONTEXT_BASELINE_FILE", ts.context().baselineFile(),
                "TRAILSENTRY_API_AUTH_TOKEN_FILE", auth.tokenFile());
        assertThat(env.keySet()).as("variables this test knows how to check").containsExactlyInAnyOrderElementsOf(seen.keySet());
        seen.forEach((name, value) -> assertThat(value.toString()).as(name).isEqualTo(env.get(name)));
    }

    @Test
    void exposesTheServerPortAndChecksReadiness() throws Exception {
        Properties properties = new Properties();
        try (var in = Files.newInputStream(Path.of("src", "main", "resources", "application.properties"))) {
            properties.load(in);
        }
        String port = properties.getProperty("quarkus.http.port");
        assertThat(last("EXPOSE")).isEqualTo("EXPOSE " + port);
        assertThat(last("HEALTHCHECK")).contains("/dev/tcp/127.0.0.1/" + port).contains("/q/health/ready").contains(" 200 ");
    }

    private static List<String> all(String keyword) {
        return instructions.stream().filter(i -> i.startsWith(keyword + " ")).toList();
    }

    private static String last(String keyword) {
        List<String> found = all(keyword);
        assertThat(found).as(keyword + " instruction").isNotEmpty();
        String instruction = found.get(found.size() - 1);
        return keyword.equals("USER") ? instruction.substring(5).trim() : instruction;
    }

    private static int indexOf(String keyword) {
        for (int i = 0; i < instructions.size(); i++) {
            if (instructions.get(i).startsWith(keyword + " ")) {
                return i;
            }
        }
        return -1;
    }
}
