package io.trailsentry.server;

import io.trailsentry.context.StageCatalog;
import io.trailsentry.engine.EsperEngine;
import io.trailsentry.engine.RuleError;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * {@code POST /rules/validate}, bounded: one text is compiled at a time (compiling is CPU and memory
 * a submitted text controls, so concurrent submissions queue rather than multiply), a queued one
 * waits at most {@link #MAX_WAIT_SECONDS} and is then turned away, and a text longer than
 * {@link #MAX_TEXT_BYTES} is refused before it is compiled. Validation never runs the text
 * ({@link EsperEngine#validate}).
 */
@ApplicationScoped
public class RuleValidations {

    /** A rules file is a few kilobytes; the longest shipped one is under 20 KB. */
    public static final int MAX_TEXT_BYTES = 256 * 1024;
    public static final long MAX_WAIT_SECONDS = 5;

    private final Semaphore turn = new Semaphore(1, true);

    /** Empty when another validation held the compiler for the whole wait (the caller answers 429). */
    public Optional<EsperEngine.Validation> validate(String epl, String name, StageCatalog stages) throws InterruptedException {
        if (!turn.tryAcquire(MAX_WAIT_SECONDS, TimeUnit.SECONDS)) {
            return Optional.empty();
        }
        try {
            return Optional.of(EsperEngine.validate(epl, name, stages));
        } catch (StackOverflowError tooDeep) {
            return Optional.of(new EsperEngine.Validation(List.of(new RuleError(name, 0, 0,
                    "the text is nested too deeply to compile; simplify its expressions")), List.of()));
        } finally {
            turn.release();
        }
    }
}
