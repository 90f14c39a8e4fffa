package io.trailsentry.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The SOC console used as an analyst uses it, in headless Chromium: open the console with a token,
 * watch the bundled attack arrive live (posted after the page is open, so nothing is there at load),
 * see marketing-uploader's incident turn Critical with its stages lit, open its detail, acknowledge
 * it, and find the acknowledgement in the API too; then, as an admin, edit a rule in the rules view and
 * backtest it on the archive: the diff shows the alert the edit would remove. Saves
 * {@code target/console-screenshot.png} and {@code target/console-backtest-screenshot.png}.
 */
@QuarkusTest
@TestProfile(ConsoleBrowserIT.FreshStore.class)
class ConsoleBrowserIT {

    /** Its own app, engine clock and an empty incident store, new for every run. */
    public static class FreshStore implements QuarkusTestProfile {
        static final String DIR = "target/test-data/console-browser-it/" + UUID.randomUUID() + "/";

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "trailsentry.incidents.jdbc-url", "jdbc:h2:file:./" + DIR + "incidents;DB_CLOSE_ON_EXIT=FALSE",
                    "trailsentry.alerts.file", DIR + "alerts.jsonl",
                    "trailsentry.dead-letter.file", DIR + "dead-letter.jsonl",
                    "trailsentry.context.baseline-file", DIR + "baselines.json",
                    "trailsentry.inbox.enabled", "false",
                    "trailsentry.rules.watch", "false",
                    // its own archive: the backtest at the end replays exactly the sample
                    "trailsentry.archive.dir", DIR + "archive");
        }
    }

    static final Path SAMPLE = Path.of("samples/cloudtrail-sample.jsonl");
    static final Path SCREENSHOT = Path.of("target/console-screenshot.png");
    static final Path BACKTEST_SCREENSHOT = Path.of("target/console-backtest-screenshot.png");
    static final String ACTOR = "marketing-uploader";
    static final String FULL_CHAIN = "discovery,privilege_escalation,persistence,collection";
    static final Duration WAIT = Duration.ofSeconds(90);
    /** What the page shows when a wait fails: the status line, the message box and the table's text. */
    static final String PAGE_STATE = "JSON.stringify({live: document.getElementById('live-status').textContent, "
            + "message: document.getElementById('message').textContent, rows: document.getElementById('incidents-body').innerText, "
            + "detail: document.getElementById('detail').hidden ? null : document.getElementById('detail-title').textContent})";
    static final String ROW = "[...document.querySelectorAll('#incidents-body tr')].find(r => r.dataset.actor === '" + ACTOR + "')";

    @TestHTTPResource("/")
    URL root;

    @Test
    void anAnalystSeesTheAttackArriveLiveOpensItAndAcknowledgesIt() throws Exception {
        try (HeadlessChromium browser = HeadlessChromium.launch(Path.of("target", "chromium-profile-" + UUID.randomUUID()), 1680, 1000)) {
            browser.navigate(root + "console/#token=" + TestApi.ANALYST_TOKEN);
            browser.waitUntil("the live stream is connected", "document.getElementById('live-status').dataset.state === 'live'",
                    WAIT, PAGE_STATE);
            assertThat(browser.evaluate("location.hash").asText()).as("token taken out of the address").isEmpty();
            assertThat(browser.evaluate("sessionStorage.getItem('trailsentry.token')").asText()).isEqualTo(TestApi.ANALYST_TOKEN);
            assertThat(browser.evaluate("document.querySelectorAll('#incidents-body tr').length").asInt()).as("empty store").isZero();
            browser.evaluate("window.sameDocument = 'never reloaded'");

            postSampleInChunks(4);

            browser.waitUntil(ACTOR + "'s incident is Critical with the full chain lit",
                    "(r => r && r.dataset.severity === 'Critical' && r.querySelector('.ladder').dataset.stages === '" + FULL_CHAIN
                            + "' && r.querySelectorAll('.rung.lit').length === 4)(" + ROW + ")", WAIT, PAGE_STATE);
            assertThat(browser.evaluate("window.sameDocument").asText()).as("arrived live, without a reload").isEqualTo("never reloaded");
            JsonNode row = browser.evaluate("(r => ({id: r.dataset.incidentId, badge: r.querySelector('.badge').textContent, "
                    + "badgeColour: getComputedStyle(r.querySelector('.badge')).backgroundColor, rowClass: r.className, "
                    + "score: r.querySelector('.score').textContent, "
                    + "unknownIps: [...r.querySelectorAll('.ip.unknown')].map(ip => ip.firstChild.textContent), "
                    + "status: r.querySelector('.status').dataset.status}))(" + ROW + ")");
            assertThat(row.get("badge").asText()).isEqualTo("Critical");
            assertThat(row.get("badgeColour").asText()).as("Critical is loud red").isEqualTo("rgb(255, 45, 61)");
            assertThat(row.get("rowClass").asText()).contains("sev-critical");
            assertThat(row.get("unknownIps").toString()).contains("203.0.113.99");
            assertThat(row.get("status").asText()).isEqualTo("open");
            String id = row.get("id").asText();

            browser.evaluate(ROW + ".querySelector('button.link').click()");
            browser.waitUntil("the detail of " + id + " is open with its breakdown, timeline, evidence and linked identities",
                    "(d => !d.hidden && d.dataset.incidentId === '" + id + "' "
                            + "&& document.querySelectorAll('#breakdown-table tbody tr').length > 0 "
                            + "&& document.querySelectorAll('#timeline li.tl-escalation').length >= 3 "
                            + "&& document.querySelectorAll('#evidence-table tbody tr').length > 0 "
                            + "&& document.getElementById('linked-identities').textContent.includes('support-automation') "
                            + "&& document.querySelectorAll('#raw-alerts details').length > 0)(document.getElementById('detail'))",
                    WAIT, PAGE_STATE);
            JsonNode detail = browser.evaluate("({status: document.getElementById('detail-status').dataset.status, "
                    + "evidence: document.getElementById('evidence-table').innerText, "
                    + "breakdown: document.getElementById('breakdown-table').innerText})");
            assertThat(detail.get("status").asText()).isEqualTo("open");
            assertThat(detail.get("evidence").asText()).contains("CreateUser", "AttachUserPolicy", "203.0.113.99");
            assertThat(detail.get("breakdown").asText()).contains("privilege_escalation", "unknown_ip", "lineage");

            browser.evaluate("document.getElementById('triage-note').value = 'e2e: taking it'; "
                    + "document.getElementById('btn-acknowledge').click()");
            browser.waitUntil("the page shows the incident acknowledged, in the detail and in the table",
                    "document.getElementById('detail-status').dataset.status === 'acknowledged' "
                            + "&& " + ROW + ".querySelector('.status').dataset.status === 'acknowledged'", WAIT, PAGE_STATE);

            JsonPath stored = TestApi.asViewer().get("/incidents/" + id).then().statusCode(200).extract().jsonPath();
            assertThat(stored.getString("incident.status")).isEqualTo("acknowledged");
            assertThat(stored.getString("incident.statusBy")).isEqualTo("analyst-1");
            assertThat(stored.getString("incident.statusNote")).isEqualTo("e2e: taking it");
            assertThat(stored.getList("triageHistory")).hasSize(1);
            assertTheAlertApiAgrees(id, stored);

            Files.write(SCREENSHOT, browser.screenshot());
            assertThat(Files.readAllBytes(SCREENSHOT)).startsWith(0x89, 'P', 'N', 'G').hasSizeGreaterThan(20_000);

            browser.evaluate("document.getElementById('detail-close').click(); document.getElementById('filter-severity-Critical').click()");
            browser.waitUntil("the Critical filter leaves only the Critical incident",
                    "document.querySelectorAll('#incidents-body tr').length === 1 && " + ROW + " !== undefined "
                            + "&& document.getElementById('total').textContent === '1'", WAIT, PAGE_STATE);

            browser.evaluate("document.getElementById('tab-rules').click()");
            browser.waitUntil("the rules view lists the deployed rules with their hits",
                    "document.querySelectorAll('#rules-body tr').length >= 16 "
                            + "&& document.getElementById('rules-body').innerText.includes('IAM enumeration burst') "
                            + "&& document.getElementById('reload-status').textContent.length > 0", WAIT, PAGE_STATE);

            backtestAnEditedRule(browser);
            assertThat(browser.pageErrors()).as("JavaScript errors in the page").isEmpty();
        }
    }

    static final String ADMIN_POLICY_FILE = "privilege_escalation_admin_policy_attached.epl";
    static final String ADMIN_POLICY_RULE_ID = "dc5a6b51-5547-4ea7-9789-1831f62a442e";
    /** Compiling the edited rule and those after it: minutes with a cold rule cache on a busy two-core machine. */
    static final Duration BACKTEST_WAIT = Duration.ofMinutes(5);
    static final String BACKTEST_STATE = "JSON.stringify({status: document.getElementById('backtest-status').textContent, "
            + "message: document.getElementById('message').textContent, result: document.getElementById('backtest-result').innerText})";

    /**
     * As an admin: open the rule behind marketing-uploader's AdministratorAccess alert, take AttachUserPolicy out
     * of its condition, backtest it, and find that alert among the gone ones.
     */
    private static void backtestAnEditedRule(HeadlessChromium browser) throws Exception {
        browser.evaluate("document.getElementById('token-input').value = '" + TestApi.ADMIN_TOKEN + "'; "
                + "document.getElementById('token-form').requestSubmit()");
        String open = "document.querySelector(\"button.backtest-open[data-file='" + ADMIN_POLICY_FILE + "']\")";
        browser.waitUntil("each rule offers a backtest", open + " !== null", WAIT, PAGE_STATE);
        browser.evaluate(open + ".click()");
        browser.waitUntil("the editor holds the rule's text, read from the server",
                "document.getElementById('backtest-status').dataset.state === 'ready' "
                        + "&& document.getElementById('backtest-text').value.includes(\"('AttachUserPolicy', \")", WAIT, BACKTEST_STATE);
        browser.evaluate("(t => { t.value = t.value.replace(\"('AttachUserPolicy', \", \"(\"); })(document.getElementById('backtest-text')); "
                + "document.getElementById('backtest-run').click()");
        browser.waitUntil("the diff lists marketing-uploader's AdministratorAccess alert as gone",
                "document.getElementById('backtest-status').dataset.state === 'done' "
                        + "&& [...document.querySelectorAll('#backtest-diff tbody tr')].some(r => r.dataset.kind === 'gone' "
                        + "&& r.dataset.incident === 'false' && r.dataset.ruleId === '" + ADMIN_POLICY_RULE_ID + "' "
                        + "&& r.innerText.includes('" + ACTOR + "'))", BACKTEST_WAIT, BACKTEST_STATE);
        JsonNode shown = browser.evaluate("({summary: document.getElementById('backtest-summary').textContent, "
                + "newRows: document.querySelectorAll('#backtest-diff tr.diff-new').length, "
                + "strayText: [...document.getElementById('backtest-result').childNodes].filter(n => n.nodeType !== 1).length})");
        assertThat(shown.get("strayText").asInt()).as("only elements in the result, no stray text such as 'null'").isZero();
        // What the server archived: the sample less the records of a chunk older than what the chunk before released (late).
        long archived = TestApi.asViewer().get("/status").then().statusCode(200).extract().jsonPath().getLong("archive.written");
        assertThat(shown.get("summary").asText()).startsWith("Over " + archived + " archived event(s)");
        assertThat(shown.get("newRows").asInt()).as("taking a condition out adds nothing").isZero();
        assertThat(Files.readString(Path.of("epl", ADMIN_POLICY_FILE))).as("nothing saved").contains("('AttachUserPolicy', ");
        browser.evaluate("document.getElementById('backtest').scrollIntoView({block: 'center'})");
        Files.write(BACKTEST_SCREENSHOT, browser.screenshot());
    }

    /** The sample as four consecutive HTTP payloads, in file order, each after the page is open. */
    private static void postSampleInChunks(int chunks) throws Exception {
        List<String> lines = Files.readAllLines(SAMPLE);
        int size = (lines.size() + chunks - 1) / chunks;
        for (int from = 0; from < lines.size(); from += size) {
            String body = String.join("\n", lines.subList(from, Math.min(lines.size(), from + size)));
            TestApi.asAdmin().body(body).post("/events").then().statusCode(202);
        }
    }

    /** The console's incident is the latest incident alert {@code GET /alerts} holds for it. */
    private static void assertTheAlertApiAgrees(String id, JsonPath stored) {
        List<Map<String, Object>> alerts = TestApi.asViewer().queryParam("limit", 1000).get("/alerts").then().statusCode(200)
                .extract().jsonPath().getList("findAll { it.incidentId == '" + id + "' && it.ruleId == 'trailsentry-incident' }");
        assertThat(alerts).as("incident alerts of " + id).isNotEmpty();
        Map<String, Object> latest = alerts.get(0); // newest first
        assertThat(latest.get("severity")).isEqualTo(stored.getString("incident.severity"));
        assertThat(latest.get("score")).isEqualTo(stored.getInt("incident.score"));
        assertThat(latest.get("stages")).isEqualTo(stored.getList("incident.stages"));
        assertThat(latest.get("alertId")).isEqualTo(stored.getString("alerts.find { it.kind == 'incident' }.alertId"));
    }
}
