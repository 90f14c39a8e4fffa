package io.trailsentry.incident;

import io.trailsentry.alert.Alert;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Takes alerts off the engine thread and writes them to the repository on one thread of its own, in
 * batches, in arrival order. Nothing is dropped quietly:
 * <ul>
 *   <li>a full queue makes the engine wait (the database sets the pace) rather than lose an alert;</li>
 *   <li>a database that is down or restarting is retried with backoff until it answers;</li>
 *   <li>an alert the database refuses for good (bad data) is logged with its id, counted, and set
 *       aside, without holding up the ones behind it;</li>
 *   <li>alerts still queued when shutdown gives up are logged and counted as not stored.</li>
 * </ul>
 * Every alert is also in the JSONL alert file, so what the store could not take can be replayed.
 */
public final class IncidentWriter implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(IncidentWriter.class);
    static final int BATCH = 256;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final IncidentRepository repository;
    private final Consumer<List<IncidentChange>> onChanges;
    private final BlockingQueue<Alert> queue;
    private final Duration firstBackoff;
    private final Thread thread;
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong setAside = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLong notStored = new AtomicLong();
    /** Alerts queued, and alerts taken off the queue and finished with (written, set aside or lost). */
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private volatile boolean closing;
    private volatile long giveUpAtNanos = Long.MAX_VALUE;
    private volatile boolean waitingForRoom;

    /**
     * @param onChanges    told what changed after each successful batch (on the writer thread)
     * @param firstBackoff wait before the first retry of a failed write; doubles up to 30 s
     */
    public IncidentWriter(IncidentRepository repository, int capacity, Duration firstBackoff, Consumer<List<IncidentChange>> onChanges) {
        this.repository = repository;
        this.onChanges = onChanges;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.firstBackoff = firstBackoff;
        this.thread = new Thread(this::run, "incident-store-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues an alert of an incident; alerts without one are not the store's. Called on the engine thread. */
    public void submit(Alert alert) {
        if (alert.incident().incidentId() == null) {
            return;
        }
        if (closing) {
            notStored.incrementAndGet();
            LOG.errorf("incident store is closed: alert %s of incident %s not stored (it is in the alert file)",
                    alert.alertId(), alert.incident().incidentId());
            return;
        }
        if (queue.offer(alert)) {
            queued.incrementAndGet();
            return;
        }
        if (!waitingForRoom) {
            waitingForRoom = true;
            LOG.warnf("incident store is %d alerts behind; the engine waits for the database", queue.size());
        }
        try {
            queue.put(alert);
            queued.incrementAndGet();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            notStored.incrementAndGet();
            LOG.errorf("interrupted while waiting for the incident store: alert %s not stored (it is in the alert file)", alert.alertId());
        }
    }

    private void run() {
        List<Alert> batch = new ArrayList<>(BATCH);
        while (true) {
            Alert first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                first = null;
                closing = true;
            }
            if (first == null) {
                waitingForRoom = false;
                if (closing) {
                    return;
                }
                continue;
            }
            batch.clear();
            batch.add(first);
            queue.drainTo(batch, BATCH - 1);
            if (!write(batch)) {
                // Gave up at shutdown with the database still down.
                List<Alert> rest = new ArrayList<>();
                queue.drainTo(rest);
                long lost = batch.size() + rest.size();
                notStored.addAndGet(lost);
                finished.addAndGet(lost);
                LOG.errorf("incident store: %d alert(s) not stored, the database did not answer before shutdown "
                        + "(they are in the alert file)", lost);
                return;
            }
            finished.addAndGet(batch.size());
        }
    }

    /** @return false only when shutdown's deadline passed while the database was unavailable */
    private boolean write(List<Alert> batch) {
        long backoffMillis = firstBackoff.toMillis();
        while (true) {
            try {
                List<IncidentChange> changes = repository.record(batch);
                recorded.addAndGet(batch.size());
                publish(changes);
                return true;
            } catch (StoreException e) {
                if (!e.retryable()) {
                    return writeOneByOne(batch, e);
                }
                retries.incrementAndGet();
                if (System.nanoTime() > giveUpAtNanos) {
                    return false;
                }
                LOG.errorf("incident store: cannot write %d alert(s), retrying in %d ms: %s", batch.size(), backoffMillis, e.getMessage());
                if (!sleep(backoffMillis)) {
                    return false;
                }
                backoffMillis = Math.min(MAX_BACKOFF.toMillis(), Math.max(1, backoffMillis * 2));
            } catch (RuntimeException e) {
                return writeOneByOne(batch, e);
            }
        }
    }

    /** A batch the database refused for good: find the alert(s) it refuses and keep the rest. */
    private boolean writeOneByOne(List<Alert> batch, RuntimeException cause) {
        if (batch.size() == 1) {
            setAside.incrementAndGet();
            LOG.errorf("incident store refused alert %s of incident %s and set it aside (it is in the alert file): %s",
                    batch.get(0).alertId(), batch.get(0).incident().incidentId(), cause.getMessage());
            return true;
        }
        for (Alert alert : batch) {
            if (!write(List.of(alert))) {
                return false;
            }
        }
        return true;
    }

    private void publish(List<IncidentChange> changes) {
        if (changes.isEmpty()) {
            return;
        }
        try {
            onChanges.accept(changes);
        } catch (RuntimeException e) {
            LOG.errorf(e, "incident change listener failed");
        }
    }

    private boolean sleep(long millis) {
        try {
            long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            // Sleep in short steps so shutdown's deadline is noticed.
            while (System.nanoTime() < until) {
                if (System.nanoTime() > giveUpAtNanos) {
                    return false;
                }
                Thread.sleep(Math.min(50, Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()))));
            }
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Alerts waiting to be written. */
    public int pending() {
        return queue.size();
    }

    public long recorded() {
        return recorded.get();
    }

    public long setAside() {
        return setAside.get();
    }

    public long retries() {
        return retries.get();
    }

    public long notStored() {
        return notStored.get();
    }

    /** Waits until every alert queued so far is written (or set aside), at most {@code timeout}. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long target = queued.get();
        while (finished.get() < target) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Writes what is queued (waiting up to {@code drainTimeout} for a database that is down), then stops. */
    public void close(Duration drainTimeout) {
        giveUpAtNanos = System.nanoTime() + drainTimeout.toNanos();
        closing = true;
        try {
            thread.join(drainTimeout.toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
