package io.trailsentry.kafka;

import io.smallrye.reactive.messaging.annotations.ConnectorAttribute;
import io.smallrye.reactive.messaging.kafka.KafkaConnector;
import io.smallrye.config.ConfigMapping;
import io.trailsentry.config.TrailSentryConfig;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker/docker-compose.yml} and {@code docker/feed-sample.sh} cannot run here (no Docker
 * engine), so they are kept right by construction and by this: every setting the compose file gives
 * the app is a property the app reads (Quarkus's environment-variable naming:
 * {@code KAFKA_BOOTSTRAP_SERVERS} is {@code kafka.bootstrap.servers}), the topics it creates are the
 * channels' topics, and the feed script, run against a stand-in {@code docker}, sends each record
 * keyed by its account to the input topic.
 */
class KafkaComposeFileTest {

    static final Path COMPOSE = Path.of("docker/docker-compose.yml");
    static final Path FEED = Path.of("docker/feed-sample.sh");
    static final Path APPLICATION_PROPERTIES = Path.of("src/main/resources/application.properties");
    static final Map<String, String> CHANNEL_DIRECTIONS = Map.of(
            KafkaChannels.CLOUDTRAIL, "incoming", KafkaChannels.ALERTS, "outgoing", KafkaChannels.DEAD_LETTER, "outgoing");

    final Map<String, Object> compose = load();
    final Properties properties = applicationProperties();

    @Test
    void everySettingTheComposeFileGivesTheAppIsAPropertyTheAppReads() {
        Map<String, String> environment = environment("trailsentry");
        assertThat(environment).containsEntry("TRAILSENTRY_KAFKA_ENABLED", "true").containsKey("KAFKA_BOOTSTRAP_SERVERS");
        KnownProperties known = new KnownProperties(properties);
        for (String variable : environment.keySet()) {
            assertThat(known.propertyOf(variable)).as("%s names no property the app reads", variable).isPresent();
        }
    }

    @Test
    void theCheckKnowsTheAppsPropertiesAndNothingElse() {
        KnownProperties known = new KnownProperties(properties);
        assertThat(known.propertyOf("TRAILSENTRY_ENGINE_ALLOWED_LATENESS")).contains("trailsentry.engine.allowed-lateness");
        assertThat(known.propertyOf("TRAILSENTRY_KAFKA_LOOKBACK")).contains("trailsentry.kafka.lookback");
        assertThat(known.propertyOf("TRAILSENTRY_RULES_PARAMETERS_IAM_ENUM_COMPAT_THRESHOLD")).contains("trailsentry.rules.parameters");
        assertThat(known.propertyOf("MP_MESSAGING_INCOMING_CLOUDTRAIL_SESSION_TIMEOUT_MS")).contains("mp.messaging.incoming.cloudtrail.session.timeout.ms");
        assertThat(known.propertyOf("KAFKA_BOOTSTRAP_SERVERS")).contains("kafka.bootstrap.servers");
        assertThat(known.propertyOf("TRAILSENTRY_ENGINE_ALLOWED_LATENCY")).isEmpty();
        assertThat(known.propertyOf("TRAILSENTRY_ENGINE")).isEmpty();
        assertThat(known.propertyOf("MP_MESSAGING_OUTGOING_CLOUDTRAIL_TOPIC")).as("cloudtrail is an incoming channel").isEmpty();
        assertThat(known.propertyOf("MP_MESSAGING_INCOMING_CLOUDTRAIL_TOPICS_TYPO")).isEmpty();
        assertThat(known.propertyOf("KAFKA_BOOTSTRAP_SERVER")).isEmpty();
    }

