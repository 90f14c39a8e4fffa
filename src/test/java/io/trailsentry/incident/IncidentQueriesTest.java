package io.trailsentry.incident;

import io.trailsentry.engine.Severity;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The console's SQL as text and parameters, without a database (the contract runs it on H2 and PostgreSQL). */
class IncidentQueriesTest {

    static final Instant FROM = Instant.parse("2026-01-20T00:00:00Z");
    static final Instant TO = Instant.parse("2026-01-21T00:00:00Z");
    static final IncidentQuery EVERY_FILTER = new IncidentQuery(Set.of(Severity.Critical, Severity.High), "privilege_escalation",
            "123456789012", TriageStatus.OPEN, FROM, TO, IncidentQuery.Sort.LAST_SEEN, 2, 50);

    @Test
    void aPageBindsEveryFilterThenItsSizeAndOffset() {
        IncidentQueries.Sql page = IncidentQueries.page(EVERY_FILTER);

        assertThat(page.text()).endsWith(" FROM ts_incident WHERE severity_rank IN (?, ?) AND stages LIKE ? ESCAPE '!' "
                + "AND account_id = ? AND status = ? AND last_seen >= ? AND first_seen < ? ORDER BY last_seen DESC, incident_id "
                + "LIMIT ? OFFSET ?");
        assertThat(page.params()).containsExactly(Severity.High.ordinal(), Severity.Critical.ordinal(), "%,privilege!_escalation,%",
                "123456789012", "open", FROM.toEpochMilli(), TO.toEpochMilli(), 50, 100L);
    }

    @Test
    void theFilterBarCountsLeaveOutTheirOwnFilter() {
        assertThat(IncidentQueries.countBySeverity(EVERY_FILTER).text()).doesNotContain("severity_rank").contains("status = ?")
                .endsWith(" GROUP BY severity");
        assertThat(IncidentQueries.countByStatus(EVERY_FILTER).text()).contains("severity_rank IN").doesNotContain("status = ?")
                .endsWith(" GROUP BY status");
        assertThat(IncidentQueries.total(EVERY_FILTER).params()).as("every filter, no paging").hasSize(7);
    }

    @Test
    void noFilterNoWhereAndTheDefaultSortIsMostSevereFirst() {
        IncidentQueries.Sql page = IncidentQueries.page(IncidentQuery.all(0, 10));

        assertThat(page.text()).doesNotContain("WHERE").contains(" ORDER BY severity_rank DESC, last_seen DESC, incident_id ");
        assertThat(page.params()).containsExactly(10, 0L);
    }

    @Test
    void likeWildcardsInAStageAreMatchedLiterally() {
        assertThat(IncidentQueries.where(new IncidentQuery(Set.of(), "a%b!c", null, null, null, null, null, 0, 1), true, true).params())
                .containsExactly("%,a!%b!!c,%");
    }
}
