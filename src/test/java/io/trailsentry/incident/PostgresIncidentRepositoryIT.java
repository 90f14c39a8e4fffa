package io.trailsentry.incident;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.util.Optional;

/**
 * The repository contract on a real PostgreSQL (started for this class, a new database per test,
 * password authentication as in production): the same tests, the same SQL as on H2.
 */
class PostgresIncidentRepositoryIT extends IncidentRepositoryContract {

    static ThrowawayPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = ThrowawayPostgres.start();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Override
    String freshDatabaseUrl() throws Exception {
        return postgres.createDatabase();
    }

    @Override
    Optional<String> username() {
        return Optional.of(ThrowawayPostgres.USER);
    }

    @Override
    Optional<String> password() {
        return Optional.of(ThrowawayPostgres.PASSWORD);
    }
}