    @Test
    void theTopicsCreatedAreTheChannelsTopicsAndTheFeedWritesToTheInput() throws IOException {
        Map<String, Integer> created = new LinkedHashMap<>();
        for (String topic : environment("topics").get("TOPICS").trim().split("\\s+")) {
            String[] nameAndPartitions = topic.split(":");
            created.put(nameAndPartitions[0], Integer.parseInt(nameAndPartitions[1]));
        }
        String input = channelTopic("incoming", KafkaChannels.CLOUDTRAIL);
        assertThat(created.keySet()).containsExactlyInAnyOrder(input, channelTopic("outgoing", KafkaChannels.ALERTS),
                channelTopic("outgoing", KafkaChannels.DEAD_LETTER));
        assertThat(created.get(input)).as("partitions to share between instances").isGreaterThan(1);

        Matcher feedTopic = Pattern.compile("TOPIC=\"\\$\\{TOPIC:-([^}]+)}\"").matcher(Files.readString(FEED));
        assertThat(feedTopic.find()).as("the feed script's default topic").isTrue();
        assertThat(feedTopic.group(1)).isEqualTo(input);
    }

    @Test
    void theAppReachesTheBrokerThroughAnAdvertisedListenerOfTheClientsVersion() {
        Map<String, Object> kafka = service("kafka");
        assertThat(kafka.get("image")).isEqualTo("apache/kafka:" + AppInfoParser.getVersion());
        assertThat(advertised()).contains(environment("trailsentry").get("KAFKA_BOOTSTRAP_SERVERS"));

        assertThat(dependency("trailsentry", "topics")).isEqualTo("service_completed_successfully");
        assertThat(dependency("topics", "kafka")).isEqualTo("service_healthy");
    }

    @Test
    void theFeedScriptSendsEveryRecordKeyedByItsAccountThroughTheKafkaContainer(@TempDir Path fake) throws Exception {
        Path args = fake.resolve("args");
        Path stdin = fake.resolve("stdin");
        Path docker = fake.resolve("docker");
        Files.writeString(docker, """
                #!/usr/bin/env bash
                printf '%s\\n' "$@" > "$FAKE_DOCKER_ARGS"
                cat > "$FAKE_DOCKER_STDIN"
                """);
        assertThat(docker.toFile().setExecutable(true)).isTrue();
        ProcessBuilder feed = new ProcessBuilder("bash", FEED.toString()).redirectErrorStream(true);
        feed.environment().put("PATH", fake + ":" + System.getenv("PATH"));
        feed.environment().put("FAKE_DOCKER_ARGS", args.toString());
        feed.environment().put("FAKE_DOCKER_STDIN", stdin.toString());
        Process process = feed.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();

        List<String> command = Files.readAllLines(args);
        assertThat(command.subList(0, 3)).containsExactly("compose", "-f", COMPOSE.toAbsolutePath().normalize().toString());
        assertThat(command).containsSequence("exec", "-T", "kafka", "/opt/kafka/bin/kafka-console-producer.sh")
                .containsSequence("--topic", channelTopic("incoming", KafkaChannels.CLOUDTRAIL))
                .containsSequence("--property", "parse.key=true");
        String bootstrap = command.get(command.indexOf("--bootstrap-server") + 1);
        assertThat(advertised()).as("the producer runs inside the kafka container").contains(bootstrap);

        List<String> sample = Files.readAllLines(SampleFeed.SAMPLE);
        List<String> sent = Files.readAllLines(stdin);
        assertThat(sent).hasSameSizeAs(sample);
        for (int i = 0; i < sample.size(); i++) {
            assertThat(sent.get(i)).isEqualTo(SampleFeed.SAMPLE_ACCOUNT + "\t" + sample.get(i));
        }
        assertThat(output).contains("fed 1304 record(s)");
    }

    /** A channel's topic as the compose file sets it, else as application.properties does. */
    String channelTopic(String direction, String channel) {
        String property = "mp.messaging." + direction + "." + channel + ".topic";
        String variable = KnownProperties.env(property);
        return environment("trailsentry").getOrDefault(variable, properties.getProperty(property, channel));
    }

    /** host:port of every advertised listener of the broker. */
    List<String> advertised() {
        List<String> hostPorts = new ArrayList<>();
        for (String listener : environment("kafka").get("KAFKA_ADVERTISED_LISTENERS").split(",")) {
            hostPorts.add(listener.substring(listener.indexOf("://") + 3));
        }
        return hostPorts;
    }

