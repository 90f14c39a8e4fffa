package io.trailsentry.incident;

import io.agroal.api.AgroalDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How migrations fail and whose tables they adopt, on an in-memory H2 (the repository contract runs
 * the upgrade from the previous version on H2 and PostgreSQL).
 */
class IncidentSchemaTest {

    @TempDir
    Path extra;
    AgroalDataSource db;

    @BeforeEach
    void emptyDatabase() {
        db = IncidentDatabase.pool("jdbc:h2:mem:" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", Optional.empty(), Optional.empty(), 2);
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void aFailingMigrationStopsTheStartNamingItsFile() throws Exception {
        Path v3 = extra.resolve("V3__add_a_column.sql");
        Files.writeString(v3, "ALTER TABLE ts_incident_nope ADD COLUMN note_2 VARCHAR(10);\n");

        assertThatThrownBy(() -> IncidentSchema.migrate(db, null, IncidentSchema.LOCATION, "filesystem:" + extra))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("migration V3__add_a_column.sql (version 3) failed")
                .hasMessageContaining("TS_INCIDENT_NOPE")
                .satisfies(e -> assertThat(((StoreException) e).retryable()).isFalse());

        // H2 cannot roll DDL back, so Flyway keeps the failure, and a fixed file is refused until its row goes,
        // as the message says (PostgreSQL rolls the migration back and keeps no row).
        Files.writeString(v3, "ALTER TABLE ts_incident ADD COLUMN note_2 VARCHAR(10);\n");
        assertThatThrownBy(() -> IncidentSchema.migrate(db, null, IncidentSchema.LOCATION, "filesystem:" + extra))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot bring the schema up to date")
                .hasMessageContaining("failed migration to version 3");
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("DELETE FROM \"" + IncidentSchema.HISTORY_TABLE + "\" WHERE \"success\" = FALSE");
        }
        assertThat(IncidentSchema.migrate(db, null, IncidentSchema.LOCATION, "filesystem:" + extra))
                .isEqualTo(new IncidentSchema.Outcome("3", 1, false));
    }

    @Test
    void aMigrationChangedAfterItRanStopsTheStartSayingSo() throws Exception {
        Files.writeString(extra.resolve("V3__add_a_column.sql"), "ALTER TABLE ts_incident ADD COLUMN note_2 VARCHAR(10);\n");
        IncidentSchema.migrate(db, null, IncidentSchema.LOCATION, "filesystem:" + extra);
        Files.writeString(extra.resolve("V3__add_a_column.sql"), "ALTER TABLE ts_incident ADD COLUMN note_2 VARCHAR(20);\n");

        assertThatThrownBy(() -> IncidentSchema.migrate(db, null, IncidentSchema.LOCATION, "filesystem:" + extra))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("cannot bring the schema up to date")
                .hasMessageContaining("checksum");
    }

    @Test
    void anotherApplicationsTablesAreNotTakenForOursAndEveryMigrationRuns() throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE someone_elses (id INT)");
        }

        IncidentSchema.Outcome outcome = IncidentSchema.migrate(db);

        assertThat(outcome).isEqualTo(new IncidentSchema.Outcome("2", 2, false));
        try (Connection c = db.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM ts_incident")) {
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }
}
