package io.trailsentry.engine.sigma;

import io.trailsentry.engine.RuleError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The compiler's output for single detections (the EPL filter, in the forms Esper's filter index
 * uses where it can) and its refusals: each names the construct, the file, line and column, and
 * leaves the other rules alone.
 */
class SigmaCompilerTest {

    static final String HEADER = """
            title: Test rule
            id: 11111111-2222-4333-8444-555555555555
            logsource:
                product: aws
                service: cloudtrail
            tags: [attack.discovery]
            level: medium
            """;

    static SigmaCompilation compile(String... files) {
        List<SigmaCompiler.Source> sources = new java.util.ArrayList<>();
        for (int i = 0; i < files.length; i++) {
            sources.add(new SigmaCompiler.Source("rule" + i + ".yml", files[i]));
        }
        return SigmaCompiler.compile(sources);
    }

    /** The filter generated for a detection given as YAML lines under {@code detection:}. */
    static String filter(String detection) {
        SigmaCompilation c = compile(HEADER + "detection:\n" + detection.indent(4));
        SigmaRuleReport report = c.rules().get(0);
        assertThat(report.refusal()).as("refusal").isNull();
        String epl = report.epl();
        return epl.substring(epl.indexOf("CloudTrailEvent(") + "CloudTrailEvent(".length(), epl.lastIndexOf(");"));
    }

    static RuleError refusal(String yaml) {
        SigmaCompilation c = compile(yaml);
        assertThat(c.rules()).isNotEmpty();
        RuleError error = c.rules().get(0).refusal();
        assertThat(error).as("refusal of\n%s", yaml).isNotNull();
        return error;
    }

    @Test
    void eventNameAndSourceCompareExactlySoTheFilterIndexServesThem() {
        assertThat(filter("""
                selection:
                    eventSource: iam.amazonaws.com
                    eventName: [CreateUser, CreateAccessKey]
                condition: selection""")).isEqualTo("eventSource = 'iam.amazonaws.com' and eventName in ('CreateUser', 'CreateAccessKey')");
    }

    @Test
    void otherTextComparesCaseInsensitivelyThroughLower() {
        assertThat(filter("""
                selection:
                    userIdentity.type: [IAMUser, Root]
                    eventName: createuser
                condition: selection""")).isEqualTo("lower(userIdentityType) in ('iamuser', 'root') and lower(eventName) = 'createuser'");
    }

    @Test
    void cascadedValuesOfOneFieldMergeIntoOneList() {
        assertThat(filter("""
                a:
                    eventName: CreateUser
                b:
                    eventName: DeleteUser
                condition: a or b""")).isEqualTo("eventName in ('CreateUser', 'DeleteUser')");
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiterString = " => ", quoteCharacter = '"', value = {
            "userAgent|contains: 'Boto3' => lower(userAgent) like '%boto3%'",
            "userAgent|startswith: 'aws-cli/' => lower(userAgent) like 'aws-cli/%'",
            "userAgent|endswith: 'x' => lower(userAgent) like '%x'",
            "userAgent|contains|cased: 'Boto3' => userAgent like '%Boto3%'",
            "userAgent: 'aws-*-cli?' => lower(userAgent) like 'aws-%-cli_'",
            "userAgent: '100% \\* sure_' => lower(userAgent) = '100% * sure_'",
            "userAgent|contains: '100%_' => lower(userAgent) like '%100\\\\%\\\\_%'",
            "userAgent: 'it''s' => lower(userAgent) = 'it\\'s'",
            "userAgent|contains: '*' => userAgent is not null",
            "errorCode: null => errorCode is null",
            "errorCode|exists: false => errorCode is null",
            "requestParameters.userName|exists: true => requestParameter('userName') is not null",
            "responseElements.ConsoleLogin: Success => lower(responseElement('ConsoleLogin')) = 'success'",
            "additionalEventData.MFAUsed: 'No' => lower(additionalEventDatum('MFAUsed')) = 'no'",
            "readOnly: false => readOnly = false",
            "sourceIPAddress|cidr: [10.0.0.0/8, '2001:db8::/32'] => inCidr(sourceIPAddress, '10.0.0.0/8,2001:db8::/32')",
            "requestParameters.maxItems|gte: 1000 => toNumber(requestParameter('maxItems')) >= 1000",
            "userIdentity.arn|re: 'admin$' => containsRegex(arn, 'admin$')",
            "userIdentity.arn|re|i: 'admin' => containsRegex(arn, '(?i)admin')",
            "awsRegion|neq: [us-east-1, eu-west-1] => (awsRegion is null or lower(awsRegion) not in ('us-east-1', 'eu-west-1'))",
            "userAgent|contains|all: [a, b] => lower(userAgent) like '%a%' and lower(userAgent) like '%b%'",
            "requestParameters.userData|base64: 'hi' => requestParameter('userData') = 'aGk='",
    })
    void modifiersBecomeTheseComparisons(String field, String expected) {
        assertThat(filter("selection:\n    " + field + "\ncondition: selection")).isEqualTo(expected);
    }

