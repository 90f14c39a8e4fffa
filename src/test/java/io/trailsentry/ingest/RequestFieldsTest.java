package io.trailsentry.ingest;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The mapped request/response/additional-data properties: path semantics, laziness and the shared cache. */
class RequestFieldsTest {

    /** The fixture's request (compact, as the parser copies it) plus a key with dots and nested arrays. */
    private static final String REQUEST = "{\"userName\":\"bob\",\"tags\":[{\"key\":\"team\",\"value\":\"réd \\\"x\\\"\"}],"
            + "\"maxItems\":100,\"ratio\":1.10,\"enabled\":true,\"nothing\":null,\"empty\":\"\","
            + "\"a\":{\"b\":{\"c\":\"deep\"}},\"x-amz.meta\":\"dotted key\",\"m\":{\"k.1\":\"dotted inner\"},"
            + "\"ipPermissions\":{\"items\":[{\"fromPort\":22,\"ipRanges\":{\"items\":[{\"cidrIp\":\"0.0.0.0/0\"}]}}]}}";

    private static CloudTrailEvent event(String request) {
        return CloudTrailEvent.builder().eventTime(Instant.parse("2024-08-01T13:33:28Z")).eventName("AuthorizeSecurityGroupIngress")
                .requestParameters(request).responseElements("{\"ConsoleLogin\":\"Success\",\"_return\":true}")
                .additionalEventData("{\"MFAUsed\":\"No\",\"bytesTransferredIn\":249}").build();
    }

    static Stream<Arguments> paths() {
        return Stream.of(
                Arguments.of("userName", "bob"),
                Arguments.of("maxItems", "100"),
                Arguments.of("ratio", "1.10"),
                Arguments.of("enabled", "true"),
                Arguments.of("empty", ""),
                Arguments.of("nothing", null),
                Arguments.of("absent", null),
                Arguments.of("a.b.c", "deep"),
                Arguments.of("a.b", "{\"c\":\"deep\"}"),
                Arguments.of("a.b.c.d", null),
                Arguments.of("tags", "[{\"key\":\"team\",\"value\":\"réd \\\"x\\\"\"}]"),
                Arguments.of("tags.0.value", "réd \"x\""),
                Arguments.of("tags.1.value", null),
                Arguments.of("tags.first", null),
                Arguments.of("x-amz.meta", "dotted key"),
                Arguments.of("m.k.1", "dotted inner"),
                Arguments.of("ipPermissions.items.0.fromPort", "22"),
                Arguments.of("ipPermissions.items.0.ipRanges.items.0.cidrIp", "0.0.0.0/0"),
                Arguments.of("userName.x", null),
                Arguments.of("", null),
                Arguments.of(".", null),
                Arguments.of("a.", null),
                Arguments.of(null, null));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("paths")
    void aPathGivesTheScalarAsTextOrCompactJson(String path, String expected) {
        assertThat(event(REQUEST).getRequestParameter(path)).isEqualTo(expected);
    }

    @Test
    void responseAndAdditionalDataReadTheSameWay() {
        CloudTrailEvent e = event(REQUEST);
        assertThat(e.getResponseElement("ConsoleLogin")).isEqualTo("Success");
        assertThat(e.getResponseElement("_return")).isEqualTo("true");
        assertThat(e.getAdditionalEventDatum("MFAUsed")).isEqualTo("No");
        assertThat(e.getAdditionalEventDatum("bytesTransferredIn")).isEqualTo("249");
        assertThat(e.getAdditionalEventData()).isEqualTo("{\"MFAUsed\":\"No\",\"bytesTransferredIn\":249}");
    }

    @Test
    void absentOrJunkJsonReadsAsNullAndNeverThrows() {
        for (String junk : new String[] {null, "", "{not json", "[1,2", "\"just a string\"", "42", "null"}) {
            CloudTrailEvent e = event(junk);
            assertThat(e.getRequestParameter("userName")).as(junk).isNull();
            assertThat(e.getRequestParameter("0")).as(junk).isNull();
        }
        CloudTrailEvent array = event("[{\"id\":\"first\"}]");
        assertThat(array.getRequestParameter("0.id")).isEqualTo("first");
        CloudTrailEvent none = CloudTrailEvent.builder().eventTime(Instant.EPOCH).eventName("X").build();
        assertThat(none.getRequestParameter("a")).isNull();
        assertThat(none.getResponseElement("a")).isNull();
        assertThat(none.getAdditionalEventDatum("a")).isNull();
        assertThat(none.jsonParses()).isZero();
    }

    @Test
    void eachTextIsParsedOnceOnFirstUseAndTheContextCopySharesIt() {
        CloudTrailEvent base = event(REQUEST);
        assertThat(base.jsonParses()).as("nothing parsed before a rule asks").isZero();

        for (int rule = 0; rule < 10; rule++) {
            base.getRequestParameter("userName");
            base.getRequestParameter("a.b.c");
        }
        assertThat(base.jsonParses()).isEqualTo(1);

        CloudTrailEvent withContext = base.withContext(new EventContext("k", "n", false, new String[0], false, null,
                false, false, false, false));
        withContext.getRequestParameter("tags.0.key");
        assertThat(withContext.jsonParses()).as("the copy uses what the context stage parsed").isEqualTo(1);

        withContext.getResponseElement("ConsoleLogin");
        withContext.getAdditionalEventDatum("MFAUsed");
        withContext.getResponseElement("_return");
        assertThat(withContext.jsonParses()).isEqualTo(3);
        assertThat(base.jsonParses()).as("shared both ways").isEqualTo(3);
    }

    @Test
    void theParserKeepsAdditionalEventDataAsCompactJson() {
        String record = "{\"eventTime\":\"2024-08-01T13:33:28Z\",\"eventName\":\"ConsoleLogin\",\"eventSource\":\"signin.amazonaws.com\","
                + "\"additionalEventData\": {\"LoginTo\": \"https://console.aws.amazon.com/console/home\", \"MFAUsed\": \"No\","
                + " \"MobileVersion\": \"No\"},\"responseElements\": {\"ConsoleLogin\": \"Success\"}}\n"
                + "{\"eventTime\":\"2024-08-01T13:33:29Z\",\"eventName\":\"ListUsers\",\"additionalEventData\":null}";
        List<CloudTrailEvent> events = new ArrayList<>();
        CollectingDeadLetters dead = new CollectingDeadLetters();

        new CloudTrailReader().read(record.getBytes(StandardCharsets.UTF_8), "console.jsonl", events::add, dead);

        assertThat(dead.all()).isEmpty();
        assertThat(events).hasSize(2);
        CloudTrailEvent login = events.get(0);
        assertThat(login.getAdditionalEventData())
                .isEqualTo("{\"LoginTo\":\"https://console.aws.amazon.com/console/home\",\"MFAUsed\":\"No\",\"MobileVersion\":\"No\"}");
        assertThat(login.getAdditionalEventDatum("MFAUsed")).isEqualTo("No");
        assertThat(login.getResponseElement("ConsoleLogin")).isEqualTo("Success");
        assertThat(events.get(1).getAdditionalEventData()).isNull();
        assertThat(login.toBuilder().build()).isEqualTo(login);
        assertThat(login.toBuilder().additionalEventData(null).build()).isNotEqualTo(login);
        assertThat(IngestFixtures.full().getAdditionalEventData()).isNull();
    }
}
