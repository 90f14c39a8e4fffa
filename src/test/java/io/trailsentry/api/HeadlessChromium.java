package io.trailsentry.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's Chromium, headless, driven over the Chrome DevTools Protocol with the JDK's own HTTP and
 * WebSocket clients: navigate, evaluate JavaScript, wait for a condition, take a screenshot. No
 * driver and no browser download; Chromium is installed with apt-get when missing.
 */
final class HeadlessChromium implements AutoCloseable {

    /** The flags the issue asks for; the profile folder and the debugging port are added per run. */
    static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--no-first-run");
    private static final Pattern DEVTOOLS = Pattern.compile("DevTools listening on (ws://\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<String> pageErrors = Collections.synchronizedList(new ArrayList<>());

    private HeadlessChromium(Process process, Path profile, WebSocket.Builder builder, URI page) throws Exception {
        this.process = process;
        this.profile = profile;
        this.socket = builder.buildAsync(page, new Listener()).get(30, TimeUnit.SECONDS);
        send("Page.enable", JSON.createObjectNode());
        send("Runtime.enable", JSON.createObjectNode());
    }

    /** Starts Chromium on a fresh profile folder (deleted on close) with a window of the given size. */
    static HeadlessChromium launch(Path profile, int width, int height) throws Exception {
        Path chromium = executable();
        Files.createDirectories(profile);
        List<String> command = new ArrayList<>();
        command.add(chromium.toString());
        command.addAll(FLAGS);
        command.addAll(List.of("--user-data-dir=" + profile.toAbsolutePath(), "--remote-debugging-port=0",
                "--window-size=" + width + "," + height, "--hide-scrollbars", "about:blank"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        List<String> lines = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<String> browserUrl = new CompletableFuture<>();
        Thread drain = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                    Matcher m = DEVTOOLS.matcher(line);
                    if (m.find()) {
                        browserUrl.complete(m.group(1));
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
            browserUrl.completeExceptionally(new IllegalStateException("Chromium exited before DevTools listened:\n"
                    + String.join("\n", lines)));
        }, "chromium-output");
        drain.setDaemon(true);
        drain.start();
        try {
            URI browser = URI.create(browserUrl.get(60, TimeUnit.SECONDS));
            HttpClient http = HttpClient.newHttpClient();
            URI list = URI.create("http://" + browser.getHost() + ":" + browser.getPort() + "/json/list");
            URI page = null;
            for (int attempt = 0; attempt < 50 && page == null; attempt++) {
                JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(list).build(), HttpResponse.BodyHandlers.ofString()).body());
                for (JsonNode target : targets) {
                    if ("page".equals(target.path("type").asText())) {
                        page = URI.create(target.get("webSocketDebuggerUrl").asText());
                        break;
                    }
                }
                if (page == null) {
                    Thread.sleep(100);
                }
            }
            if (page == null) {
                throw new IllegalStateException("Chromium shows no page target at " + list);
            }
            return new HeadlessChromium(process, profile, http.newWebSocketBuilder(), page);
        } catch (Exception e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw e;
        }
    }