    @Test
    void base64offsetMatchesTheThreeShiftsOfTheValue() {
        assertThat(DetectionCompiler.base64Offsets("curl http".getBytes())).containsExactly("Y3VybCBodHRw", "N1cmwgaHR0c", "jdXJsIGh0dH");
        assertThat(filter("""
                selection:
                    requestParameters.userData|base64offset|contains: 'curl http'
                condition: selection""")).isEqualTo("requestParameter('userData') like '%Y3VybCBodHRw%' or requestParameter('userData') like '%N1cmwgaHR0c%'"
                + " or requestParameter('userData') like '%jdXJsIGh0dH%'");
    }

    @Test
    void aNegatedComparisonIsTrueForAnEventWithoutTheField() {
        assertThat(filter("""
                selection:
                    eventName: GetSigninToken
                filter:
                    userAgent|contains: 'Jersey'
                    sourceIPAddress|cidr: 10.0.0.0/8
                condition: selection and not filter""")).isEqualTo(
                "eventName = 'GetSigninToken' and ((userAgent is null or lower(userAgent) not like '%jersey%') or not inCidr(sourceIPAddress, '10.0.0.0/8'))");
    }

    @Test
    void quantifiersParenthesesAndPrecedence() {
        assertThat(filter("""
                sel_a:
                    eventName: A
                sel_b:
                    eventName: B
                filter_x:
                    userAgent: x
                _ignored:
                    eventName: Z
                condition: 1 of sel_* and not (filter_x or all of them)""")).isEqualTo(
                "eventName in ('A', 'B') and (userAgent is null or lower(userAgent) != 'x')"
                        + " and (eventName != 'A' or eventName != 'B' or (userAgent is null or lower(userAgent) != 'x'))");
        assertThat(filter("""
                a:
                    eventName: A
                b:
                    userAgent: b
                c:
                    awsRegion: c
                condition: a or b and not c""")).isEqualTo("eventName = 'A' or (lower(userAgent) = 'b' and (awsRegion is null or lower(awsRegion) != 'c'))");
    }

    @Test
    void aListOfMapsIsAnOrOfAnds() {
        assertThat(filter("""
                selection:
                    - eventName: DeleteBucket
                    - eventName: DeleteDBCluster
                      eventSource: rds.amazonaws.com
                condition: selection""")).isEqualTo("eventName = 'DeleteBucket' or (eventName = 'DeleteDBCluster' and eventSource = 'rds.amazonaws.com')");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiterString = " ¦ ", quoteCharacter = '"', value = {
            "keywords:\\n    - evil\\ncondition: keywords ¦ keywords ¦ 9 ¦ 5",
            "'|all':\\n    - a\\n    - b\\ncondition: keywords ¦ keywords ¦ 9 ¦ 5",
            "sel:\\n    userAgent|windash: '-x'\\ncondition: sel ¦ |windash ¦ 10 ¦ 9",
            "sel:\\n    userAgent|expand: '%admins%'\\ncondition: sel ¦ |expand ¦ 10 ¦ 9",
            "sel:\\n    eventTime|hour: 3\\ncondition: sel ¦ |hour ¦ 10 ¦ 9",
            "sel:\\n    status: success\\ncondition: sel ¦ field status ¦ 10 ¦ 9",
            "sel:\\n    userAgent|contains|startswith: x\\ncondition: sel ¦ |startswith ¦ 10 ¦ 9",
            "sel:\\n    userAgent|foo: x\\ncondition: sel ¦ |foo ¦ 10 ¦ 9",
            "sel:\\n    userAgent|re: '(unclosed'\\ncondition: sel ¦ |re ¦ 10 ¦ 24",
            "sel:\\n    sourceIPAddress|cidr: 10.0.0.0/33\\ncondition: sel ¦ |cidr ¦ 10 ¦ 31",
            "sel:\\n    userAgent|contains|base64offset: x\\ncondition: sel ¦ |base64offset ¦ 10 ¦ 9",
            "sel:\\n    userAgent|base64offset: x\\ncondition: sel ¦ |base64offset ¦ 10 ¦ 9",
            "sel:\\n    errorCode: [a, null]\\ncondition: sel ¦ null ¦ 10 ¦ 24",
            "sel:\\n    readOnly|contains: x\\ncondition: sel ¦ |contains ¦ 10 ¦ 9",
            "sel:\\n    requestParameters.n|gt: many\\ncondition: sel ¦ |gt ¦ 10 ¦ 33",
            "sel:\\n    eventName: A\\ncondition: sel | count() > 5 ¦ | aggregation ¦ 11 ¦ 20",
            "sel:\\n    eventName: A\\ncondition: sel and other ¦ condition ¦ 11 ¦ 24",
            "sel:\\n    eventName: A\\ncondition: 2 of sel* ¦ 2 of ¦ 11 ¦ 16",
            "sel:\\n    eventName: A\\ncondition: 1 of filter* ¦ 1 of ¦ 11 ¦ 16",
            "sel:\\n    eventName: A\\ncondition: sel and ( ¦ condition ¦ 11 ¦ 25",
            "sel:\\n    eventName: A\\ntimeframe: 5m\\ncondition: sel ¦ timeframe ¦ 11 ¦ 5",
    })
    void unsupportedConstructsAreRefusedWithTheirNameAndPlace(String detection, String construct, int line, int column) {
        RuleError error = refusal(HEADER + "detection:\n" + detection.replace("\\n", "\n").indent(4));
        assertThat(error.message()).startsWith(construct + ": ");
        assertThat(error.file()).isEqualTo("rule0.yml");
        assertThat(error.line()).isEqualTo(line);
        assertThat(error.column()).isEqualTo(column);
    }

