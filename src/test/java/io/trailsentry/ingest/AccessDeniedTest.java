package io.trailsentry.ingest;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class AccessDeniedTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "null", value = {
            "AccessDenied, true",
            "AccessDeniedException, true",
            "Client.UnauthorizedOperation, true",
            "UnauthorizedOperation, true",
            "Forbidden, true",
            "ForbiddenException, true",
            "null, false",
            "ThrottlingException, false",
            "Client.RequestLimitExceeded, false",
            "NoSuchEntity, false",
            "accessdenied, false", // AWS writes the codes in one case; the rules' like patterns never matched this either
    })
    void aCallRefusedForWantOfPermissionIsAccessDeniedAndNoOtherError(String errorCode, boolean denied) {
        CloudTrailEvent event = CloudTrailEvent.builder().eventTime(Instant.parse("2024-08-01T10:00:00Z"))
                .eventName("ListUsers").eventSource("iam.amazonaws.com").errorCode(errorCode).build();
        assertThat(event.isAccessDenied()).isEqualTo(denied);
    }
}