    /** Debian's Chromium; installed with apt-get (as root) when it is not on the machine yet. */
    static Path executable() throws IOException, InterruptedException {
        Path found = find();
        if (found != null) {
            return found;
        }
        if (!"root".equals(System.getProperty("user.name"))) {
            throw new IllegalStateException("chromium is not installed and this test is not root to install it: "
                    + "sudo apt-get install -y chromium");
        }
        for (List<String> step : List.of(List.of("apt-get", "update", "-q"), List.of("apt-get", "install", "-y", "-q", "chromium"))) {
            ProcessBuilder pb = new ProcessBuilder(step).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = pb.start();
            p.getOutputStream().close();
            if (!p.waitFor(20, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", step) + " failed; install Debian's chromium to run the console test");
            }
        }
        found = find();
        if (found == null) {
            throw new IllegalStateException("chromium installed, but no chromium executable found");
        }
        return found;
    }

    private static Path find() {
        return Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser").map(Path::of).filter(Files::isExecutable)
                .findFirst().orElse(null);
    }

    void navigate(String url) throws Exception {
        ObjectNode params = JSON.createObjectNode().put("url", url);
        JsonNode result = send("Page.navigate", params);
        if (result.has("errorText")) {
            throw new IllegalStateException("cannot open " + url + ": " + result.get("errorText").asText());
        }
    }

    /** The value of a JavaScript expression in the page (awaited when it is a promise), as JSON. */
    JsonNode evaluate(String expression) throws Exception {
        ObjectNode params = JSON.createObjectNode().put("expression", expression).put("returnByValue", true).put("awaitPromise", true);
        JsonNode result = send("Runtime.evaluate", params);
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("page threw on '" + expression + "': " + describe(result.get("exceptionDetails")));
        }
        return result.path("result").path("value");
    }

    /**
     * Polls a boolean JavaScript expression until it holds; on time-out fails with what the page shows
     * ({@code diagnostics} is evaluated then), so a failing run says why.
     */
    void waitUntil(String what, String condition, Duration timeout, String diagnostics) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode value = evaluate("(() => { try { return !!(" + condition + "); } catch (e) { return false; } })()");
            if (value.asBoolean()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + " s waiting until " + what
                        + "\npage: " + evaluate(diagnostics) + "\npage errors: " + pageErrors);
            }
            Thread.sleep(200);
        }
    }

    byte[] screenshot() throws Exception {
        JsonNode result = send("Page.captureScreenshot", JSON.createObjectNode().put("format", "png"));
        return Base64.getDecoder().decode(result.get("data").asText());
    }

    /** Uncaught exceptions and console errors the page reported. */
    List<String> pageErrors() {
        synchronized (pageErrors) {
            return List.copyOf(pageErrors);
        }
    }

    private JsonNode send(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode message = JSON.createObjectNode().put("id", id).put("method", method);
        message.set("params", params);
        socket.sendText(JSON.writeValueAsString(message), true).get(30, TimeUnit.SECONDS);
        JsonNode answer = reply.get(60, TimeUnit.SECONDS);
        if (answer.has("error")) {
            throw new IllegalStateException(method + " failed: " + answer.get("error"));
        }
        return answer.path("result");
    }

    private static String describe(JsonNode details) {
        JsonNode exception = details.path("exception");
        return exception.has("description") ? exception.get("description").asText() : details.path("text").asText();
    }

    /** Routes replies to their callers and keeps the page's errors. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                try {
                    JsonNode message = JSON.readTree(text);
                    if (message.has("id")) {
                        CompletableFuture<JsonNode> reply = pending.remove(message.get("id").asInt());
                        if (reply != null) {
                            reply.complete(message);
                        }
                    } else if ("Runtime.exceptionThrown".equals(message.path("method").asText())) {
                        pageErrors.add(describe(message.path("params").path("exceptionDetails")));
                    } else if ("Runtime.consoleAPICalled".equals(message.path("method").asText())
                            && "error".equals(message.path("params").path("type").asText())) {
                        pageErrors.add("console.error: " + message.path("params").path("args"));
                    }
                } catch (IOException e) {
                    pageErrors.add("unreadable DevTools message: " + e.getMessage());
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            failAll(() -> new IllegalStateException("DevTools connection failed", error));
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            failAll(() -> new IllegalStateException("DevTools connection closed: " + statusCode + " " + reason));
            return null;
        }

        private void failAll(Supplier<RuntimeException> why) {
            pending.values().forEach(f -> f.completeExceptionally(why.get()));
            pending.clear();
        }
    }

    @Override
    public void close() {
        try {
            socket.abort();
        } finally {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.descendants().forEach(ProcessHandle::destroyForcibly);
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a leftover profile under target/ goes with the next clean
            }
        }
    }
}
