package io.trailsentry.engine;

import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.common.client.module.Module;
import com.espertech.esper.compiler.client.EPCompiler;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * EPL cannot reach Java: each way Esper offers to call into the JVM is refused at compile time with
 * the file, the line and why, and nothing of the module is deployed (so nothing of it runs). The
 * language itself — windows, patterns, tables, enumeration and date-time methods, the allowed
 * functions — keeps working.
 */
class RuleSandboxTest {

    /** Legitimate EPL across the features rules use or may use; each must pass the sandbox. */
    static Stream<String> legitimateEpl() {
        return Stream.of(
                "select count(*) as n, window(*) as events from CloudTrailEvent(eventName = 'ListUsers')#time(10 min) group by principalId having count(*) > 50",
                "select * from CloudTrailEvent(inDiscovery = true)#time_batch(10 min, 0L) group by arn",
                "select * from pattern [every a=CloudTrailEvent(eventName='CreateUser') -> b=CloudTrailEvent(eventName='CreateAccessKey' and principalId = a.principalId) where timer:within(15 min)]",
                "select * from pattern [every a=CloudTrailEvent -> (timer:interval(5 min) and not CloudTrailEvent(principalId = a.principalId))]",
                "create window Recent#time(15 min) as CloudTrailEvent;\ninsert into Recent select * from CloudTrailEvent(inDiscovery = true);\n"
                        + "select r.eventName from CloudTrailEvent(inPersistence = true) as e unidirectional, Recent as r where r.actorKey = e.actorKey",
                "create table Counts (actorKey string primary key, n count(*));\ninto table Counts select count(*) as n from CloudTrailEvent group by actorKey;\n"
                        + "select Counts[e.actorKey].n as n from CloudTrailEvent as e",
                "create variable int threshold = 50;\nselect * from CloudTrailEvent#length(threshold + 2) having count(*) > threshold",
                "select stages.anyOf(s => s = 'discovery') as d, stages.countOf() as n, stages.where(s => s like 'p%').selectFrom(s => s || '!') as p from CloudTrailEvent",
                "select case when errorCode in ('AccessDenied', 'Forbidden') then 'denied' else 'ok' end as r, coalesce(userName, principalId) as who,"
                        + " cast(eventTimeMillis, double) / 1000 as secs, matchesRegex(userAgent, '.*[Bb]oto.*') as boto, eventName like 'List%' as list,"
                        + " containsRegex(userAgent, '[Bb]oto[0-9]') as boto3,"
                        + " userAgent.toLowerCase() as ua, userAgent.contains('aws-cli') as cli, typeof(eventName) as t from CloudTrailEvent",
                "select inCidr(sourceIPAddress, '10.0.0.0/8,2001:db8::/32') as internal, lower(userAgent) as ua, upper(eventName) as n from CloudTrailEvent",
                "select policyAllowsPublic(requestParameter('bucketPolicy')) as pub, policyGrantsOtherAccount(requestParameter('policy'), recipientAccountId) as other,"
                        + " policyGrantsAdmin(requestParameter('policyDocument')) as admin, aclGrantsPublic(requestParameters) as acl,"
                        + " sharesWithOthers(requestParameters) as shared, sharesPublicly(requestParameters) as everyone, ingressOpenToWorld(requestParameters) as open,"
                        + " ingressOpenToWorldOn(requestParameters, '22,3389') as sensitive, ingressOpenPorts(requestParameters) as ports,"
                        + " eventSelectorsReduceLogging(requestParameters) as selectors, trailUpdateReducesLogging(requestParameters) as reduces,"
                        + " trailUpdateRedirectsLogs(requestParameters) as redirects, lifecycleExpiresObjects(requestParameters) as expires,"
                        + " lifecycleExpirationDays(requestParameters) as expiryDays, responseElement('ConsoleLogin') as login, additionalEventDatum('MFAUsed') as mfa"
                        + " from CloudTrailEvent(eventName = 'PutBucketPolicy', requestParameter('bucketName') = 'b', errorCode is null)",
                "select * from CloudTrailEvent(eventName = 'CreateLoginProfile', errorCode is null, requestParameter('userName') != userName)",
                "select * from CloudTrailEvent(awsIp and not ec2IpInRegion and invokedBy is null)",
                "select * from CloudTrailEvent match_recognize (partition by actorKey measures A.eventName as a, B.eventName as b pattern (A B) "
                        + "define A as A.inDiscovery = true, B as B.inPersistence = true)",
                "create context PerActor partition by actorKey from CloudTrailEvent;\ncontext PerActor select count(*) from CloudTrailEvent#time(1 min)",
                "select prev(1, eventName) as previous, prior(1, eventName) as before, current_timestamp() as now, max(eventTimeMillis, 5L) as m "
                        + "from CloudTrailEvent#length(3) output every 5 events",
                "select * from CloudTrailEvent as e where exists (select * from CloudTrailEvent#time(1 min) as x where x.principalId = e.principalId and x.eventID != e.eventID)",
                "select firstever(eventName), lastever(eventName), countever(*), sum(eventTimeMillis), avg(eventTimeMillis), min(eventTime), maxby(eventTimeMillis).eventName "
                        + "from CloudTrailEvent#unique(principalId)",
                "insert into Signals select actorKey, eventName from CloudTrailEvent;\nselect * from Signals#firstunique(actorKey)",
                "create schema Probe (actor string, n long, millis java.lang.Long);\ninsert into Probe select actorKey as actor, 1L as n, eventTimeMillis as millis from CloudTrailEvent;\nselect * from Probe",
                "select new { name = eventName, happened = eventTime } as m, Integer.parseInt('5') as five, String.valueOf(eventTimeMillis) as t from CloudTrailEvent");
    }

