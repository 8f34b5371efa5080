package io.k8sm.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A failed chaos run's summary says what each service reports of itself, read from the address in its log. */
class ChaosHealthTest {

    @Test
    void eachServicesHealthzIsQuotedFromTheAddressItsLogNames(@TempDir Path dir) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/healthz", ex -> {
            byte[] body = "not subscribed (http://mesos)\n".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(503, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            Path up = dir.resolve("offer-ingest.log");
            Files.writeString(
                    up,
                    "12:00:00 INFO offer-ingest serves http://127.0.0.1:1/metrics, ...\n"
                            + "12:00:09 INFO offer-ingest serves " + base + "/metrics, " + base + "/healthz\n");
            Path silent = dir.resolve("launcher.log");
            Files.writeString(silent, "12:00:00 INFO starting\n");
            String health = ChaosCheck.health(List.of(
                    new ChaosProcess("offer-ingest", List.of("true"), up),
                    new ChaosProcess("launcher", List.of("true"), silent)));
            assertEquals(
                    "offer-ingest: 503 not subscribed (http://mesos); launcher: no HTTP address in its log", health);
        } finally {
            server.stop(0);
        }
    }
}
