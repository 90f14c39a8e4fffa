package io.trailsentry.sample;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SampleGeneratorTest {

    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    private static final List<String> REQUIRED = List.of("eventVersion", "userIdentity", "eventTime", "eventSource",
            "eventName", "awsRegion", "sourceIPAddress", "userAgent", "requestParameters", "responseElements",
            "requestID", "eventID", "readOnly", "eventType", "managementEvent", "recipientAccountId", "eventCategory");

    /** Busy enough to reach the background cap: few principals, a high rate, nights and a business day. */
    private static final SampleSpec BUSY = new SampleSpec(7, Instant.parse("2026-01-21T06:00:00Z"),
            Duration.ofHours(4), 6, 3.0, List.of());

    @Test
    void sameSeedGivesIdenticalBytes(@TempDir Path dir) throws IOException {
        SampleGenerator generator = new SampleGenerator(SampleSpec.bundled());
        generator.writeJsonLines(dir.resolve("a.jsonl.gz"), true);
        new SampleGenerator(SampleSpec.bundled()).writeJsonLines(dir.resolve("b.jsonl.gz"), true);
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.jsonl.gz")), Files.readAllBytes(dir.resolve("b.jsonl.gz")));
        assertEquals(Records.text(SampleSpec.bundled()), Records.text(SampleSpec.bundled()));
    }

    @Test
    void differentSeedGivesDifferentRecords() {
        List<String> a = Records.text(SampleSpec.bundled());
        List<String> b = Records.text(SampleSpec.bundled().withSeed(SampleSpec.DEFAULT_SEED + 1));
        assertNotEquals(a, b);
        Set<String> shared = new HashSet<>(a);
        shared.retainAll(b);
        assertTrue(shared.isEmpty(), "records shared between seeds: " + shared.size());
    }

    @Test
    void everyRecordIsCloudTrailShaped() {
        Set<String> eventIds = new HashSet<>();
        for (JsonNode r : Records.of(SampleSpec.bundled())) {
            for (String field : REQUIRED) assertTrue(r.has(field), field + " missing in " + r);
            Records.time(r);
            assertTrue(UUID.matcher(r.get("eventID").asText()).matches(), r.get("eventID").asText());
            assertTrue(eventIds.add(r.get("eventID").asText()), "duplicate eventID " + r.get("eventID"));
            assertEquals(SampleOrg.ACCOUNT_ID, r.get("recipientAccountId").asText());
            JsonNode id = r.get("userIdentity");
            switch (id.get("type").asText()) {
                case "IAMUser" -> assertTrue(id.has("userName") && id.get("accessKeyId").asText().startsWith("AKIA"));
                case "AssumedRole" -> {
                    JsonNode issuer = id.at("/sessionContext/sessionIssuer");
                    assertEquals("Role", issuer.get("type").asText());
                    assertTrue(id.get("arn").asText().contains(":assumed-role/" + issuer.get("userName").asText() + "/"));
                    assertTrue(id.at("/sessionContext/attributes/creationDate").isTextual());
                }
                case "AWSService" -> assertTrue(id.get("invokedBy").asText().endsWith(".amazonaws.com"));
                default -> throw new AssertionError("unexpected identity " + id);
            }
            if (r.has("errorCode")) {
                assertTrue(r.get("errorMessage").asText().contains("not authorized"), r.toString());
                assertTrue(r.get("responseElements").isNull());
            }
            int size = r.toString().length();
            // Service-to-service records are the small ones (~650 chars); console sessions the large ones.
            assertTrue(size > 500 && size < 2600, "record of " + size + " chars: " + r);
        }
    }

    @Test
    void backgroundMixesPrincipalKindsAndSources() {
        List<JsonNode> records = Records.of(SampleSpec.bundled().withScenarios(List.of()));
        Set<String> types = new HashSet<>();
        Set<String> ips = new HashSet<>();
        for (JsonNode r : records) {
            types.add(r.at("/userIdentity/type").asText());
            ips.add(r.get("sourceIPAddress").asText());
        }
        assertEquals(Set.of("IAMUser", "AssumedRole", "AWSService"), types);
        assertTrue(ips.containsAll(SampleOrg.CORPORATE_IPS), ips.toString());
        assertTrue(ips.contains("AWS Internal") && ips.contains("ec2.amazonaws.com"), ips.toString());
        assertTrue(records.stream().anyMatch(r -> Records.arn(r) != null && Records.arn(r).endsWith("/alice@example.org")));
        assertTrue(ips.stream().noneMatch(ip -> ip.startsWith("203.0.113.")), "attacker range used by background");
    }

    @Test
    void backgroundStaysUnderTheSentinelThresholdInEveryWindow() {
        for (long seed : new long[]{1, 2, 3}) {
            Map<String, List<Long>> perPrincipal = new HashMap<>();
            for (JsonNode r : Records.of(BUSY.withSeed(seed))) {
                if (Records.isSentinelEnumeration(r)) {
                    perPrincipal.computeIfAbsent(Records.principal(r), k -> new ArrayList<>())
                            .add(Records.time(r).getEpochSecond());
                }
            }
            assertFalse(perPrincipal.isEmpty(), "the busy spec should make some enumeration calls");
            perPrincipal.forEach((principal, times) -> {
                times.sort(null);
                Map<Long, Integer> bins = new HashMap<>();
                for (long t : times) bins.merge(Math.floorDiv(t, 600), 1, Integer::sum);
                bins.values().forEach(n -> assertTrue(n <= SampleOrg.SENTINEL_THRESHOLD, principal + " has " + n));
                // Stronger: no sliding 10-minute window either, so a sliding rule finds nothing here.
                for (int i = 0, j = 0; j < times.size(); j++) {
                    while (times.get(j) - times.get(i) >= 600) i++;
                    assertTrue(j - i + 1 <= Background.ENUMERATION_CAP, principal + " has " + (j - i + 1) + " in 10 min");
                }
            });
        }
    }

    @Test
    void scenariosDoNotDisturbTheBackground() {
        Set<String> withScenarios = new HashSet<>(Records.text(SampleSpec.bundled()));
        List<String> background = Records.text(SampleSpec.bundled().withScenarios(List.of()));
        assertTrue(withScenarios.containsAll(background));
        assertEquals(SampleSpec.bundled().backgroundEvents(), background.size());
    }

    @Test
    void deliveryIsOutOfOrderByLessThanAMinute() {
        long latest = 0;
        long worst = 0;
        for (JsonNode r : Records.of(BUSY)) {
            long t = Records.time(r).toEpochMilli();
            if (latest > 0) worst = Math.max(worst, latest - t);
            latest = Math.max(latest, t);
        }
        assertTrue(worst > 0, "expected some out-of-order delivery");
        assertTrue(worst < SampleGenerator.MAX_DELIVERY_DELAY_MILLIS, "out of order by " + worst + " ms");
    }

    @Test
    void sizedSpecYieldsExactlyTheRequestedBackground() {
        SampleSpec spec = SampleSpec.sizedFor(5, Instant.parse("2026-01-23T16:00:00Z"), 20_000, 2.0, 30, List.of());
        assertEquals(20_000, spec.backgroundEvents());
        assertEquals(20_000, Records.text(spec).size());
        assertTrue(spec.end().isAfter(Instant.parse("2026-01-24T00:00:00Z")), "should run into the quiet night");
    }

    @Test
    void s3DeliveryFilesFollowTheCloudTrailLayout(@TempDir Path root) throws IOException {
        SampleGenerator generator = new SampleGenerator(SampleSpec.bundled());
        WriteSummary summary = generator.writeS3DeliveryFiles(root);
        Pattern name = Pattern.compile("AWSLogs/123456789012/CloudTrail/([a-z0-9-]+)/2026/01/2[01]/"
                + "123456789012_CloudTrail_\\1_2026012[01]T\\d{2}[0-5][05]Z_[A-Z2-7]{16}\\.json\\.gz");
        List<Path> files;
        try (var walk = Files.walk(root)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        assertEquals(summary.files(), files.size());
        long records = 0;
        for (Path f : files) {
            String relative = root.relativize(f).toString().replace('\\', '/');
            assertTrue(name.matcher(relative).matches(), relative);
            try (var in = new java.util.zip.GZIPInputStream(Files.newInputStream(f))) {
                JsonNode doc = Records.MAPPER.readTree(in);
                assertTrue(doc.get("Records").isArray() && doc.get("Records").size() > 0, relative);
                for (JsonNode r : doc.get("Records")) {
                    assertTrue(relative.contains("/CloudTrail/" + r.get("awsRegion").asText() + "/"), relative);
                }
                records += doc.get("Records").size();
            }
        }
        assertEquals(Records.text(SampleSpec.bundled()).size(), records);
        assertEquals(summary.records(), records);
    }
}
