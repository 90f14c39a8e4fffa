package io.trailsentry.context;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AwsIpRangesTest {

    /** The shape of AWS's ip-ranges.json (entries in its form; EC2 ranges are also listed under AMAZON). */
    static final String RANGES = """
            {"syncToken": "1722470400", "createDate": "2024-08-01-00-00-00",
             "prefixes": [
               {"ip_prefix": "3.5.140.0/22", "region": "ap-northeast-2", "service": "AMAZON", "network_border_group": "ap-northeast-2"},
               {"ip_prefix": "18.236.0.0/15", "region": "us-west-2", "service": "AMAZON", "network_border_group": "us-west-2"},
               {"ip_prefix": "18.236.0.0/15", "region": "us-west-2", "service": "EC2", "network_border_group": "us-west-2"},
               {"ip_prefix": "54.239.0.0/24", "region": "GLOBAL", "service": "CLOUDFRONT", "network_border_group": "GLOBAL"},
               {"ip_prefix": "52.95.245.0/24", "region": "us-east-1", "service": "EC2", "network_border_group": "us-east-1"}
             ],
             "ipv6_prefixes": [
               {"ipv6_prefix": "2600:1f14::/35", "region": "us-west-2", "service": "EC2", "network_border_group": "us-west-2"},
               {"ipv6_prefix": "2a05:d07a:a000::/40", "region": "eu-south-1", "service": "S3", "network_border_group": "eu-south-1"}
             ]}
            """;

    static AwsIpRanges ranges() {
        return AwsIpRanges.parse(RANGES.getBytes(StandardCharsets.UTF_8), "test");
    }

    @Test
    void findsTheRegionsAndServicesOfAnAddress() {
        AwsIpRanges r = ranges();
        assertThat(r.prefixCount()).isEqualTo(7);
        assertThat(r.syncToken()).isEqualTo("1722470400");
        assertThat(r.regionsOf("18.236.253.47", AwsIpRanges.EC2)).containsExactly("us-west-2");
        assertThat(r.regionsOf("18.237.255.255", AwsIpRanges.EC2)).containsExactly("us-west-2");
        assertThat(r.regionsOf("18.238.0.1", AwsIpRanges.EC2)).isEmpty();
        assertThat(r.regionsOf("52.95.245.7", AwsIpRanges.EC2)).containsExactly("us-east-1");
        assertThat(r.regionsOf("3.5.140.9", AwsIpRanges.EC2)).isEmpty();
        assertThat(r.contains("3.5.140.9")).isTrue();
        assertThat(r.contains("54.239.0.200")).isTrue();
        assertThat(r.regionsOf("2600:1f14:1234::5", AwsIpRanges.EC2)).containsExactly("us-west-2");
        assertThat(r.regionsOf("2600:1f14:2000::5", AwsIpRanges.EC2)).isEmpty();
        assertThat(r.contains("2a05:d07a:a0ff::1")).isTrue();
        for (String notAws : new String[] {"198.51.100.7", "10.0.0.1", "AWS Internal", "ec2.amazonaws.com", "", null, "::1"}) {
            assertThat(r.contains(notAws)).as(notAws).isFalse();
            assertThat(r.regionsOf(notAws, AwsIpRanges.EC2)).as(notAws).isEmpty();
        }
    }

    @Test
    void theOfflineSubsetHoldsTheTestDataInstanceAddressOnly() {
        AwsIpRanges offline = AwsIpRanges.offline();
        assertThat(offline.regionsOf("18.236.253.47", AwsIpRanges.EC2)).containsExactly("us-west-2");
        assertThat(offline.contains("52.95.245.7")).isFalse();
        assertThat(offline.syncToken()).isNotBlank();
        assertThat(offline.createDate()).isNotBlank();
    }

    @Test
    void aFileNotInTheFormatIsRefusedWithWhatToDo() {
        assertThatThrownBy(() -> AwsIpRanges.parse("{\"regions\":[]}".getBytes(StandardCharsets.UTF_8), "x.json"))
                .hasMessageContaining("x.json").hasMessageContaining("ip-ranges.amazonaws.com");
        assertThatThrownBy(() -> AwsIpRanges.parse("{\"prefixes\":[".getBytes(StandardCharsets.UTF_8), "x.json"))
                .hasMessageContaining("x.json is not JSON");
        assertThatThrownBy(() -> AwsIpRanges.parse("{\"prefixes\":[{\"ip_prefix\":\"18.236.0.0/33\"}]}".getBytes(StandardCharsets.UTF_8), "x.json"))
                .hasMessageContaining("18.236.0.0/33");
        assertThatThrownBy(() -> AwsIpRangesFile.open(Path.of("no/such/ip-ranges.json")))
                .hasMessageContaining("trailsentry.context.aws-ip-ranges-file").hasMessageContaining("curl -o");
    }

    @Test
    void aChangedFileIsReReadAtTheNextCheckAndABrokenOneKeepsTheOldRanges(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("ip-ranges.json");
        Files.writeString(file, RANGES);
        AtomicLong clock = new AtomicLong();
        AwsIpRangesFile ranges = AwsIpRangesFile.open(file, Duration.ofMinutes(1), clock::get);
        AwsIpRanges first = ranges.current();
        assertThat(first.contains("198.51.100.7")).isFalse();

        String added = RANGES.replace("\"prefixes\": [", "\"prefixes\": [\n {\"ip_prefix\": \"198.51.100.0/24\", \"region\": \"eu-west-1\", \"service\": \"EC2\"},");
        Files.writeString(file, added);
        clock.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(ranges.current()).as("not time to check yet").isSameAs(first);

        clock.addAndGet(Duration.ofSeconds(30).toNanos());
        AwsIpRanges second = ranges.current();
        assertThat(second.regionsOf("198.51.100.7", AwsIpRanges.EC2)).containsExactly("eu-west-1");
        clock.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(ranges.current()).as("unchanged file, not re-read").isSameAs(second);

        Files.writeString(file, "{\"prefixes\": [ {\"ip_pre"); // a download caught half-way
        clock.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(ranges.current()).isSameAs(second);
        assertThat(ranges.lastError()).contains(file.toString()).contains("keeping the ranges read before");

        Files.writeString(file, RANGES);
        clock.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(ranges.current().contains("198.51.100.7")).isFalse();
        assertThat(ranges.lastError()).isNull();
    }
}