    @Test
    void logsourcesOtherThanCloudTrailAreRefused() {
        RuleError error = refusal("""
                title: Whoami
                id: 11111111-2222-4333-8444-555555555555
                logsource:
                    category: process_creation
                    product: windows
                detection:
                    sel:
                        Image|endswith: '\\\\whoami.exe'
                    condition: sel
                level: high
                """);
        assertThat(error.message()).startsWith("logsource: ").contains("product: windows").contains("category: process_creation");
        assertThat(error.line()).isEqualTo(3);
    }

    @Test
    void anAlertingRuleNeedsATacticThatMapsToAStageAnIdAndALevel() {
        String body = """
                logsource: {product: aws, service: cloudtrail}
                detection:
                    sel: {eventName: A}
                    condition: sel
                """;
        assertThat(refusal("title: t\nid: 11111111-2222-4333-8444-555555555555\nlevel: low\ntags: [attack.t1098, attack.command-and-control]\n" + body).message())
                .startsWith("tags: no ATT&CK tactic tag maps to a TrailSentry stage").contains("attack.persistence");
        assertThat(refusal("title: t\nlevel: low\ntags: [attack.persistence]\n" + body).message()).startsWith("id: ");
        assertThat(refusal("title: t\nid: 11111111-2222-4333-8444-555555555555\ntags: [attack.persistence]\n" + body).message()).startsWith("level: ");
        assertThat(refusal("title: t\nid: 11111111-2222-4333-8444-555555555555\nlevel: severe\ntags: [attack.persistence]\n" + body).message())
                .startsWith("level severe: ");
    }

    @Test
    void tagsGiveStageMitreAndAlertingMode() {
        SigmaCompilation c = compile("""
                title: t
                id: 11111111-2222-4333-8444-555555555555
                logsource: {product: aws, service: cloudtrail}
                detection:
                    sel: {eventName: A}
                    condition: sel
                tags: [attack.stealth, attack.t1078.004, attack.persistence, attack.t1098]
                level: informational
                """);
        String epl = c.rules().get(0).epl();
        assertThat(epl).contains("@Tag(name='stage', value='defense_evasion')", "@Tag(name='mitre', value='TA0005:T1078.004')",
                "@Tag(name='severity', value='Informational')", "@Tag(name='alert', value='building-block')",
                "@Tag(name='tactics', value='defense_evasion,persistence')", "@Tag(name='version', value='1')");
    }

    @Test
    void yamlErrorsPointAtTheirLine() {
        RuleError error = refusal("title: t\ndetection:\n    sel: [a\n    condition: sel\n");
        assertThat(error.message()).startsWith("YAML: not valid YAML");
        assertThat(error.line()).isGreaterThan(2);
    }

    @Test
    void aRefusedRuleLeavesTheOthersCompiled() {
        SigmaCompilation c = compile(HEADER + "detection:\n    k:\n        - evil\n    condition: k\n",
                HEADER.replace("55555555", "66666666") + "detection:\n    sel:\n        eventName: A\n    condition: sel\n");
        assertThat(c.rules()).extracting(SigmaRuleReport::compiled).containsExactly(false, true);
        assertThat(c.modules()).extracting(SigmaCompilation.SigmaModule::relativePath).containsExactly("rule1.yml");
    }

