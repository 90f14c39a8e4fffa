package io.trailsentry.scoring;

import io.trailsentry.ingest.CloudTrailEvent;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class EvidenceEventTest {

    @Test
    void theRowShowsTheServiceACallCameThrough() {
        CloudTrailEvent console = CloudTrailEvent.builder().eventTime(Instant.parse("2024-08-01T10:00:00Z")).eventName("CreateAccessKey")
                .eventSource("iam.amazonaws.com").eventID("ev-1").sourceIPAddress("198.51.100.7").userAgent("AWS Internal")
                .userIdentityType("Root").invokedBy("signin.amazonaws.com").build();

        assertThat(EvidenceEvent.of(console)).isEqualTo(new EvidenceEvent("ev-1", console.getEventTime(), "CreateAccessKey",
                "iam.amazonaws.com", "198.51.100.7", "AWS Internal", null, "signin.amazonaws.com"));
        assertThat(EvidenceEvent.of(console.toBuilder().invokedBy(null).build()).invokedBy()).isNull();
    }
}
