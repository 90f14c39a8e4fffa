package io.trailsentry.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends handed to a producer and not yet confirmed by the broker. A consumed batch is acknowledged
 * (its offsets may be committed) only once every send it caused is confirmed, so a crash between the
 * two replays the batch instead of losing its alerts. A confirmed send is forgotten at once; a failed
 * one is kept until {@link #awaitAll} reports it, so no failure goes unnoticed.
 */
final class PendingSends {

    private final Set<CompletableFuture<Void>> pending = ConcurrentHashMap.newKeySet();

    /** A new send to track: complete it when the broker confirms, fail it when the producer gives up. */
    CompletableFuture<Void> track() {
        CompletableFuture<Void> send = new CompletableFuture<>();
        pending.add(send);
        send.thenRun(() -> pending.remove(send));
        return send;
    }

    int size() {
        return pending.size();
    }

    /**
     * Waits until every send tracked so far is confirmed.
     *
     * @throws SendFailedException when one failed or is still unconfirmed after {@code timeout}
     */
    void awaitAll(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<CompletableFuture<Void>> snapshot = new ArrayList<>(pending);
        for (CompletableFuture<Void> send : snapshot) {
            try {
                send.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                // The completion callback that forgets it may still be running on the broker's
                // thread; forget it here too, so a caller that awaited sees nothing pending.
                pending.remove(send);
            } catch (ExecutionException e) {
                pending.remove(send);
                throw new SendFailedException("the broker did not take a message: " + e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                throw new SendFailedException("the broker has not confirmed " + pending.size() + " message(s) within " + timeout, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SendFailedException("interrupted while waiting for the broker", e);
            }
        }
    }

    /** A send the broker did not confirm: the batch that caused it must not be acknowledged. */
    static final class SendFailedException extends RuntimeException {
        SendFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
