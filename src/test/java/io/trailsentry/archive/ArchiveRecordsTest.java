package io.trailsentry.archive;

import io.trailsentry.ingest.CloudTrailEvent;
import io.trailsentry.ingest.CloudTrailReader;
import io.trailsentry.sample.SampleGenerator;
import io.trailsentry.sample.SampleSpec;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The archive keeps every field the parser reads: an event written as an archive line and read
 * back is equal to the one read from the original, getter by getter, for every shape the ingest
 * fixtures have and a generated hour of traffic.
 */
class ArchiveRecordsTest {

    @Test
    void everyFieldTheParserReadsSurvivesTheRoundTrip() throws Exception {
        List<CloudTrailEvent> original = new ArrayList<>();
        CloudTrailReader reader = new CloudTrailReader();
        reader.read(Path.of("src/test/resources/ingest"), original::add, d -> {
            throw new AssertionError("fixture rejected: " + d);
        });
        SampleGenerator generator = new SampleGenerator(SampleSpec.bundled());
        for (byte[] record : generator.recordBytes()) {
            reader.read(record, "sample", original::add, d -> {
                throw new AssertionError("sample rejected: " + d);
            });
        }
        assertThat(original).hasSizeGreaterThan(1000);

        ArchiveRecords records = new ArchiveRecords();
        ByteArrayOutputStream lines = new ByteArrayOutputStream();
        for (CloudTrailEvent e : original) {
            lines.write(records.line(e));
        }
        List<CloudTrailEvent> back = new ArrayList<>();
        reader.read(lines.toByteArray(), "archive", back::add, d -> {
            throw new AssertionError("archive line rejected: " + d);
        });

        assertThat(back).hasSameSizeAs(original);
        List<Method> getters = rawFieldGetters();
        assertThat(getters).hasSizeGreaterThanOrEqualTo(24);
        for (int i = 0; i < original.size(); i++) {
            for (Method getter : getters) {
                Object expected = getter.invoke(original.get(i));
                Object actual = getter.invoke(back.get(i));
                assertThat(Objects.equals(expected, actual)).as("%s of record %d (%s): %s vs %s", getter.getName(), i,
                        original.get(i).getEventID(), expected, actual).isTrue();
            }
            assertThat(back.get(i)).isEqualTo(original.get(i));
        }
        assertThat(new String(records.line(original.get(0)), StandardCharsets.UTF_8)).endsWith("}\n").doesNotContain("\n{");
    }

    /** Every getter of what the parser fills (not the context stage's fields, which a replay computes again). */
    static List<Method> rawFieldGetters() {
        List<String> context = List.of("getActorKey", "getActorName", "isServiceCall", "getStages", "isUnknownIp", "isOffHours",
                "isNonAdmin", "isAllowlisted", "getCreatedBy", "isExternalIp", "isAwsIp", "isEc2IpInRegion", "getContexts", "getClass",
                "getEventIdHash");
        return Arrays.stream(CloudTrailEvent.class.getMethods())
                .filter(m -> m.getParameterCount() == 0 && (m.getName().startsWith("get") || m.getName().startsWith("is")))
                .filter(m -> !context.contains(m.getName()) && !m.getName().startsWith("isIn"))
                .filter(m -> !java.lang.reflect.Modifier.isStatic(m.getModifiers()))
                .toList();
    }
}
