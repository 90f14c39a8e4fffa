package io.trailsentry.incident;

import io.agroal.api.AgroalDataSource;
import io.trailsentry.alert.Alert;
import io.trailsentry.engine.Severity;
import io.trailsentry.scoring.Incident;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static io.trailsentry.incident.TestAlerts.incident;
import static io.trailsentry.incident.TestAlerts.signal;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What the incident repository promises, run as it is against every database it supports (H2 and
 * PostgreSQL): the SQL is one text for both, so both must pass the same tests.
 */
abstract class IncidentRepositoryContract {

    static final Instant T0 = Instant.parse("2026-01-20T18:00:00Z");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-02-01T09:00:00Z"), ZoneOffset.UTC);
    static final String ACCOUNT = "123456789012";

    /** A JDBC URL of an empty database; called once per test. */
    abstract String freshDatabaseUrl() throws Exception;

    abstract Optional<String> username();

    abstract Optional<String> password();

    String url;
    JdbcIncidentRepository repository;
    final List<String> statements = Collections.synchronizedList(new ArrayList<>());
    final AtomicLong rowsRead = new AtomicLong();

    @BeforeEach
    void openFreshDatabase() throws Exception {
        url = freshDatabaseUrl();
        repository = open();
    }

    @AfterEach
    void closeDatabase() {
        if (repository != null) {
            repository.close();
        }
    }

    /** A repository over the production pool, wrapped so a test can see the SQL it ran and the rows it read. */
    JdbcIncidentRepository open() {
        AgroalDataSource pool = IncidentDatabase.pool(url, username(), password(), 4);
        return new JdbcIncidentRepository(counting(pool), pool, CLOCK);
    }

    @Test
    void anIncidentAlertOpensAnIncidentAndCountsTheSignalRecordedBeforeIt() {
        Alert first = signal("inc-1", ACCOUNT, "mallory", "IAM enumeration burst", "Medium", List.of("discovery"),
                T0.plusSeconds(60), "203.0.113.99", true, "ListUsers", "AccessDenied");
        Alert opened = incident("inc-1", ACCOUNT, "mallory", "Medium", 45, List.of("discovery"), T0, T0.plusSeconds(60),
                List.of("203.0.113.99", "10.1.2.3"), List.of("203.0.113.99"));

        List<IncidentChange> changes = repository.record(List.of(first, opened));

        assertThat(changes).extracting(IncidentChange::change).containsExactly(IncidentChange.CREATED);
        IncidentSummary s = changes.get(0).incident();
        assertThat(s.incidentId()).isEqualTo("inc-1");
        assertThat(s.severity()).isEqualTo("Medium");
        assertThat(s.score()).isEqualTo(45);
        assertThat(s.stages()).containsExactly("discovery");
        assertThat(s.actorName()).isEqualTo("mallory");
        assertThat(s.accountId()).isEqualTo(ACCOUNT);
        assertThat(s.firstSeen()).isEqualTo(T0);
        assertThat(s.lastSeen()).isEqualTo(T0.plusSeconds(60));
        assertThat(s.signalCount()).isEqualTo(1);
        assertThat(s.escalations()).isEqualTo(1);
        assertThat(s.status()).isEqualTo(TriageStatus.OPEN);
        assertThat(s.statusBy()).isNull();
        assertThat(s.sourceIps()).containsExactly(new SourceIp("10.1.2.3", false), new SourceIp("203.0.113.99", true));
        assertThat(repository.summary("inc-1")).contains(s);
    }

    @Test
    void signalsWithoutAnIncidentAlertShowNoIncident() {
        List<IncidentChange> changes = repository.record(List.of(signal("inc-orphan", ACCOUNT, "mallory", "Rule", "Low",
                List.of("persistence"), T0, "198.51.100.1", false, "CreateUser", null)));

        assertThat(changes).isEmpty();
        assertThat(repository.summary("inc-orphan")).isEmpty();
        assertThat(repository.find(IncidentQuery.all(0, 10)).total()).isZero();
    }

