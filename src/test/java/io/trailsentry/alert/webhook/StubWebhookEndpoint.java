package io.trailsentry.alert.webhook;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real HTTP endpoint on a free loopback port that a webhook test scripts: answer the next requests
 * with given statuses, then a default; or hang until released. Records every POST it gets. A
 * {@code GET} answers with the bodies received so far (one a line), for tests that only know its URL.
 */
public final class StubWebhookEndpoint implements AutoCloseable {

    /** A request as received; header names lower-cased. */
    public record Received(Map<String, String> headers, String body, int answeredWith) {
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stub-webhook");
        t.setDaemon(true);
        return t;
    });
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Deque<Integer> script = new ArrayDeque<>();
    private int defaultStatus = 200;
    private volatile CountDownLatch hang;
    private boolean closed;

    private StubWebhookEndpoint() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static StubWebhookEndpoint start() throws IOException {
        return new StubWebhookEndpoint();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/secret-token");
    }

    /** The next {@code times} POSTs get {@code status}, then the default again. */
    public synchronized StubWebhookEndpoint failNext(int times, int status) {
        for (int i = 0; i < times; i++) {
            script.add(status);
        }
        return this;
    }

    public synchronized StubWebhookEndpoint answerAlways(int status) {
        defaultStatus = status;
        return this;
    }

    /** From now on, POSTs wait (recorded first) until {@link #release()}. */
    public StubWebhookEndpoint hang() {
        hang = new CountDownLatch(1);
        return this;
    }

    public void release() {
        CountDownLatch latch = hang;
        hang = null;
        if (latch != null) {
            latch.countDown();
        }
    }

    /** POSTs received, answered or still hanging. */
    public List<Received> received() {
        return List.copyOf(received);
    }

    public long accepted() {
        return received.stream().filter(r -> r.answeredWith() >= 200 && r.answeredWith() < 300).count();
    }

    /** Polls until the condition holds; false when the timeout passes first. */
    public static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (exchange.getRequestMethod().equals("GET")) {
                StringBuilder bodies = new StringBuilder();
                received.forEach(r -> bodies.append(r.body()).append('\n'));
                byte[] out = bodies.toString().getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, out.length);
                try (OutputStream os = exchange.getResponseBody()) {
                    os.write(out);
                }
                return;
            }
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
            CountDownLatch latch = hang;
            int index;
            synchronized (received) {
                index = received.size();
                received.add(new Received(headers, body, 0));
            }
            if (latch != null) {
                try {
                    latch.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            int status;
            synchronized (this) {
                status = script.isEmpty() ? defaultStatus : script.poll();
            }
            received.set(index, new Received(headers, body, status));
            exchange.sendResponseHeaders(status, -1);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        release();
        server.stop(0);
        executor.shutdownNow();
    }
}
