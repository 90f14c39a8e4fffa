package io.trailsentry.incident;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.callback.BaseCallback;
import org.flywaydb.core.api.callback.Context;
import org.flywaydb.core.api.callback.Event;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;

/**
 * The incident store's schema: Flyway migrations in {@code db/incidents} ({@code V1} is the schema
 * the store created before it had migrations, {@code V2} onwards its changes), applied at start
 * before the repository reads or writes a row. One set of SQL files serves H2 and PostgreSQL.
 *
 * <p>A database made by the store before migrations holds the tables of {@code V1} and no history:
 * it is adopted at version 1 (a Flyway baseline) and migrated on from there, its rows untouched.
 */
final class IncidentSchema {

    static final String LOCATION = "classpath:db/incidents";
    /** The store's own history table: a PostgreSQL schema shared with another Flyway user keeps both histories apart. */
    static final String HISTORY_TABLE = "ts_incident_schema_history";
    /** The first table the store ever created: present without a history, the database predates migrations. */
    private static final String FIRST_TABLE = "ts_incident";

    /** What a start did to the schema, for the start-up log. */
    record Outcome(String version, int applied, boolean adopted) {
    }

    private IncidentSchema() {
    }

    /**
     * Brings the database to the latest schema version.
     *
     * @throws StoreException naming the migration that failed, or why the history does not match the files
     */
    static Outcome migrate(DataSource dataSource) {
        return migrate(dataSource, null, LOCATION);
    }

    /**
     * As {@link #migrate(DataSource)}, for tests: up to {@code target} (null: the latest) from
     * {@code locations} (another folder adds a failing migration).
     */
    static Outcome migrate(DataSource dataSource, String target, String... locations) {
        String url;
        boolean predatesMigrations;
        try (Connection c = dataSource.getConnection()) {
            url = IncidentDatabase.redact(c.getMetaData().getURL());
            predatesMigrations = tableExists(c, FIRST_TABLE) && !tableExists(c, HISTORY_TABLE);
        } catch (SQLException e) {
            throw new StoreException("cannot read the tables of the incident database", e);
        }
        Current current = new Current();
        Flyway flyway = Flyway.configure(IncidentSchema.class.getClassLoader())
                .dataSource(dataSource)
                .locations(locations)
                .table(HISTORY_TABLE)
                // Flyway baselines only a non-empty schema without a history. Ours: adopted at 1, its tables
                // being V1's. Someone else's tables (a shared PostgreSQL schema): baseline below V1, so V1 runs.
                .baselineOnMigrate(true)
                .baselineVersion(predatesMigrations ? "1" : "0")
                .baselineDescription(predatesMigrations ? "incident store created before migrations" : "schema shared with other tables")
                .target(target == null ? "latest" : target)
                .callbacks(current)
                .loggers("slf4j")
                .load();
        try {
            MigrateResult result = flyway.migrate();
            String version = result.targetSchemaVersion != null ? result.targetSchemaVersion : result.initialSchemaVersion;
            return new Outcome(version, result.migrationsExecuted, predatesMigrations);
        } catch (FlywayException e) {
            MigrationInfo failed = current.migration;
            if (failed != null) {
                throw new StoreException("incident database " + url + ": migration " + failed.getScript() + " (version "
                        + failed.getVersion() + ") failed, so the server does not start. Fix the cause and start again. "
                        + "PostgreSQL rolled the migration back; H2 cannot, so there first undo what it did and delete its "
                        + "failed row from " + HISTORY_TABLE + ". Flyway said: " + e.getMessage(), e);
            }
            throw new StoreException("incident database " + url + ": cannot bring the schema up to date, so the server does not "
                    + "start (a migration file changed after it ran, or the database is newer than this version). Flyway said: "
                    + e.getMessage(), e);
        }
    }

    /** In the connection's schema, where Flyway works; H2 folds unquoted names to upper case, PostgreSQL to lower. */
    private static boolean tableExists(Connection c, String name) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        String escape = meta.getSearchStringEscape();
        for (String candidate : new String[]{name.toLowerCase(Locale.ROOT), name.toUpperCase(Locale.ROOT)}) {
            String pattern = escape == null ? candidate : candidate.replace("_", escape + "_");
            try (ResultSet rs = meta.getTables(c.getCatalog(), c.getSchema(), pattern, new String[]{"TABLE", "BASE TABLE"})) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Remembers the migration being applied, so a failure can name it. */
    private static final class Current extends BaseCallback {
        volatile MigrationInfo migration;

        @Override
        public boolean supports(Event event, Context context) {
            return event == Event.BEFORE_EACH_MIGRATE || event == Event.AFTER_EACH_MIGRATE;
        }

        @Override
        public void handle(Event event, Context context) {
            migration = event == Event.BEFORE_EACH_MIGRATE ? context.getMigrationInfo() : null;
        }
    }
}