    @Test
    void anEscalationUpdatesTheIncidentAndKeepsItsAcknowledgement() {
        repository.record(List.of(incident("inc-2", ACCOUNT, "mallory", "Medium", 45, List.of("discovery"), T0, T0.plusSeconds(60),
                List.of("203.0.113.99"), List.of("203.0.113.99"))));
        Instant acknowledgedAt = Instant.parse("2026-02-01T08:00:00Z");
        assertThat(repository.triage("inc-2", TriageStatus.ACKNOWLEDGED, "alice", "on it", acknowledgedAt)).isPresent();

        List<IncidentChange> changes = repository.record(List.of(incident("inc-2", ACCOUNT, "mallory", "Critical", 100,
                List.of("discovery", "privilege_escalation", "persistence"), T0, T0.plusSeconds(300), List.of("203.0.113.99"),
                List.of("203.0.113.99"))));

        assertThat(changes).extracting(IncidentChange::change).containsExactly(IncidentChange.ESCALATED);
        IncidentSummary s = changes.get(0).incident();
        assertThat(s.severity()).isEqualTo("Critical");
        assertThat(s.score()).isEqualTo(100);
        assertThat(s.stages()).containsExactly("discovery", "privilege_escalation", "persistence");
        assertThat(s.escalations()).isEqualTo(2);
        assertThat(s.lastSeen()).isEqualTo(T0.plusSeconds(300));
        assertThat(s.status()).isEqualTo(TriageStatus.ACKNOWLEDGED);
        assertThat(s.statusBy()).isEqualTo("alice");
        assertThat(s.statusAt()).isEqualTo(acknowledgedAt);
        assertThat(s.statusNote()).isEqualTo("on it");
    }

