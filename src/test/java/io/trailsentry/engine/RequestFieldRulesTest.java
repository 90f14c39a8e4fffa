package io.trailsentry.engine;

import io.trailsentry.ingest.CloudTrailEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rules read request fields through the event's mapped properties ({@code requestParameter('a.b')},
 * {@code responseElement(…)}, {@code additionalEventDatum(…)}), compiled through the rule sandbox and
 * run by the real engine; the event's JSON is parsed once however many rules read it.
 */
class RequestFieldRulesTest {

    private static final Instant T = Instant.parse("2024-08-01T10:00:00Z");

    private static String rule(String name, String select) {
        return "@Name('" + name + "')\n"
                + "@Description('test rule " + name + "')\n"
                + "@Tag(name='id', value='" + name + "')\n"
                + "@Tag(name='name', value='" + name + "')\n"
                + "@Tag(name='severity', value='Low')\n"
                + "@Tag(name='stage', value='persistence')\n"
                + "@Tag(name='mitre', value='TA0003:T1098')\n"
                + "@Tag(name='version', value='1.0.0')\n"
                + select + ";\n\n";
    }

    private static final String RULES = rule("nested_field_in_filter",
            "select * from CloudTrailEvent(eventName = 'X', requestParameter('a.b') = 'v')")
            + rule("top_level_field_in_where",
            "select * from CloudTrailEvent(eventName = 'X') where requestParameter('userName') = 'backdoor'")
            + rule("array_element_and_response",
            "select e as trigger, e.requestParameter('items.1.id') as secondId, e.responseElement('ConsoleLogin') as login,"
                    + " e.additionalEventDatum('MFAUsed') as mfa from CloudTrailEvent(eventName = 'X' and requestParameter('items.0.id') = 'first') as e");

    private static CloudTrailEvent event(String id, String request) {
        return CloudTrailEvent.builder().eventTime(T).eventName("X").eventID(id).eventSource("iam.amazonaws.com")
                .userIdentityType("IAMUser").principalId("AIDAEXAMPLE").arn("arn:aws:iam::111122223333:user/mallory")
                .requestParameters(request).responseElements("{\"ConsoleLogin\":\"Success\"}")
                .additionalEventData("{\"MFAUsed\":\"No\"}").build();
    }

    private static List<RuleHit> run(Path dir, List<CloudTrailEvent> events) throws Exception {
        Files.writeString(dir.resolve("request_fields.epl"), RULES);
        CompiledRules rules = EsperEngine.compile(dir); // sandbox layers 2 and 3 run here
        List<RuleHit> hits = new ArrayList<>();
        try (EsperEngine engine = new EsperEngine(hits::add)) {
            engine.deploy(rules, Map.of());
            events.forEach(engine::send);
        }
        return hits;
    }

    private static List<String> ruleIds(List<RuleHit> hits) {
        return hits.stream().map(h -> h.rule().id()).sorted().toList();
    }

    @Test
    void aMappedRequestFieldFiltersLikeAnyOtherProperty(@TempDir Path dir) throws Exception {
        CloudTrailEvent match = event("match", "{\"a\":{\"b\":\"v\"},\"userName\":\"backdoor\",\"items\":[{\"id\":\"first\"},{\"id\":\"second\"}]}");
        CloudTrailEvent otherValue = event("other", "{\"a\":{\"b\":\"w\"},\"userName\":\"alice\"}");
        CloudTrailEvent noRequest = event("none", null);
        CloudTrailEvent junk = event("junk", "{not json");

        List<RuleHit> hits = run(dir, List.of(match, otherValue, noRequest, junk));

        assertThat(ruleIds(hits)).containsExactly("array_element_and_response", "nested_field_in_filter", "top_level_field_in_where");
        assertThat(hits).allSatisfy(h -> assertThat(h.events()).extracting(CloudTrailEvent::getEventID).containsExactly("match"));
        RuleHit columns = hits.stream().filter(h -> h.rule().id().equals("array_element_and_response")).findFirst().orElseThrow();
        assertThat(columns.columns()).containsEntry("secondId", "second").containsEntry("login", "Success").containsEntry("mfa", "No");
    }

    @Test
    void theRequestIsParsedOnceHoweverManyRulesReadIt(@TempDir Path dir) throws Exception {
        CloudTrailEvent match = event("match", "{\"a\":{\"b\":\"v\"},\"userName\":\"backdoor\",\"items\":[{\"id\":\"first\"},{\"id\":\"second\"}]}");
        CloudTrailEvent miss = event("miss", "{\"a\":{\"b\":\"w\"}}");
        CloudTrailEvent otherCall = event("other-call", "{\"a\":{\"b\":\"v\"}}").toBuilder().eventName("Y").build();

        run(dir, List.of(match, miss, otherCall));

        // Three rules read requestParameters (five look-ups), one reads responseElements, one additionalEventData.
        assertThat(match.jsonParses()).isEqualTo(3);
        // The filter on requestParameter('a.b') fails for every rule reading it: the response is never parsed.
        assertThat(miss.jsonParses()).isLessThanOrEqualTo(1);
        // eventName comes first in every filter: another call's request is never parsed at all.
        assertThat(otherCall.jsonParses()).isZero();
    }

    @Test
    void anEvaluatedEventKeepsItsTextAndNotItsParsedTree(@TempDir Path dir) throws Exception {
        CloudTrailEvent match = event("match", "{\"a\":{\"b\":\"v\"},\"userName\":\"backdoor\",\"items\":[{\"id\":\"first\"},{\"id\":\"second\"}]}");
        run(dir, List.of(match));
        int parsed = match.jsonParses();

        // Read again after the rules (a window's aggregate leaving, evidence): right, parsed each time, kept never.
        assertThat(match.getRequestParameter("userName")).isEqualTo("backdoor");
        assertThat(match.getRequestParameter("items.1.id")).isEqualTo("second");
        assertThat(match.jsonParses()).isEqualTo(parsed + 2);
    }

    @Test
    void theSandboxAcceptsTheMappedGetters() {
        EsperEngine.Validation result = EsperEngine.validate(RULES, "request_fields.epl", io.trailsentry.context.StageCatalog.bundled());
        assertThat(result.errors()).isEmpty();
        assertThat(result.rules()).hasSize(3);
    }
}
