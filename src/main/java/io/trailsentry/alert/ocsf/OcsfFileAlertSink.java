package io.trailsentry.alert.ocsf;

import io.trailsentry.config.OcsfFileConfig;
import io.trailsentry.config.ProductVersion;

import io.quarkus.runtime.Startup;
import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertSink;
import io.trailsentry.alert.ocsf.OcsfFileSink;
import io.trailsentry.alert.ocsf.OcsfFindingMapper;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

/** The server's OCSF findings file, when {@code trailsentry.sinks.ocsf-file.path} is set; nothing otherwise. */
@Startup
@Singleton
public class OcsfFileAlertSink implements AlertSink {

    private static final Logger LOG = Logger.getLogger(OcsfFileAlertSink.class);

    private final OcsfFileSink sink;

    OcsfFileAlertSink(OcsfFileConfig config) {
        this.sink = config.path().map(path -> new OcsfFileSink(path, new OcsfFindingMapper(ProductVersion.get()))).orElse(null);
        if (sink != null) {
            LOG.infof("OCSF findings to %s", sink.file().toAbsolutePath());
        }
    }

    @Override
    public void emit(Alert alert) {
        if (sink != null) {
            sink.emit(alert);
        }
    }

    @PreDestroy
    void close() {
        if (sink != null) {
            sink.close();
        }
    }
}