    @Test
    void aResolvedIncidentThatEscalatesReopensAndSaysWhy() {
        repository.record(List.of(incident("inc-3", ACCOUNT, "mallory", "High", 68, List.of("discovery", "persistence"), T0,
                T0.plusSeconds(60), List.of(), List.of())));
        repository.triage("inc-3", TriageStatus.RESOLVED, "alice", "false positive: pentest", Instant.parse("2026-02-01T08:00:00Z"));

        List<IncidentChange> changes = repository.record(List.of(incident("inc-3", ACCOUNT, "mallory", "Critical", 100,
                List.of("discovery", "persistence", "collection"), T0, T0.plusSeconds(600), List.of(), List.of())));

        assertThat(changes).extracting(IncidentChange::change).containsExactly(IncidentChange.REOPENED);
        IncidentSummary s = changes.get(0).incident();
        assertThat(s.status()).isEqualTo(TriageStatus.OPEN);
        assertThat(s.statusBy()).isEqualTo(JdbcIncidentRepository.SYSTEM_ACTOR);
        assertThat(s.statusAt()).isEqualTo(CLOCK.instant());
        assertThat(s.statusNote()).contains("reopened", "Critical", "collection");
        IncidentDetail detail = repository.detail("inc-3").orElseThrow();
        assertThat(detail.triageHistory()).extracting(IncidentDetail.TriageAction::status, IncidentDetail.TriageAction::by)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(TriageStatus.RESOLVED, "alice"),
                        org.assertj.core.groups.Tuple.tuple(TriageStatus.OPEN, JdbcIncidentRepository.SYSTEM_ACTOR));
    }

    @Test
    void replayedAlertsChangeNothing() {
        List<Alert> batch = List.of(
                incident("inc-4", ACCOUNT, "mallory", "Medium", 45, List.of("discovery"), T0, T0.plusSeconds(60), List.of(), List.of()),
                signal("inc-4", ACCOUNT, "mallory", "Rule", "Low", List.of("discovery"), T0.plusSeconds(90), "198.51.100.1", false,
                        "ListRoles", null));
        repository.record(batch);
        IncidentSummary before = repository.summary("inc-4").orElseThrow();

        assertThat(repository.record(batch)).isEmpty();

        assertThat(repository.summary("inc-4")).contains(before);
        assertThat(repository.detail("inc-4").orElseThrow().alertCount()).isEqualTo(2);
    }

    @Test
    void aLaterSignalMovesLastSeenAndAddsItsSourceIp() {
        repository.record(List.of(incident("inc-5", ACCOUNT, "mallory", "Medium", 45, List.of("discovery"), T0, T0.plusSeconds(60),
                List.of("203.0.113.99"), List.of("203.0.113.99"))));

        List<IncidentChange> changes = repository.record(List.of(signal("inc-5", ACCOUNT, "mallory", "Compat bin", "Medium",
                List.of("discovery"), T0.plusSeconds(600), "10.0.0.7", false, "ListUsers", null)));

        assertThat(changes).extracting(IncidentChange::change).containsExactly(IncidentChange.UPDATED);
        IncidentSummary s = changes.get(0).incident();
        assertThat(s.lastSeen()).isEqualTo(T0.plusSeconds(600));
        assertThat(s.signalCount()).isEqualTo(1);
        assertThat(s.escalations()).isEqualTo(1);
        assertThat(s.severity()).isEqualTo("Medium");
        assertThat(s.sourceIps()).containsExactly(new SourceIp("10.0.0.7", false), new SourceIp("203.0.113.99", true));
    }

    @Test
    void anOlderEscalationArrivingLateDoesNotOverwriteTheNewerOne() {
        repository.record(List.of(incident("inc-6", ACCOUNT, "mallory", "Critical", 100, List.of("discovery", "persistence",
                "collection"), T0, T0.plusSeconds(600), List.of(), List.of())));

        repository.record(List.of(incident("inc-6", ACCOUNT, "mallory", "High", 68, List.of("discovery", "persistence"), T0,
                T0.plusSeconds(120), List.of(), List.of())));

        IncidentSummary s = repository.summary("inc-6").orElseThrow();
        assertThat(s.severity()).isEqualTo("Critical");
        assertThat(s.stages()).containsExactly("discovery", "persistence", "collection");
        assertThat(s.escalations()).isEqualTo(2);
    }

    @Test
    void theDetailHasBreakdownTimelineEvidenceLinkedIdentitiesHistoryAndRawAlerts() {
        Alert burst = signal("inc-7", ACCOUNT, "mallory", "IAM enumeration burst", "Medium", List.of("discovery"),
                T0.plusSeconds(60), "203.0.113.99", true, "ListUsers", "AccessDenied");
        Alert opened = incident("inc-7", ACCOUNT, "mallory", "Medium", 45, List.of("discovery"), T0, T0.plusSeconds(60),
                List.of("203.0.113.99"), List.of("203.0.113.99"));
        Alert dataAccess = signal("inc-7", ACCOUNT, "mallory", "Data access by a newly created identity", "High",
                List.of("collection"), T0.plusSeconds(400), "203.0.113.99", true, "GetObject", null);
        Alert critical = TestAlerts.withLinkedIdentities(incident("inc-7", ACCOUNT, "mallory", "Critical", 100,
                        List.of("discovery", "collection"), T0, T0.plusSeconds(400), List.of("203.0.113.99"), List.of("203.0.113.99")),
                List.of("AKIA4NDG6NIN36JQGREK", "arn:aws:iam::123456789012:user/support-automation"),
                List.of(new Incident.SignalRef("r-1", "IAM enumeration burst", List.of("discovery"), Severity.Medium, T0.plusSeconds(60), 51, null,
                                false),
                        new Incident.SignalRef("r-2", "Data access by a newly created identity", List.of("collection"), Severity.High,
                                T0.plusSeconds(400), 1, "AKIA4NDG6NIN36JQGREK", false)));
        repository.record(List.of(burst, opened));
        repository.record(List.of(dataAccess, critical));
        repository.triage("inc-7", TriageStatus.ACKNOWLEDGED, "alice", null, Instant.parse("2026-02-01T08:00:00Z"));

        IncidentDetail d = repository.detail("inc-7").orElseThrow();

        assertThat(d.incident().severity()).isEqualTo("Critical");
        assertThat(d.scoreBreakdown()).extracting(io.trailsentry.scoring.ScoreItem::name).containsExactly("discovery", "collection");
        assertThat(d.contexts()).containsExactly("non_admin", "unknown_ip");
        assertThat(d.signals()).hasSize(2);
        assertThat(d.timeline()).extracting(IncidentDetail.TimelineEntry::kind, IncidentDetail.TimelineEntry::alertId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("signal", burst.alertId()),
                        org.assertj.core.groups.Tuple.tuple("escalation", opened.alertId()),
                        org.assertj.core.groups.Tuple.tuple("signal", dataAccess.alertId()),
                        org.assertj.core.groups.Tuple.tuple("escalation", critical.alertId()));
        assertThat(d.timeline().get(1).title()).startsWith("opened");
        assertThat(d.timeline().get(3).title()).startsWith("escalated").contains("Critical", "discovery → collection");
        assertThat(d.evidenceEvents()).extracting(e -> e.eventName())
                .containsExactly("ListUsers", "ListUsers", "GetObject", "ListUsers");
        assertThat(d.evidenceEvents()).anyMatch(e -> "AccessDenied".equals(e.errorCode()) && "203.0.113.99".equals(e.sourceIp())
                && e.userAgent().contains("<script>"));
        assertThat(d.evidenceEvents()).isSortedAccordingTo(java.util.Comparator.comparing(e -> e.eventTime()));
        assertThat(d.linkedIdentities()).extracting(IncidentDetail.LinkedIdentity::type, IncidentDetail.LinkedIdentity::id)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("access_key", "AKIA4NDG6NIN36JQGREK"),
                        org.assertj.core.groups.Tuple.tuple("user", "arn:aws:iam::123456789012:user/support-automation"));
        assertThat(d.linkedIdentities().get(0).raised()).containsExactly("Data access by a newly created identity");
        assertThat(d.triageHistory()).singleElement().satisfies(h -> {
            assertThat(h.status()).isEqualTo(TriageStatus.ACKNOWLEDGED);
            assertThat(h.by()).isEqualTo("alice");
            assertThat(h.note()).isNull();
        });
        assertThat(d.alertCount()).isEqualTo(4);
        assertThat(d.alerts()).extracting(IncidentDetail.RawAlert::alertId)
                .containsExactly(critical.alertId(), dataAccess.alertId(), opened.alertId(), burst.alertId());
        assertThat(d.alerts().get(0).alert().get("severity").asText()).isEqualTo("Critical");
        assertThat(d.alerts().get(0).alert().get("evidenceEvents").get(0).get("eventName").asText()).isEqualTo("ListUsers");
    }

    @Test
    void filtersAndTheFilterBarCounts() {
        repository.record(List.of(
                incident("f-critical", "111111111111", "a", "Critical", 100, List.of("discovery", "privilege_escalation", "collection"),
                        T0, T0.plusSeconds(3600), List.of(), List.of()),
                incident("f-high", "111111111111", "b", "High", 70, List.of("discovery", "persistence"), T0, T0.plusSeconds(1800),
                        List.of(), List.of()),
                incident("f-medium", "222222222222", "c", "Medium", 45, List.of("discovery"), T0.plusSeconds(7200),
                        T0.plusSeconds(7300), List.of(), List.of()),
                incident("f-low", "222222222222", "d", "Low", 20, List.of("discovery"), T0.plusSeconds(10), T0.plusSeconds(20),
                        List.of(), List.of())));
        repository.triage("f-high", TriageStatus.ACKNOWLEDGED, "alice", null, CLOCK.instant());
        repository.triage("f-low", TriageStatus.RESOLVED, "bob", null, CLOCK.instant());

        assertThat(ids(repository.find(IncidentQuery.all(0, 10))))
                .as("most severe first").containsExactly("f-critical", "f-high", "f-medium", "f-low");
        assertThat(ids(find(Set.of(Severity.Critical, Severity.High), null, null, null, null, null)))
                .containsExactly("f-critical", "f-high");
        assertThat(ids(find(Set.of(), "persistence", null, null, null, null))).containsExactly("f-high");
        assertThat(ids(find(Set.of(), "privilege_escalation", null, null, null, null))).containsExactly("f-critical");
        assertThat(ids(find(Set.of(), null, "222222222222", null, null, null))).containsExactly("f-medium", "f-low");
        assertThat(ids(find(Set.of(), null, null, TriageStatus.OPEN, null, null))).containsExactly("f-critical", "f-medium");
        assertThat(ids(find(Set.of(), null, null, null, T0.plusSeconds(3000), null)))
                .as("active at or after from").containsExactly("f-critical", "f-medium");
        assertThat(ids(find(Set.of(), null, null, null, null, T0.plusSeconds(5)))).as("active before to")
                .containsExactly("f-critical", "f-high");
        assertThat(ids(new IncidentQuery(Set.of(), null, null, null, null, null, IncidentQuery.Sort.LAST_SEEN, 0, 10)))
                .containsExactly("f-medium", "f-critical", "f-high", "f-low");

        IncidentPage page = find(Set.of(Severity.Critical), null, null, TriageStatus.OPEN, null, null);
        assertThat(page.total()).isEqualTo(1);
        assertThat(page.bySeverity()).as("severity counts ignore the severity filter, keep the others")
                .containsEntry("Critical", 1L).containsEntry("High", 0L).containsEntry("Medium", 1L).containsEntry("Low", 0L)
                .containsEntry("Informational", 0L);
        assertThat(page.byStatus()).as("status counts ignore the status filter, keep the others")
                .containsEntry("open", 1L).containsEntry("acknowledged", 0L).containsEntry("resolved", 0L);
    }

    @Test
    void tenThousandIncidentsArePagedReadingOnlyThePage() {
        List<Alert> batch = new ArrayList<>();
        String[] severities = {"Low", "Medium", "High", "Critical"};
        for (int i = 0; i < 10_000; i++) {
            batch.add(incident(String.format("bulk-%05d", i), i % 2 == 0 ? "111111111111" : "222222222222", "actor-" + i,
                    severities[i % 4], 10 + i % 90, List.of("discovery"), T0, T0.plusSeconds(i), List.of(), List.of()));
            if (batch.size() == 500) {
                repository.record(batch);
                batch.clear();
            }
        }
        statements.clear();
        rowsRead.set(0);

        IncidentPage page = repository.find(IncidentQuery.all(3, 50));

        assertThat(page.total()).isEqualTo(10_000);
        assertThat(page.items()).hasSize(50);
        assertThat(page.bySeverity()).containsEntry("Critical", 2500L).containsEntry("Low", 2500L);
        // Page 3 of the Critical incidents (every 4th, i = 3, 7, …), most recent first.
        assertThat(page.items().get(0).incidentId()).isEqualTo(String.format("bulk-%05d", 9999 - 4 * 150));
        assertThat(page.items()).allMatch(s -> s.severity().equals("Critical"));
        assertThat(page.items()).isSortedAccordingTo(java.util.Comparator.comparing(IncidentSummary::lastSeen).reversed());
        assertThat(statements).anyMatch(sql -> sql.contains("LIMIT ?") && sql.contains("OFFSET ?") && sql.contains("ORDER BY"));
        // 50 rows of the page, one total, at most 5 + 3 grouped counts: never the table.
        assertThat(rowsRead.get()).as("rows read for one page").isLessThanOrEqualTo(50 + 1 + 5 + 3);

        IncidentPage last = repository.find(new IncidentQuery(Set.of(), null, "222222222222", null, null, null,
                IncidentQuery.Sort.LAST_SEEN, 99, 50));
        assertThat(last.total()).isEqualTo(5000);
        assertThat(last.items()).hasSize(50).last().extracting(IncidentSummary::incidentId).isEqualTo("bulk-00001");
        assertThat(repository.find(IncidentQuery.all(200, 50)).items()).isEmpty();
    }

    @Test
    void incidentsAndTriageSurviveReopeningTheDatabase() {
        repository.record(List.of(incident("inc-8", ACCOUNT, "mallory", "High", 68, List.of("discovery", "persistence"), T0,
                T0.plusSeconds(60), List.of("203.0.113.99"), List.of("203.0.113.99"))));
        repository.triage("inc-8", TriageStatus.ACKNOWLEDGED, "alice", "ticket SOC-42", Instant.parse("2026-02-01T08:00:00Z"));
        IncidentSummary before = repository.summary("inc-8").orElseThrow();
        repository.close();

        repository = open();

        assertThat(repository.summary("inc-8")).contains(before);
        assertThat(repository.detail("inc-8").orElseThrow().triageHistory()).hasSize(1);
    }

    @Test
    void triageOfAnUnknownIncidentChangesNothing() {
        assertThat(repository.triage("no-such-incident", TriageStatus.RESOLVED, "alice", null, CLOCK.instant())).isEmpty();
        assertThat(repository.detail("no-such-incident")).isEmpty();
    }

    @Test
    void aBatchWithAnAlertTheStoreCannotTakeIsRolledBackWhole() {
        Alert good = incident("inc-9", ACCOUNT, "mallory", "High", 68, List.of("persistence"), T0, T0.plusSeconds(60), List.of(), List.of());
        Alert bad = incident("inc-10-" + "x".repeat(100), ACCOUNT, "mallory", "High", 68, List.of("persistence"), T0, T0.plusSeconds(60),
                List.of(), List.of());

        assertThatThrownBy(() -> repository.record(List.of(good, bad))).isInstanceOf(StoreException.class);

        assertThat(repository.summary("inc-9")).isEmpty();
        assertThat(repository.record(List.of(good))).hasSize(1);
    }

    @Test
    void longValuesAreCutToTheirColumnsInsteadOfFailingTheAlert() {
        String longActor = "x".repeat(5000);
        repository.record(List.of(incident("inc-11", ACCOUNT, longActor, "High", 68, List.of("persistence"), T0, T0.plusSeconds(60),
                List.of(), List.of())));

        IncidentSummary s = repository.summary("inc-11").orElseThrow();
        assertThat(s.actorName()).hasSize(1024);
        assertThat(repository.detail("inc-11").orElseThrow().alerts().get(0).alert().get("actorName").asText()).hasSize(5000);
    }

    // ---------------------------------------------------------------- upgrades from the version before migrations

    @Test
    void aDatabaseMadeBeforeMigrationsIsAdoptedAtVersion1AndMigratedToVersion2KeepingItsRows() throws Exception {
        AgroalDataSource previous = IncidentDatabase.pool(freshDatabaseUrl(), username(), password(), 2);
        PreviousVersionDatabase.create(previous);

        JdbcIncidentRepository upgraded = new JdbcIncidentRepository(previous, previous, CLOCK);
        try {
            assertThat(upgraded.schema()).isEqualTo(new IncidentSchema.Outcome("2", 1, true));
            assertThat(history(previous)).containsExactly("1 BASELINE true", "2 SQL true");
            assertThat(indexes(previous, "ts_incident_alert")).contains("ts_incident_alert_incident",
                    "ts_incident_alert_incident_kind", "ts_incident_alert_incident_seq");

            // What the previous version wrote reads as it did.
            assertThat(ids(upgraded.find(IncidentQuery.all(0, 10))))
                    .containsExactly(PreviousVersionDatabase.ACKNOWLEDGED, PreviousVersionDatabase.RESOLVED);
            IncidentSummary acknowledged = upgraded.summary(PreviousVersionDatabase.ACKNOWLEDGED).orElseThrow();
            assertThat(acknowledged.severity()).isEqualTo("High");
            assertThat(acknowledged.stages()).containsExactly("discovery", "persistence");
            assertThat(acknowledged.escalations()).isEqualTo(2);
            assertThat(acknowledged.signalCount()).isEqualTo(1);
            assertThat(acknowledged.status()).isEqualTo(TriageStatus.ACKNOWLEDGED);
            assertThat(acknowledged.statusBy()).isEqualTo("alice");
            assertThat(acknowledged.statusAt()).isEqualTo(PreviousVersionDatabase.ACKNOWLEDGED_AT);
            assertThat(acknowledged.sourceIps()).containsExactly(new SourceIp("203.0.113.99", true));
            IncidentDetail detail = upgraded.detail(PreviousVersionDatabase.ACKNOWLEDGED).orElseThrow();
            assertThat(detail.timeline()).extracting(IncidentDetail.TimelineEntry::title)
                    .containsExactly("IAM enumeration burst", "opened as Medium: discovery", "escalated to High: discovery → persistence");
            assertThat(detail.alertCount()).isEqualTo(3);
            assertThat(detail.scoreBreakdown()).extracting(io.trailsentry.scoring.ScoreItem::name).containsExactly("discovery", "persistence");
            assertThat(detail.triageHistory()).extracting(IncidentDetail.TriageAction::by).containsExactly("alice");
            assertThat(ids(upgraded.find(new IncidentQuery(Set.of(), "persistence", null, null, null, null,
                    IncidentQuery.Sort.SEVERITY, 0, 10)))).containsExactly(PreviousVersionDatabase.ACKNOWLEDGED);

            // And the new version goes on from there.
            assertThat(upgraded.record(List.of(PreviousVersionDatabase.ESCALATED))).as("already recorded by the previous version").isEmpty();
            assertThat(upgraded.record(List.of(signal(PreviousVersionDatabase.ACKNOWLEDGED, PreviousVersionDatabase.ACCOUNT, "mallory",
                    "Data access", "High", List.of("collection"), PreviousVersionDatabase.T0.plusSeconds(900), "203.0.113.99", true,
                    "GetObject", null)))).extracting(IncidentChange::change).containsExactly(IncidentChange.UPDATED);
            assertThat(upgraded.record(List.of(incident(PreviousVersionDatabase.RESOLVED, "210987654321", "bob-automation", "High", 70,
                    List.of("discovery", "persistence"), PreviousVersionDatabase.T0.plusSeconds(600),
                    PreviousVersionDatabase.T0.plusSeconds(1200), List.of(), List.of()))))
                    .extracting(IncidentChange::change).containsExactly(IncidentChange.REOPENED);
            assertThat(upgraded.detail(PreviousVersionDatabase.ACKNOWLEDGED).orElseThrow().alertCount()).isEqualTo(4);
        } finally {
            upgraded.close();
        }
    }

    @Test
    void aMigratedDatabaseOpensWithoutMigratingAgain() {
        repository.close();

        repository = open();

        assertThat(repository.schema()).isEqualTo(new IncidentSchema.Outcome("2", 0, false));
    }

    @Test
    void anEmptyDatabaseRunsEveryMigrationWithoutABaseline() throws Exception {
        try (AgroalDataSource db = IncidentDatabase.pool(url, username(), password(), 1)) {
            assertThat(history(db)).containsExactly("1 SQL true", "2 SQL true");
        }
    }

    @Test
    void version1CreatesExactlyTheSchemaOfTheVersionBeforeMigrations() throws Exception {
        try (AgroalDataSource previous = IncidentDatabase.pool(freshDatabaseUrl(), username(), password(), 1);
             AgroalDataSource v1 = IncidentDatabase.pool(freshDatabaseUrl(), username(), password(), 1)) {
            try (Connection c = previous.getConnection(); java.sql.Statement s = c.createStatement()) {
                for (String ddl : PreviousVersionDatabase.SCHEMA) {
                    s.execute(ddl);
                }
            }
            IncidentSchema.migrate(v1, "1", IncidentSchema.LOCATION);

            assertThat(describe(v1)).isEqualTo(describe(previous)).contains("ts_incident_alert.kind", "ts_incident_triage_incident");
        }
    }

    /** The schema history's versions, one {@code "version type success"} a line. */
    private static List<String> history(DataSource db) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("SELECT \"version\", \"type\", \"success\" FROM \""
                + IncidentSchema.HISTORY_TABLE + "\" WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\""); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getBoolean(3));
            }
        }
        return out;
    }

    /** Index names of a table, lower case. */
    private static Set<String> indexes(DataSource db, String table) throws Exception {
        Set<String> out = new java.util.TreeSet<>();
        try (Connection c = db.getConnection()) {
            String name = c.getMetaData().storesUpperCaseIdentifiers() ? table.toUpperCase(java.util.Locale.ROOT) : table;
            try (ResultSet rs = c.getMetaData().getIndexInfo(c.getCatalog(), c.getSchema(), name, false, false)) {
                while (rs.next()) {
                    if (rs.getString("INDEX_NAME") != null) {
                        out.add(rs.getString("INDEX_NAME").toLowerCase(java.util.Locale.ROOT));
                    }
                }
            }
        }
        return out;
    }

    /**
     * The store's tables as the database reports them: columns with type, size, nullability and
     * identity; the primary key; indexes by columns and uniqueness, with their names where we chose
     * them (the database names the ones behind constraints).
     */
    private static String describe(DataSource db) throws Exception {
        StringBuilder out = new StringBuilder();
        try (Connection c = db.getConnection()) {
            java.sql.DatabaseMetaData meta = c.getMetaData();
            for (String table : List.of("ts_incident", "ts_incident_alert", "ts_incident_triage")) {
                String name = meta.storesUpperCaseIdentifiers() ? table.toUpperCase(java.util.Locale.ROOT) : table;
                try (ResultSet rs = meta.getColumns(c.getCatalog(), c.getSchema(), name, null)) {
                    while (rs.next()) {
                        out.append(table).append('.').append(rs.getString("COLUMN_NAME").toLowerCase(java.util.Locale.ROOT)).append(' ')
                                .append(rs.getString("TYPE_NAME")).append('(').append(rs.getInt("COLUMN_SIZE")).append(") nullable=")
                                .append(rs.getString("IS_NULLABLE")).append(" identity=").append(rs.getString("IS_AUTOINCREMENT"))
                                .append('\n');
                    }
                }
                try (ResultSet rs = meta.getPrimaryKeys(c.getCatalog(), c.getSchema(), name)) {
                    while (rs.next()) {
                        out.append(table).append(" primary key ").append(rs.getString("COLUMN_NAME").toLowerCase(java.util.Locale.ROOT))
                                .append('\n');
                    }
                }
                java.util.Map<String, String> byIndex = new java.util.TreeMap<>();
                try (ResultSet rs = meta.getIndexInfo(c.getCatalog(), c.getSchema(), name, false, false)) {
                    while (rs.next()) {
                        String index = rs.getString("INDEX_NAME");
                        if (index != null) {
                            String label = index.toLowerCase(java.util.Locale.ROOT);
                            byIndex.merge(label, (rs.getBoolean("NON_UNIQUE") ? "index " : "unique index ")
                                    + rs.getString("COLUMN_NAME").toLowerCase(java.util.Locale.ROOT), (a, b) -> a + "," + b);
                        }
                    }
                }
                byIndex.entrySet().stream()
                        .map(e -> table + " " + e.getValue() + (e.getKey().startsWith("ts_") ? " " + e.getKey() : ""))
                        .sorted().forEach(line -> out.append(line).append('\n'));
            }
        }
        return out.toString();
    }

    private IncidentPage find(Set<Severity> severities, String stage, String account, TriageStatus status, Instant from, Instant to) {
        return repository.find(new IncidentQuery(severities, stage, account, status, from, to, IncidentQuery.Sort.SEVERITY, 0, 50));
    }

    private static List<String> ids(IncidentPage page) {
        return page.items().stream().map(IncidentSummary::incidentId).toList();
    }

    private List<String> ids(IncidentQuery query) {
        return ids(repository.find(query));
    }

    // ---------------------------------------------------------------- a data source that counts

    /** Wraps connections so every prepared SQL text is recorded and every row read is counted. */
    private DataSource counting(DataSource target) {
        return proxy(DataSource.class, target, (method, result) -> result instanceof Connection c
                ? proxy(Connection.class, c, (m, r) -> m.getName().equals("prepareStatement")
                        ? proxy(PreparedStatement.class, (PreparedStatement) r, (m2, r2) -> r2 instanceof ResultSet rs ? rows(rs) : r2)
                        : r, (m, args) -> {
                    if (m.getName().equals("prepareStatement")) {
                        statements.add((String) args[0]);
                    }
                })
                : result);
    }

    private ResultSet rows(ResultSet rs) {
        return proxy(ResultSet.class, rs, (m, r) -> {
            if (m.getName().equals("next") && Boolean.TRUE.equals(r)) {
                rowsRead.incrementAndGet();
            }
            return r;
        });
    }

    private interface ResultWrapper {
        Object wrap(java.lang.reflect.Method method, Object result) throws Exception;
    }

    private interface CallObserver {
        void observe(java.lang.reflect.Method method, Object[] args);
    }

    private static <T> T proxy(Class<T> type, T target, ResultWrapper wrapper) {
        return proxy(type, target, wrapper, (m, a) -> {
        });
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, T target, ResultWrapper wrapper, CallObserver observer) {
        InvocationHandler handler = (p, method, args) -> {
            observer.observe(method, args);
            try {
                return wrapper.wrap(method, method.invoke(target, args));
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, handler);
    }
}
