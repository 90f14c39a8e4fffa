package io.trailsentry.alert.webhook;

import io.trailsentry.alert.Alert;
import io.trailsentry.alert.AlertSink;
import io.trailsentry.alert.ocsf.OcsfFindingMapper;
import io.trailsentry.engine.Severity;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;

/**
 * POSTs alerts to an HTTP endpoint (a SOAR, a chat channel, a SIEM collector) without ever holding up
 * detection: {@link #emit} only puts the alert on a bounded queue, and one delivery thread of its own
 * sends them in order, retrying with {@link Backoff exponential backoff and jitter}.
 *
 * <p>Nothing is lost silently. An alert that cannot be delivered — retries exhausted, a status that
 * retrying cannot fix (400, 401, 403, 404…), the queue full, or still queued when shutdown's grace ran
 * out — is counted ({@link #stats()}) and written with its reason to the webhook dead-letter file.
 *
 * <p>Retried: connection errors, timeouts, 408, 425, 429 and 5xx; a {@code Retry-After} in seconds is
 * honoured up to the maximum delay. Redirects are not followed: a webhook that moved is a
 * configuration to fix, not something to chase.
 */
public final class WebhookSink implements AlertSink, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WebhookSink.class);
    private static final long POLL_MILLIS = 200;

    private final WebhookSettings settings;
    private final WebhookPayload payload;
    private final WebhookDeadLetters deadLetters;
    private final HttpClient client;
    private final HttpRequest.Builder requestTemplate;
    private final BlockingQueue<Alert> queue;
    private final DoubleSupplier jitter;
    private final Thread worker;
    private final Object lifecycle = new Object();
    private volatile boolean closed;
    private boolean dropping;

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong filtered = new AtomicLong();

    /**
     * Opens the dead-letter file and starts the delivery thread.
     *
     * @param productVersion TrailSentry's version, for the User-Agent and OCSF metadata
     * @throws IOException when the dead-letter file cannot be opened
     */
    public WebhookSink(WebhookSettings settings, String productVersion) throws IOException {
        this(settings, productVersion, () -> ThreadLocalRandom.current().nextDouble());
    }

    WebhookSink(WebhookSettings settings, String productVersion, DoubleSupplier jitter) throws IOException {
        this.settings = settings;
        this.payload = new WebhookPayload(settings.format(), new OcsfFindingMapper(productVersion), settings.linkTemplate());
        this.jitter = jitter;
        this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
        this.client = HttpClient.newBuilder()
                .connectTimeout(settings.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                // Plain http: no h2c upgrade headers, which some receivers and proxies refuse on a POST;
                // https still negotiates HTTP/2 through ALPN.
                .version("http".equalsIgnoreCase(settings.url().getScheme()) ? HttpClient.Version.HTTP_1_1 : HttpClient.Version.HTTP_2)
                .build();
        this.requestTemplate = requestTemplate(settings, productVersion);
        this.deadLetters = new WebhookDeadLetters(settings.deadLetterFile());
        this.worker = new Thread(this::deliverUntilClosed, "trailsentry-webhook");
        this.worker.setDaemon(true);
        this.worker.start();
    }

    /**
     * Builds the request once, so a header the HTTP client refuses (Host, Content-Length, …) stops
     * start-up with its name rather than failing every delivery later. Header values are not shown.
     */
    private static HttpRequest.Builder requestTemplate(WebhookSettings settings, String productVersion) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(settings.url())
                .timeout(settings.timeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "TrailSentry/" + productVersion);
        settings.headers().forEach((name, value) -> {
            try {
                builder.setHeader(name, value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("webhook header '" + name + "' cannot be set: it is restricted or not a valid header name");
            }
        });
        return builder;
    }

    /**
     * Never blocks: queues the alert, or dead-letters it when the queue is full. Building blocks and
     * allowlist-suppressed alerts page no one ({@link Alert#forAnalyst}); they are filtered like
     * alerts below the minimum severity.
     */
    @Override
    public void emit(Alert alert) {
        if (!alert.forAnalyst() || alert.rating().severity().ordinal() < settings.minSeverity().ordinal()) {
            filtered.incrementAndGet();
            return;
        }
        synchronized (lifecycle) {
            if (closed) {
                drop(alert, "webhook sink closed");
                return;
            }
            if (queue.offer(alert)) {
                if (dropping) {
                    dropping = false;
                    LOG.infof("webhook queue accepts alerts again (%d dropped so far, see %s)", dropped.get(), deadLetters.file());
                }
                return;
            }
            if (!dropping) {
                dropping = true;
                LOG.warnf("webhook queue full (%d alerts waiting for %s): new alerts go to %s until it drains",
                        settings.queueCapacity(), settings.redactedUrl(), deadLetters.file());
            }
            drop(alert, "queue full (capacity " + settings.queueCapacity() + ")");
        }
    }

    public WebhookStats stats() {
        return new WebhookStats(sent.get(), retried.get(), failed.get(), dropped.get(), filtered.get(), queue.size(),
                deadLetters.written());
    }

    public WebhookSettings settings() {
        return settings;
    }

    /**
     * Stops taking alerts, lets the delivery thread work through the queue for up to the shutdown
     * grace, then interrupts it: the alert in flight and everything still queued go to the dead letters.
     */
    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            worker.join(settings.shutdownGrace().toMillis());
            if (worker.isAlive()) {
                worker.interrupt();
                worker.join(settings.timeout().toMillis() + 1000);
            }
        } catch (InterruptedException e) {
            worker.interrupt();
            Thread.currentThread().interrupt();
        }
        drainToDeadLetters("undelivered at shutdown");
        deadLetters.close();
        WebhookStats stats = stats();
        LOG.infof("webhook sink to %s closed: %d sent, %d retried, %d failed, %d dropped", settings.redactedUrl(),
                stats.sent(), stats.retried(), stats.failed(), stats.dropped());
    }

    private void deliverUntilClosed() {
        try {
            while (!closed || !queue.isEmpty()) {
                Alert alert = queue.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (alert != null) {
                    deliver(alert);
                }
            }
        } catch (InterruptedException e) {
            // shutdown grace is over: close() dead-letters what is left
        } catch (RuntimeException e) {
            // A bug must not strand the queue silently: say so; close() still dead-letters the rest.
            LOG.errorf(e, "webhook delivery thread stopped unexpectedly; queued alerts go to %s at shutdown", deadLetters.file());
        }
    }

    /** One alert, with its retries. Interrupted (shutdown): the alert is dead-lettered, the interrupt passed on. */
    private void deliver(Alert alert) throws InterruptedException {
        byte[] body;
        try {
            body = payload.render(alert);
        } catch (RuntimeException e) {
            fail(alert, "cannot render payload: " + e.getMessage(), 0, null);
            return;
        }
        HttpRequest request = requestTemplate.copy().POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        Integer lastStatus = null;
        String lastError = null;
        for (int attempt = 1; ; attempt++) {
            long retryAfterMillis = 0;
            try {
                HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    sent.incrementAndGet();
                    return;
                }
                lastStatus = status;
                lastError = "HTTP " + status;
                if (!retryable(status)) {
                    fail(alert, lastError + (status >= 300 && status < 400 ? " (redirects are not followed: configure the final URL)" : "")
                            + ", not retried", attempt, lastStatus);
                    return;
                }
                retryAfterMillis = retryAfterMillis(response);
            } catch (IOException e) {
                lastStatus = null;
                lastError = e.getClass().getSimpleName() + (e.getMessage() != null ? ": " + e.getMessage() : "");
            } catch (InterruptedException e) {
                fail(alert, "shutdown during delivery (" + (lastError != null ? "last: " + lastError : "first attempt") + ")", attempt, lastStatus);
                throw e;
            }
            if (attempt >= settings.maxAttempts()) {
                fail(alert, lastError + " after " + attempt + " attempt(s)", attempt, lastStatus);
                return;
            }
            long delay = Math.max(settings.backoff().delayMillis(attempt, jitter), Math.min(retryAfterMillis, settings.backoff().max().toMillis()));
            LOG.debugf("webhook attempt %d for alert %s to %s failed (%s); retrying in %d ms", attempt, alert.alertId(),
                    settings.redactedUrl(), lastError, delay);
            retried.incrementAndGet();
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                fail(alert, "shutdown while waiting to retry (last: " + lastError + ")", attempt, lastStatus);
                throw e;
            }
        }
    }

    /** Worth another try: the endpoint is overloaded, restarting, or rate-limiting us. */
    static boolean retryable(int status) {
        return status == 408 || status == 425 || status == 429 || status >= 500;
    }

    /** {@code Retry-After: 7} (seconds); the HTTP-date form is rare for webhooks and left to the backoff. */
    private static long retryAfterMillis(HttpResponse<?> response) {
        return response.headers().firstValue("Retry-After").map(value -> {
            try {
                return Math.max(0, Long.parseLong(value.trim())) * 1000;
            } catch (NumberFormatException e) {
                return 0L;
            }
        }).orElse(0L);
    }

    /** Dead letter first, count after: whoever sees the count can already find the alert in the file. */
    private void fail(Alert alert, String reason, int attempts, Integer lastStatus) {
        LOG.warnf("webhook could not deliver alert %s (%s) to %s: %s; written to %s", alert.alertId(), alert.rule().ruleName(),
                settings.redactedUrl(), reason, deadLetters.file());
        deadLetters.write(new UndeliveredAlert(Instant.now(), reason, attempts, lastStatus, alert));
        failed.incrementAndGet();
    }

    private void drop(Alert alert, String reason) {
        deadLetters.write(new UndeliveredAlert(Instant.now(), reason, 0, null, alert));
        dropped.incrementAndGet();
    }

    private void drainToDeadLetters(String reason) {
        int count = 0;
        for (Alert alert; (alert = queue.poll()) != null; count++) {
            drop(alert, reason);
        }
        if (count > 0) {
            LOG.warnf("%d alert(s) still queued for %s at shutdown were written to %s", count, settings.redactedUrl(), deadLetters.file());
        }
    }
}
