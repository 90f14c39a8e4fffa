package io.trailsentry.ingest;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A record with a repeated key anywhere — in the fields read, in the request copied as text, in a
 * part skipped unread — is a dead letter (readers disagree on which value counts); the records beside
 * it are read. The same key in different objects is no repeat.
 */
class DuplicateKeyTest {

    private static final String HEAD = "{\"eventVersion\":\"1.08\",\"eventTime\":\"2024-08-01T13:33:00Z\",\"eventSource\":\"iam.amazonaws.com\",";

    private static String record(String id, String rest) {
        return HEAD + "\"eventID\":\"" + id + "\"," + rest + "}";
    }

    private static final String IDENTITY = "\"userIdentity\":{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::111122223333:user/u\"}";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            // a field the engine reads
            "\"eventName\":\"GetCallerIdentity\",\"eventName\":\"DeleteTrail\"," + IDENTITY,
            // inside the identity, two levels down
            "\"eventName\":\"ListUsers\",\"userIdentity\":{\"type\":\"AssumedRole\",\"sessionContext\":{\"sessionIssuer\":"
                    + "{\"arn\":\"arn:aws:iam::1:role/a\",\"arn\":\"arn:aws:iam::1:role/b\"}}}",
            // in the request, copied as text for the rules
            "\"eventName\":\"PutBucketPolicy\"," + IDENTITY + ",\"requestParameters\":{\"bucketName\":\"a\",\"policy\":{\"Effect\":\"Deny\",\"Effect\":\"Allow\"}}",
            // in an object inside an array of the request
            "\"eventName\":\"AuthorizeSecurityGroupIngress\"," + IDENTITY
                    + ",\"requestParameters\":{\"ipPermissions\":{\"items\":[{\"fromPort\":22},{\"toPort\":22,\"toPort\":23}]}}",
            // in a part nothing reads (skipped)
            "\"eventName\":\"ListUsers\"," + IDENTITY + ",\"tlsDetails\":{\"tlsVersion\":\"TLSv1.2\",\"tlsVersion\":\"TLSv1.3\"}",
            // the repeat is the last of many keys (past the keys compared one by one)
            "\"eventName\":\"ListUsers\"," + IDENTITY + ",\"requestParameters\":{MANY,\"k3\":0}",
    })
    void aRecordWithARepeatedKeyAnywhereIsRefusedAndTheOthersAreRead(String fields) {
        String many = IntStream.range(0, 100).mapToObj(i -> "\"k" + i + "\":" + i).collect(Collectors.joining(","));
        String broken = record("broken", fields.replace("MANY", many));
        String good1 = record("good-1", "\"eventName\":\"ListUsers\"," + IDENTITY);
        String good2 = record("good-2", "\"eventName\":\"ListRoles\"," + IDENTITY);
        for (String input : List.of(good1 + "\n" + broken + "\n" + good2 + "\n", "{\"Records\":[" + good1 + "," + broken + "," + good2 + "]}")) {
            for (boolean stream : new boolean[] {false, true}) {
                List<String> ids = new ArrayList<>();
                CollectingDeadLetters dead = new CollectingDeadLetters();
                byte[] bytes = input.getBytes(StandardCharsets.UTF_8);
                ReadSummary summary = stream
                        ? new CloudTrailReader().read(new ByteArrayInputStream(bytes), "file.json", e -> ids.add(e.getEventID()), dead)
                        : new CloudTrailReader().read(bytes, "body", e -> ids.add(e.getEventID()), dead);
                assertThat(ids).containsExactly("good-1", "good-2");
                assertThat(summary.rejected()).isEqualTo(1);
                assertThat(dead.only().reason()).contains("duplicate key");
            }
        }
    }

    @Test
    void theSameKeyInDifferentObjectsAndManyDistinctKeysAreNoRepeat() {
        String many = IntStream.range(0, 300).mapToObj(i -> "\"k" + i + "\":{\"k" + i + "\":" + i + "}").collect(Collectors.joining(","));
        String text = record("a", "\"eventName\":\"ListUsers\"," + IDENTITY
                + ",\"requestParameters\":{\"type\":{\"type\":{\"type\":1}},\"items\":[{\"type\":1},{\"type\":2}]," + many + "}"
                + ",\"responseElements\":{\"type\":\"x\"}") + "\n"
                + record("b", "\"eventName\":\"ListUsers\"," + IDENTITY);
        List<CloudTrailEvent> events = new ArrayList<>();
        CollectingDeadLetters dead = new CollectingDeadLetters();
        ReadSummary summary = new CloudTrailReader().read(text.getBytes(StandardCharsets.UTF_8), "body", events::add, dead);
        assertThat(summary.rejected()).isZero();
        assertThat(events).extracting(CloudTrailEvent::getEventID).containsExactly("a", "b");
        assertThat(events.get(0).getRequestParameter("k299.k299")).isEqualTo("299");
        assertThat(events.get(0).getRequestParameter("items.1.type")).isEqualTo("2");
    }
}
