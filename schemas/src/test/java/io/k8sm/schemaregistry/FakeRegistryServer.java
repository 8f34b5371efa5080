package io.k8sm.schemaregistry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;

/**
 * A scripted HTTP(S) server standing in for a schema registry: answers are queued per "METHOD
 * path", requests recorded.
 */
final class FakeRegistryServer implements AutoCloseable {
    record Recorded(String method, String path, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0))
                    .findFirst()
                    .orElse(null);
        }
    }

    record Answer(int status, String body, boolean hang) {}

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final Map<String, Deque<Answer>> scripts = new ConcurrentHashMap<>();
    private final List<Recorded> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    private FakeRegistryServer(HttpServer server) {
        this.server = server;
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    static FakeRegistryServer http() throws IOException {
        return new FakeRegistryServer(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
    }

    static FakeRegistryServer https(SSLContext ctx) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(ctx));
        return new FakeRegistryServer(s);
    }

    String url() {
        String scheme = server instanceof HttpsServer ? "https" : "http";
        String host = server instanceof HttpsServer ? "localhost" : "127.0.0.1";
        return scheme + "://" + host + ":" + server.getAddress().getPort();
    }

    /** Queues an answer for the request; the last queued answer for a key repeats. */
    FakeRegistryServer on(String methodAndPath, int status, String body) {
        scripts.computeIfAbsent(methodAndPath, k -> new ArrayDeque<>()).add(new Answer(status, body, false));
        return this;
    }

    /** The request is held until the server closes (for timeout tests). */
    FakeRegistryServer hangOn(String methodAndPath) {
        scripts.computeIfAbsent(methodAndPath, k -> new ArrayDeque<>()).add(new Answer(200, "{}", true));
        return this;
    }

    List<Recorded> requests() {
        return requests;
    }

    private void handle(HttpExchange ex) throws IOException {
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = ex.getRequestURI().getRawPath();
        requests.add(new Recorded(ex.getRequestMethod(), path, Map.copyOf(ex.getRequestHeaders()), body));
        Deque<Answer> q = scripts.get(ex.getRequestMethod() + " " + path);
        Answer a;
        if (q == null || q.isEmpty()) {
            a = new Answer(404, "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}", false);
        } else {
            a = q.size() > 1 ? q.poll() : q.peek();
        }
        if (a.hang()) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        byte[] out = a.body().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", RestSchemaRegistryClient.CONTENT_TYPE);
        try {
            ex.sendResponseHeaders(a.status(), out.length == 0 ? -1 : out.length);
            try (OutputStream os = ex.getResponseBody()) {
                os.write(out);
            }
        } catch (IOException clientGone) {
            // the client timed out and closed the connection
        }
    }

    @Override
    public void close() {
        release.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
