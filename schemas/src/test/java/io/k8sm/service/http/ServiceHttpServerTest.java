package io.k8sm.service.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.service.K8smService;
import io.k8sm.service.metrics.ServiceMetrics;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceHttpServerTest {

    /** A service whose one loop can be stopped. */
    static final class LoopService implements K8smService {
        final ServiceMetrics metrics = new ServiceMetrics("test");
        volatile boolean loopRunning;
        volatile boolean caughtUp;

        @Override
        public void start() {
            loopRunning = true;
        }

        @Override
        public boolean isHealthy() {
            return loopRunning;
        }

        @Override
        public boolean isReady() {
            return loopRunning && caughtUp;
        }

        @Override
        public String status() {
            return loopRunning ? "loop running" : "loop stopped";
        }

        @Override
        public ServiceMetrics metrics() {
            return metrics;
        }

        @Override
        public void close() {
            loopRunning = false;
            metrics.close();
        }
    }

    static HttpResponse<String> get(URI base, String path) throws Exception {
        return HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthzTurnsUnhealthyWhenTheLoopStopsAndReadyzWaitsForCatchingUp() throws Exception {
        LoopService service = new LoopService();
        try (ServiceHttpServer http = ServiceHttpServer.start("test", 0, () -> service, Map.of())) {
            assertEquals(503, get(http.uri(), "healthz").statusCode(), "not started yet");
            service.start();
            assertEquals(200, get(http.uri(), "healthz").statusCode());
            assertEquals(503, get(http.uri(), "readyz").statusCode(), "started but not caught up");
            service.caughtUp = true;
            assertEquals(200, get(http.uri(), "readyz").statusCode());

            service.loopRunning = false;

            HttpResponse<String> health = get(http.uri(), "healthz");
            assertEquals(503, health.statusCode());
            assertTrue(health.body().contains("loop stopped"), health.body());
            assertEquals(503, get(http.uri(), "readyz").statusCode());
        } finally {
            service.close();
        }
    }

    @Test
    void metricsServesThePrometheusTextWithTheServicesMeters() throws Exception {
        LoopService service = new LoopService();
        service.metrics.registry().counter("k8sm.test.things").increment(3);
        try (ServiceHttpServer http = ServiceHttpServer.start("test", 0, () -> service, Map.of())) {
            HttpResponse<String> r = get(http.uri(), "metrics");
            assertEquals(200, r.statusCode());
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            assertTrue(r.body().contains("k8sm_test_things_total{service=\"test\"} 3.0"), r.body());
            assertTrue(r.body().contains("jvm_memory_used_bytes"), "the JVM's meters too");
        } finally {
            service.close();
        }
    }

    @Test
    void noServiceAnswers503AndABusyPortIsNamed() throws Exception {
        try (ServiceHttpServer http = ServiceHttpServer.start("test", 0, () -> null, Map.of())) {
            assertEquals(503, get(http.uri(), "healthz").statusCode());
            assertEquals(503, get(http.uri(), "metrics").statusCode());
            UncheckedIOException e = assertThrows(
                    UncheckedIOException.class,
                    () -> ServiceHttpServer.start("other", http.port(), () -> null, Map.of()));
            assertTrue(e.getMessage().contains("port " + http.port()), e.getMessage());
        }
    }
}
