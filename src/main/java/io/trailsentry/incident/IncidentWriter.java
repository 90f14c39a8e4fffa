package io.trailsentry.incident;

import io.trailsentry.alert.Alert;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.Consumer;

/**
 * Takes alerts off the engine thread and writes them to the repository on one thread of its own, in
 * batches, in arrival order. The engine never waits for the database, and nothing is lost quietly:
 * <ul>
 *   <li>up to {@code capacity} alerts queue while the database is slow; beyond that an alert is not
 *       stored, counted ({@link NotStored#QUEUE_FULL}) and the episode logged once when it starts and
 *       once when the writer has caught up, with the alert ids to re-load from the alert file;</li>
 *   <li>a database that is down or restarting is retried with backoff until it answers;</li>
 *   <li>an alert the database refuses for good (bad data) is logged with its id, counted, and set
 *       aside, without holding up the ones behind it;</li>
 *   <li>alerts still queued when shutdown gives up, or arriving after it began, are logged and counted
 *       as not stored.</li>
 * </ul>
 * Every alert is also in the JSONL alert file, so what the store could not take can be re-loaded.
 */
public final class IncidentWriter implements AutoCloseable {

    /** Why an alert of an incident was not stored: the {@code reason} tag of {@code trailsentry_incidents_alerts_not_stored_total}. */
    public enum NotStored {
        /** The queue was full: the database was behind and the engine does not wait for it. */
        QUEUE_FULL("queue_full"),
        /** The alert came after shutdown began. */
        CLOSED("closed"),
        /** Shutdown's drain timeout passed with the database still unavailable. */
        DRAIN_TIMEOUT("drain_timeout");

        private final String tag;

