package io.trailsentry.server;

import io.trailsentry.backtest.RuleChanges;
import io.trailsentry.backtest.RuleFileName;
import io.trailsentry.config.TrailSentryConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The text of a file in the deployed rules folder ({@code GET /rules/files/{name}}): what the console's
 * "backtest this change" editor starts from. Only rules files ({@link RuleFileName}), only inside the
 * folder — a link pointing out of it is not followed.
 */
@ApplicationScoped
public class RuleFiles {

    private final TrailSentryConfig config;

    RuleFiles(TrailSentryConfig config) {
        this.config = config;
    }

    /**
     * @return the file's text, empty when the folder has no such file
     * @throws IllegalArgumentException when the name is not one of a rules file
     */
    public Optional<String> read(String name) throws IOException {
        Path dir = config.rules().dir();
        Path file = new RuleFileName(name).resolveIn(dir);
        if (!Files.isRegularFile(file) || !file.toRealPath().startsWith(dir.toRealPath())) {
            return Optional.empty();
        }
        if (Files.size(file) > RuleChanges.MAX_FILE_BYTES) {
            throw new IllegalArgumentException(name + " is longer than " + RuleChanges.MAX_FILE_BYTES + " bytes, more than a backtest takes");
        }
        return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
    }
}