    @Test
    void duplicateIdsRefuseTheLaterRule() {
        SigmaCompilation c = compile(HEADER + "detection:\n    sel:\n        eventName: A\n    condition: sel\n",
                HEADER + "detection:\n    sel:\n        eventName: B\n    condition: sel\n");
        assertThat(c.rules().get(0).compiled()).isTrue();
        assertThat(c.rules().get(1).refusal().message()).startsWith("id: ").contains("rule0.yml:1");
    }

    static final String BASE = """
            title: Base
            name: base
            logsource: {product: aws, service: cloudtrail}
            detection:
                sel: {eventName: ListUsers}
                condition: sel
            tags: [attack.discovery]
            """;

    static String correlation(String body) {
        return "title: C\nid: 22222222-2222-4333-8444-555555555555\nlevel: high\ncorrelation:\n" + body.indent(4);
    }

    @Test
    void correlationsAreRefusedForWhatTheyCannotRun() {
        assertThat(refusal(correlation("type: value_sum\nrules: [base]\ntimespan: 1h\ncondition: {field: bytes, gt: 5}") + "---\n" + BASE).message())
                .startsWith("value_sum: ");
        assertThat(refusal(correlation("type: event_count\nrules: [nowhere]\ntimespan: 1h\ncondition: {gt: 5}")).message())
                .startsWith("rules: ").contains("'nowhere'");
        assertThat(refusal(correlation("type: event_count\nrules: [base]\ntimespan: 10 minutes\ncondition: {gt: 5}") + "---\n" + BASE).message())
                .startsWith("timespan 10 minutes: ");
        assertThat(refusal(correlation("type: event_count\nrules: [base]\ntimespan: 1h") + "---\n" + BASE).message())
                .startsWith("condition: ");
        assertThat(refusal(correlation("type: value_count\nrules: [base]\ntimespan: 1h\ncondition: {gt: 5}") + "---\n" + BASE).message())
                .startsWith("condition: ").contains("field");
        assertThat(refusal(correlation("type: temporal\nrules: [base]\ntimespan: 1h\ngroup-by: [userIdentity.arn]") + "---\n" + BASE).message())
                .startsWith("temporal: ").contains("at least two");
        assertThat(refusal(correlation("type: event_count\nrules: [base]\ntimespan: 1h\ngroup-by: [userIdentity.sessionContext.mfa]\ncondition: {gt: 5}")
                + "---\n" + BASE).message()).startsWith("field userIdentity.sessionContext.mfa: ");
        assertThat(refusal(correlation("type: event_count\nrules: [base]\ntimespan: 1h\ncondition: {gt: 5, lt: 3}") + "---\n" + BASE).message())
                .startsWith("condition: no count satisfies");
    }

    @Test
    void aCorrelationOfARefusedRuleIsRefusedNamingIt() {
        SigmaCompilation c = compile(correlation("type: event_count\nrules: [base]\ntimespan: 1h\ncondition: {gt: 5}") + "---\n"
                + BASE.replace("sel: {eventName: ListUsers}", "sel: {status: ok}"));
        assertThat(c.rules().get(0).refusal().message()).startsWith("rules: correlates 'base', which is refused: field status:");
        assertThat(c.rules().get(1).refusal().message()).startsWith("field status: ");
        assertThat(c.modules()).isEmpty();
    }

    @Test
    void correlationsReferringToEachOtherInACircleAreRefused() {
        SigmaCompilation c = compile("title: A\nid: 33333333-2222-4333-8444-555555555555\nname: a\nlevel: high\ntags: [attack.discovery]\n"
                + "correlation:\n    type: event_count\n    rules: [b]\n    timespan: 1h\n    condition: {gt: 1}\n---\n"
                + "title: B\nname: b\ncorrelation:\n    type: event_count\n    rules: [a]\n    timespan: 1h\n    condition: {gt: 1}\n");
        assertThat(c.rules()).allMatch(r -> !r.compiled());
        assertThat(c.rules().get(0).refusal().message()).contains("refers back to itself");
    }

    @Test
    void aCorrelationWithoutTagsOrLevelTakesThemFromItsRules() {
        SigmaCompilation c = compile("title: C\nid: 22222222-2222-4333-8444-555555555555\ncorrelation:\n    type: event_count\n    rules: [base]\n"
                + "    timespan: 1h\n    condition: {gt: 5}\n---\n" + BASE + "level: high\n");
        assertThat(c.rules().get(0).epl()).contains("@Tag(name='stage', value='discovery')", "@Tag(name='severity', value='High')", "@Tag(name='mitre', value='TA0007')");
        assertThat(c.rules().get(1).alerts()).isFalse();
    }
}
