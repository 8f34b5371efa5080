package io.k8sm.service.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.k8sm.service.K8smService;
import io.k8sm.service.metrics.ServiceMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small HTTP server every service runs beside its work (JDK {@code com.sun.net.httpserver}, two
 * threads): {@code /metrics} (Prometheus text format), {@code /healthz} (200 while the service is
 * alive and doing its work, else 503) and {@code /readyz} (200 once it is also ready: state
 * restored, subscribed, informers synced), plus any routes the service adds (the scheduler's
 * dashboard). The service comes from a supplier, so the server outlives a service restarted in the
 * same process (the demo); no service (null) answers 503.
 */
public final class ServiceHttpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceHttpServer.class);

    /** The content type of the Prometheus text exposition format. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor;

    private ServiceHttpServer(String name, HttpServer server, ExecutorService executor) {
        this.name = name;
        this.server = server;
        this.executor = executor;
    }

    /**
     * Listens on {@code port} on every interface (0: a free port, see {@link #port()}).
     *
     * @param routes more paths (exact or prefix, as {@link HttpServer#createContext} takes them)
     * @throws UncheckedIOException naming the port when it cannot be bound
     */
    public static ServiceHttpServer start(
            String name, int port, Supplier<? extends K8smService> service, Map<String, HttpHandler> routes) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    name + ": cannot listen for HTTP on port " + port + " (" + e.getMessage()
                            + "); set another port with the http.port key or --http-port",
                    e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "k8sm-http-" + name);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", exchange -> metrics(exchange, service));
        server.createContext("/healthz", exchange -> probe(exchange, service, false));
        server.createContext("/readyz", exchange -> probe(exchange, service, true));
        routes.forEach(server::createContext);
        server.start();
        ServiceHttpServer s = new ServiceHttpServer(name, server, executor);
        LOG.info("{} serves {}metrics, {}healthz and {}readyz", name, s.uri(), s.uri(), s.uri());
        return s;
    }

    /** The port listened on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://localhost:PORT/}. */
    public URI uri() {
        return URI.create("http://localhost:" + port() + "/");
    }

    private static void metrics(HttpExchange exchange, Supplier<? extends K8smService> service) throws IOException {
        K8smService s = service.get();
        ServiceMetrics m = s == null ? null : s.metrics();
        if (m == null) {
            send(exchange, 503, "text/plain; charset=utf-8", "no service running\n");
        } else {
            send(exchange, 200, PROMETHEUS_TEXT, m.scrape());
        }
    }

    private static void probe(HttpExchange exchange, Supplier<? extends K8smService> service, boolean readiness)
            throws IOException {
        K8smService s = service.get();
        boolean ok;
        String status;
        try {
            ok = s != null && (readiness ? s.isReady() : s.isHealthy());
            status = s == null ? "no service running" : s.status();
        } catch (RuntimeException e) {
            ok = false;
            status = "the check failed: " + e;
        }
        send(exchange, ok ? 200 : 503, "text/plain; charset=utf-8", (ok ? "ok: " : "failing: ") + status + "\n");
    }

    /** Answers an exchange with a whole body. */
    public static void send(HttpExchange exchange, int code, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(code, head ? -1 : bytes.length == 0 ? -1 : bytes.length);
        if (!head && bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        LOG.debug("{} HTTP server stopped", name);
    }
}