    @SuppressWarnings("unchecked")
    Object dependency(String service, String on) {
        Map<String, Object> dependsOn = (Map<String, Object>) service(service).get("depends_on");
        return ((Map<String, Object>) dependsOn.get(on)).get("condition");
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> service(String name) {
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        assertThat(services).containsKey(name);
        return (Map<String, Object>) services.get(name);
    }

    /** A service's environment, in either compose form (map or KEY=value list). */
    @SuppressWarnings("unchecked")
    Map<String, String> environment(String name) {
        Object environment = service(name).get("environment");
        Map<String, String> variables = new LinkedHashMap<>();
        if (environment instanceof Map<?, ?> map) {
            map.forEach((key, value) -> variables.put(key.toString(), String.valueOf(value)));
        } else if (environment instanceof List<?> list) {
            for (Object entry : list) {
                String[] keyValue = entry.toString().split("=", 2);
                variables.put(keyValue[0], keyValue.length > 1 ? keyValue[1] : "");
            }
        }
        return variables;
    }

    static Map<String, Object> load() {
        try (InputStream in = Files.newInputStream(COMPOSE)) {
            return new Yaml().load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + COMPOSE, e);
        }
    }

    static Properties applicationProperties() {
        try {
            Properties properties = new Properties();
            properties.load(new StringReader(Files.readString(APPLICATION_PROPERTIES)));
            return properties;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + APPLICATION_PROPERTIES, e);
        }
    }

    /**
     * Every property name the app reads, so an environment variable can be resolved to one the way
     * Quarkus does: upper case, every character but letters and digits as {@code _}.
     */
    static final class KnownProperties {

        private final Set<String> exact = new HashSet<>();
        /** Map-valued settings ({@code trailsentry.rules.parameters.<name>}): any key below them. */
        private final Set<String> prefixes = new HashSet<>();

        KnownProperties(Properties applicationProperties) {
            applicationProperties.stringPropertyNames().forEach(name -> exact.add(name.replaceFirst("^%[^.]+\\.", "")));
            mapping(TrailSentryConfig.class);
            Set<String> clientConfigs = new HashSet<>(ConsumerConfig.configNames());
            clientConfigs.addAll(ProducerConfig.configNames());
            clientConfigs.addAll(AdminClientConfig.configNames());
            clientConfigs.forEach(name -> exact.add("kafka." + name));
            Map<String, Set<String>> attributes = new HashMap<>(Map.of("incoming", new HashSet<>(clientConfigs), "outgoing", new HashSet<>(clientConfigs)));
            for (ConnectorAttribute attribute : KafkaConnector.class.getAnnotationsByType(ConnectorAttribute.class)) {
                switch (attribute.direction()) {
                    case INCOMING -> attributes.get("incoming").add(attribute.name());
                    case OUTGOING -> attributes.get("outgoing").add(attribute.name());
                    case INCOMING_AND_OUTGOING -> attributes.values().forEach(names -> names.add(attribute.name()));
                }
            }
            List.of("connector", "enabled").forEach(name -> attributes.values().forEach(names -> names.add(name)));
            CHANNEL_DIRECTIONS.forEach((channel, direction) -> attributes.get(direction)
                    .forEach(name -> exact.add("mp.messaging." + direction + "." + channel + "." + name)));
        }

        Optional<String> propertyOf(String variable) {
            Optional<String> named = exact.stream().filter(p -> env(p).equals(variable)).findFirst();
            return named.isPresent() ? named : prefixes.stream().filter(p -> variable.startsWith(env(p) + "_")).findFirst();
        }

        static String env(String property) {
            return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        }

        private void mapping(Class<?> root) {
            walk(root.getAnnotation(ConfigMapping.class).prefix(), root, root);
        }

        private void walk(String prefix, Class<?> type, Class<?> root) {
            for (Method method : type.getMethods()) {
                if (method.getParameterCount() > 0 || method.isDefault() || java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
                    continue;
                }
                String name = prefix + "." + kebab(method.getName());
                Class<?> returned = method.getReturnType();
                if (Map.class.isAssignableFrom(returned)) {
                    prefixes.add(name);
                } else if (returned.isInterface() && returned.getName().startsWith(root.getName() + "$")) {
                    walk(name, returned, root); // a group of the mapping, e.g. TrailSentryConfig.Engine
                } else {
                    exact.add(name);
                }
            }
        }

        private static String kebab(String camel) {
            return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
        }
    }
}
