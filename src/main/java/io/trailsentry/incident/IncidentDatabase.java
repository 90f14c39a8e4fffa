package io.trailsentry.incident;

import io.agroal.api.AgroalDataSource;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration.ConnectionValidator;
import io.agroal.api.configuration.AgroalConnectionPoolConfiguration.ExceptionSorter;
import io.agroal.api.configuration.supplier.AgroalDataSourceConfigurationSupplier;
import io.agroal.api.security.NamePrincipal;
import io.agroal.api.security.SimplePassword;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * Opens the incident database named by a JDBC URL: H2 ({@code jdbc:h2:…}) or PostgreSQL
 * ({@code jdbc:postgresql:…}), behind a small Agroal pool. The driver is picked from the URL here, at
 * run time, so one build serves both.
 */
public final class IncidentDatabase {

    /** The databases the SQL of {@link JdbcIncidentRepository} is written and tested for. */
    enum Kind {
        H2("jdbc:h2:", org.h2.Driver.class),
        POSTGRESQL("jdbc:postgresql:", org.postgresql.Driver.class);

        final String prefix;
        final Class<?> driver;

        Kind(String prefix, Class<?> driver) {
            this.prefix = prefix;
            this.driver = driver;
        }

        static Kind of(String url) {
            for (Kind k : values()) {
                if (url != null && url.startsWith(k.prefix)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("trailsentry.incidents.jdbc-url must start with jdbc:h2: or jdbc:postgresql:, was '"
                    + url + "'");
        }
    }

    private IncidentDatabase() {
    }

    /**
     * A pooled data source for {@code url}; for an H2 file, its folder is created first.
     *
     * @throws IllegalArgumentException for a URL of another database
     * @throws StoreException           when the pool cannot be built
     */
    public static AgroalDataSource pool(String url, Optional<String> username, Optional<String> password, int maxConnections) {
        Kind kind = Kind.of(url);
        if (kind == Kind.H2) {
            createH2Folder(url);
        }
        AgroalDataSourceConfigurationSupplier config = new AgroalDataSourceConfigurationSupplier()
                .connectionPoolConfiguration(pool -> pool
                        .initialSize(1)
                        .minSize(1)
                        .maxSize(Math.max(2, maxConnections))
                        .acquisitionTimeout(Duration.ofSeconds(10))
                        // A PostgreSQL restart breaks pooled connections: check idle ones before use and
                        // drop any that failed fatally, so the writer's retry gets a fresh one.
                        .connectionValidator(ConnectionValidator.defaultValidatorWithTimeout(5))
                        .idleValidationTimeout(Duration.ofSeconds(30))
                        .exceptionSorter(ExceptionSorter.fatalExceptionSorter())
                        .connectionFactoryConfiguration(factory -> {
                            factory.jdbcUrl(url).connectionProviderClass(kind.driver).autoCommit(true);
                            username.ifPresent(u -> factory.principal(new NamePrincipal(u)));
                            password.ifPresent(p -> factory.credential(new SimplePassword(p)));
                            return factory;
                        }));
        try {
            return AgroalDataSource.from(config);
        } catch (SQLException e) {
            throw new StoreException("cannot open the incident database " + redact(url), e);
        }
    }

    /** H2 creates the file but not its folder; {@code jdbc:h2:file:./data/incidents;…} needs {@code ./data}. */
    private static void createH2Folder(String url) {
        String rest = url.substring("jdbc:h2:".length());
        if (rest.startsWith("mem:") || rest.startsWith("tcp:") || rest.startsWith("ssl:")) {
            return;
        }
        String path = rest.startsWith("file:") ? rest.substring("file:".length()) : rest;
        int semicolon = path.indexOf(';');
        if (semicolon >= 0) {
            path = path.substring(0, semicolon);
        }
        if (path.startsWith("~")) {
            path = System.getProperty("user.home") + path.substring(1);
        }
        Path parent = Path.of(path).toAbsolutePath().getParent();
        try {
            if (parent != null) {
                Files.createDirectories(parent);
            }
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("cannot create the folder of the incident database " + parent + ": " + e.getMessage(), e);
        }
    }

    /** The URL for logs: PostgreSQL URLs may carry a password parameter. */
    static String redact(String url) {
        return url == null ? null : url.replaceAll("(?i)(password=)[^&;]*", "$1***");
    }
}