    @ParameterizedTest
    @MethodSource("legitimateEpl")
    void theLanguageItselfIsAllowed(String epl) {
        EsperEngine.Validation result = EsperEngine.validate(epl, "legit.epl", io.trailsentry.context.StageCatalog.bundled());
        assertThat(result.errors()).as(epl).isEmpty();
    }

    static Stream<org.junit.jupiter.params.provider.Arguments> attacks() {
        return Stream.of(
                arguments("static call System.exit", "select java.lang.System.exit(0) from CloudTrailEvent", "java.lang.System"),
                arguments("short name via default imports", "select System.getenv('HOME') from CloudTrailEvent", "java.lang.System"),
                arguments("Runtime", "select Runtime.getRuntime().exec('id') from CloudTrailEvent", "java.lang.Runtime"),
                arguments("reflection from a value", "select eventName.getClass().getMethods() from CloudTrailEvent", "java.lang.Class"),
                arguments("Class.forName", "select Class.forName('java.lang.Runtime') from CloudTrailEvent", "java.lang.Class"),
                arguments("new of a Java class", "select new java.lang.ProcessBuilder({'id'}) from CloudTrailEvent", "java.lang.ProcessBuilder"),
                arguments("import then short name", "import java.lang.reflect.*;\n\nselect Array.newInstance(eventName.getClass(), 1) from CloudTrailEvent", "import"),
                arguments("system property through a value type", "select Long.getLong('user.home') from CloudTrailEvent", "getLong"),
                arguments("class as event type", "create schema Evil as java.lang.ProcessBuilder", "java.lang.ProcessBuilder"),
                arguments("class as variable type", "create variable java.lang.Thread t = null", "java.lang.Thread"),
                arguments("script", "expression js:evil() [ java.lang.System.exit(0) ]\nselect evil() from CloudTrailEvent", "scripts"),
                arguments("inlined class", "inlined_class \"\"\"\n public class X { public static int f() { System.exit(0); return 1; } }\n\"\"\"\nselect X.f() from CloudTrailEvent", "inlined"),
                arguments("method join", "select * from CloudTrailEvent as e, method:java.lang.System.getenv() as env", "method"),
                arguments("data flow", "create dataflow F\n  BeaconSource -> s<CloudTrailEvent> {}\n  LogSink(s) {}", "data flow"),
                // Issue #17, 5: a static method reached through a value changes the whole JVM.
                arguments("static through an instance: default time zone",
                        "select current_timestamp.toCalendar().getTimeZone()\n  .setDefault(current_timestamp.toCalendar().getTimeZone()) from CloudTrailEvent",
                        "java.util.TimeZone.setDefault"),
                arguments("static through an instance: default locale",
                        "select current_timestamp.toCalendar().getAvailableLocales().firstOf()\n"
                                + "  .setDefault(current_timestamp.toCalendar().getAvailableLocales().firstOf()) from CloudTrailEvent",
                        "java.util.Locale.setDefault"),
                arguments("static through an instance: reading JVM state",
                        "select current_timestamp.toCalendar().getTimeZone().toZoneId().systemDefault() as z from CloudTrailEvent",
                        "java.time.ZoneId.systemDefault"),
                arguments("Java's backtracking regular expressions", "select * from CloudTrailEvent(userAgent regexp '(.*a){12}')", "matchesRegex"),
                arguments("an amplifier", "select eventName.repeat(2000000000) as r from CloudTrailEvent", "java.lang.String.repeat"),
                arguments("static through an instance: unbounded formatting",
                        "select userAgent.format('%2000000000s', eventName) as f from CloudTrailEvent", "java.lang.String.format"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void javaAccessIsRefusedWithFileLineAndWhy(String name, String epl, String mentions) {
        String text = "// attempt: " + name + "\n\n" + epl + ";\n";
        EsperEngine.Validation result = EsperEngine.validate(text, "attack.epl", io.trailsentry.context.StageCatalog.bundled());

        assertThat(result.valid()).as(name).isFalse();
        RuleError error = result.errors().get(0);
        assertThat(error.file()).isEqualTo("attack.epl");
        assertThat(error.line()).as("line of %s: %s", name, error.describe()).isGreaterThanOrEqualTo(3);
        assertThat(error.message()).as(error.describe()).contains(mentions).containsIgnoringCase("rule");
    }

    @Test
    void aRulesFolderWithAForbiddenCallDoesNotLoadAndNamesTheFile(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("00_ok.epl"), "select * from CloudTrailEvent(eventName = 'ListUsers');\n");
        Files.writeString(dir.resolve("10_evil.epl"), "// looks harmless\nselect eventName,\n  eventName.getClass().getClassLoader() as cl\nfrom CloudTrailEvent;\n");

        assertThatThrownBy(() -> EsperEngine.compile(dir))
                .isInstanceOfSatisfying(RuleLoadException.class, e -> {
                    assertThat(e.errors()).extracting(RuleError::file).containsOnly("10_evil.epl");
                    assertThat(e.errors().get(0).line()).isEqualTo(3);
                    assertThat(e.errors().get(0).message()).contains("java.lang.Class");
                });
    }

    @Test
    void theShippedRulesPassTheSandbox() throws Exception {
        // Through the build's cache: layer 3 (the byte-code check) runs on every module, cached or not;
        // layer 2 is not re-run on a cached module, so it runs here on each file's statements.
        CompiledRules rules = TestRules.shipped();
        try (Stream<Path> files = Files.list(TestRules.SHIPPED)) {
            assertThat(rules.files()).hasSize((int) files.filter(f -> f.toString().endsWith(".epl")).count());
        }
        EPCompiler compiler = EPCompilerProvider.getCompiler();
        Configuration configuration = EsperEngine.newConfiguration();
        for (CompiledRules.CompiledFile file : rules.files()) {
            Module module = compiler.parseModule(file.source());
            assertThat(RuleSandbox.checkStatements(file.relativePath(), file.source(), module, compiler, configuration))
                    .as(file.relativePath()).isEmpty();
        }
    }

    @Test
    void inCidrMatchesNetworksAndNeverServiceNames() {
        assertThat(RuleFunctions.inCidr("10.1.2.3", "10.0.0.0/8, 192.168.0.0/16")).isTrue();
        assertThat(RuleFunctions.inCidr("2001:db8::1", "2001:db8::/32")).isTrue();
        assertThat(RuleFunctions.inCidr("203.0.113.9", "10.0.0.0/8")).isFalse();
        assertThat(RuleFunctions.inCidr("ec2.amazonaws.com", "10.0.0.0/8")).isFalse();
        assertThat(RuleFunctions.inCidr(null, "10.0.0.0/8")).isFalse();
        assertThat(RuleFunctions.lower(null)).isNull();
        assertThat(List.of(RuleFunctions.lower("Boto3"), RuleFunctions.upper("x"))).containsExactly("boto3", "X");
    }
}
