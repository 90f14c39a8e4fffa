package io.trailsentry.incident;

import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/** The repository contract on the default database: an embedded H2 file, a new one per test. */
class H2IncidentRepositoryTest extends IncidentRepositoryContract {

    @Override
    String freshDatabaseUrl() {
        Path file = Path.of("target", "test-data", "incident-repository", UUID.randomUUID().toString(), "incidents");
        return "jdbc:h2:file:" + file.toAbsolutePath() + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    @Override
    Optional<String> username() {
        return Optional.empty();
    }

    @Override
    Optional<String> password() {
        return Optional.empty();
    }
}
