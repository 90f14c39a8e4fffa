package io.trailsentry.kafka;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.WithDefault;
import io.trailsentry.config.TrailSentryConfig;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default lookback assumes no rule keeps a window longer than
 * {@code trailsentry.kafka.longest-rule-window}; a rule with a longer window would come back from a
 * restart with part of its window missing. This reads every window length out of {@code epl/}
 * (literal or through a {@code create variable}) and holds the default to them.
 */
class LongestRuleWindowTest {

    private static final Pattern VIEW = Pattern.compile("#(time|time_batch|ext_timed|ext_timed_batch|time_accum|time_order|time_length_batch)\\s*\\(([^)]*)\\)");
    private static final Pattern LENGTH = Pattern.compile("(\\w+)\\s+(msec|milliseconds?|sec|seconds?|min|minutes?|hours?|days?)\\b");
    private static final Pattern VARIABLE = Pattern.compile("create\\s+variable\\s+\\w+\\s+(\\w+)\\s*=\\s*(\\d+)");

    @Test
    void noShippedRuleKeepsAWindowLongerThanTheDefaultLookbackAssumes() throws Exception {
        Duration assumed = DurationConverter.parseDuration(
                TrailSentryConfig.Kafka.class.getMethod("longestRuleWindow").getAnnotation(WithDefault.class).value());

        List<Duration> windows = windows(Path.of("epl"));

        assertThat(windows).as("windows found in epl/").hasSizeGreaterThanOrEqualTo(5);
        assertThat(windows).allSatisfy(window -> assertThat(window).isLessThanOrEqualTo(assumed));
        assertThat(windows).as("the default is the longest window, not more").contains(assumed);
    }

    static List<Duration> windows(Path rules) throws IOException {
        StringBuilder epl = new StringBuilder();
        try (Stream<Path> files = Files.walk(rules)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".epl")).sorted().toList()) {
                // comments out: they talk about windows ("the last hour") without keeping one
                epl.append(Files.readString(file).replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("--[^\\n]*", " ")).append('\n');
            }
        }
        Map<String, Long> variables = new HashMap<>();
        Matcher variable = VARIABLE.matcher(epl);
        while (variable.find()) {
            variables.put(variable.group(1), Long.parseLong(variable.group(2)));
        }
        List<Duration> windows = new ArrayList<>();
        Matcher view = VIEW.matcher(epl);
        while (view.find()) {
            Matcher length = LENGTH.matcher(view.group(2));
            while (length.find()) {
                String amount = length.group(1);
                long value = amount.chars().allMatch(Character::isDigit) ? Long.parseLong(amount) : variables.getOrDefault(amount, -1L);
                assertThat(value).as("window length %s in %s", amount, view.group()).isNotNegative();
                windows.add(duration(value, length.group(2)));
            }
        }
        return windows;
    }

    private static Duration duration(long value, String unit) {
        return switch (unit.replaceAll("s$", "")) {
            case "msec", "millisecond" -> Duration.ofMillis(value);
            case "sec", "second" -> Duration.ofSeconds(value);
            case "min", "minute" -> Duration.ofMinutes(value);
            case "hour" -> Duration.ofHours(value);
            case "day" -> Duration.ofDays(value);
            default -> throw new IllegalArgumentException("unit " + unit);
        };
    }
}