        NotStored(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    private static final Logger LOG = Logger.getLogger(IncidentWriter.class);
    static final int BATCH = 256;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final IncidentRepository repository;
    private final Consumer<List<IncidentChange>> onChanges;
    private final BlockingQueue<Alert> queue;
    private final int capacity;
    private final String alertFile;
    private final Duration firstBackoff;
    private final Thread thread;
    private final AtomicLong recorded = new AtomicLong();
    private final AtomicLong setAside = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final AtomicLongArray notStored = new AtomicLongArray(NotStored.values().length);
    private final Overflow overflow = new Overflow();
    /** Alerts queued, and alerts taken off the queue and finished with (written, set aside or lost); {@link #progress} tells. */
    private final AtomicLong queued = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    private final Object progress = new Object();
    private final AtomicBoolean closedLogged = new AtomicBoolean();
    private volatile boolean closing;
    private volatile long giveUpAtNanos = Long.MAX_VALUE;

    /**
     * @param capacity     alerts that may wait for the database; more are counted and not stored
     * @param alertFile    where every alert also is, named in the logs as the place to re-load from
     * @param firstBackoff wait before the first retry of a failed write; doubles up to 30 s
     * @param onChanges    told what changed after each successful batch (on the writer thread)
     */
    public IncidentWriter(IncidentRepository repository, int capacity, Path alertFile, Duration firstBackoff,
                          Consumer<List<IncidentChange>> onChanges) {
        if (capacity < 1) {
            throw new IllegalArgumentException("trailsentry.incidents.queue-capacity must be at least 1, was " + capacity);
        }
        this.repository = repository;
        this.onChanges = onChanges;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.capacity = capacity;
        this.alertFile = alertFile == null ? "the alert file" : "the alert file " + alertFile;
        this.firstBackoff = firstBackoff;
        this.thread = new Thread(this::run, "incident-store-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues an alert of an incident, or counts it as not stored when the queue is full; never waits.
     * Alerts without an incident are not the store's. Called on the engine thread.
     */
    public void submit(Alert alert) {
        if (alert.incident().incidentId() == null) {
            return;
        }
        if (closing) {
            notStored.incrementAndGet(NotStored.CLOSED.ordinal());
            if (closedLogged.compareAndSet(false, true)) {
                LOG.errorf("incident store is closing: alert %s of incident %s and any after it are not stored "
                        + "(counted as reason=closed; they are in %s)", alert.alertId(), alert.incident().incidentId(), alertFile);
            }
            return;
        }
        if (queue.offer(alert)) {
            queued.incrementAndGet();
            return;
        }
        notStored.incrementAndGet(NotStored.QUEUE_FULL.ordinal());
        if (overflow.add(alert)) {
            LOG.warnf("incident store is %d alerts behind (trailsentry.incidents.queue-capacity): from alert %s of incident %s on, "
                    + "alerts that do not fit are not stored and counted in trailsentry_incidents_alerts_not_stored_total"
                    + "{reason=\"queue_full\"}; detection goes on. They are in %s; a summary follows when the store catches up",
                    capacity, alert.alertId(), alert.incident().incidentId(), alertFile);
        }
    }

    /** The writer emptied its queue: an overflow episode, if one was on, ends with what to re-load. */
    private void caughtUp() {
        Overflow.Episode episode = overflow.end();
        if (episode != null) {
            LOG.warnf("incident store caught up: %d alert(s) were not stored while its queue was full, alerts %s to %s "
                    + "(detected %s to %s); re-load that stretch of %s (alerts already stored are skipped)", episode.count(),
                    episode.firstAlertId(), episode.lastAlertId(), episode.firstDetectedAt(), episode.lastDetectedAt(), alertFile);
        }
    }

    /**
     * The current overflow episode: from the first alert the full queue turned away until the writer
     * has emptied the queue. Touched only when the queue is full and when the writer catches up.
     */
    private static final class Overflow {
        record Episode(long count, String firstAlertId, Instant firstDetectedAt, String lastAlertId, Instant lastDetectedAt) {
        }

        private volatile boolean active;
        private long count;
        private long episodes;
        private String firstAlertId;
        private Instant firstDetectedAt;
        private String lastAlertId;
        private Instant lastDetectedAt;

        /** @return true when this alert starts an episode */
        synchronized boolean add(Alert alert) {
            boolean starts = !active;
            if (starts) {
                active = true;
                episodes++;
                count = 0;
                firstAlertId = alert.alertId();
                firstDetectedAt = alert.window().detectedAt();
            }
            count++;
            lastAlertId = alert.alertId();
            lastDetectedAt = alert.window().detectedAt();
            return starts;
        }

        /** @return the episode that ended, or null when none was on */
        Episode end() {
            if (!active) {
                return null; // the writer's usual case, without taking the lock
            }
            synchronized (this) {
                if (!active) {
                    return null;
                }
                active = false;
                return new Episode(count, firstAlertId, firstDetectedAt, lastAlertId, lastDetectedAt);
            }
        }

        synchronized long episodes() {
            return episodes;
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
                caughtUp();
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
                List<Alert> lost = new ArrayList<>(batch);
                queue.drainTo(lost);
                notStored.addAndGet(NotStored.DRAIN_TIMEOUT.ordinal(), lost.size());
                LOG.errorf("incident store: %d alert(s) not stored, the database did not answer before shutdown's drain timeout "
                        + "(alerts %s to %s; re-load them from %s)", lost.size(), lost.get(0).alertId(),
                        lost.get(lost.size() - 1).alertId(), alertFile);
                finish(lost.size());
                caughtUp();
                return;
            }
            // Caught up before telling waiters the batch is done: whoever waits for idle and then
            // overflows the queue again starts a new episode, not the old one.
            if (queue.isEmpty()) {
                caughtUp();
            }
            finish(batch.size());
        }
    }

    private void finish(int alerts) {
        finished.addAndGet(alerts);
        synchronized (progress) {
            progress.notifyAll();
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

    /** Alerts of incidents not stored for {@code reason}; each is in the alert file. */
    public long notStored(NotStored reason) {
        return notStored.get(reason.ordinal());
    }

    /** Overflow episodes so far (each logged when it starts and when the writer catches up). */
    long overflowEpisodes() {
        return overflow.episodes();
    }

    /** Waits until every alert queued so far is finished with (written, set aside or counted as lost), at most {@code timeout}. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long target = queued.get();
        synchronized (progress) {
            while (finished.get() < target) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(progress, left);
            }
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
        if (!thread.isAlive()) {
            // An alert queued just as the writer saw the queue empty and stopped: counted, not left behind.
            List<Alert> late = new ArrayList<>();
            queue.drainTo(late);
            if (!late.isEmpty()) {
                notStored.addAndGet(NotStored.CLOSED.ordinal(), late.size());
                LOG.errorf("incident store: %d alert(s) came as it closed and were not stored (alerts %s to %s; they are in %s)",
                        late.size(), late.get(0).alertId(), late.get(late.size() - 1).alertId(), alertFile);
                finish(late.size());
            }
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }
}
