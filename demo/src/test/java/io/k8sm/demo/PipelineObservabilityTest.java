package io.k8sm.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.launcher.LauncherService;
import io.k8sm.service.http.ServiceHttpServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Metrics, health and the dashboard of a pipeline run (the demo's run, small): the figures the run
 * reports are what the scheduler's /metrics and its dashboard say; a stopped loop turns /healthz
 * unhealthy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineObservabilityTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @TempDir
    static Path dir;

    Pipeline pipeline;
    DemoRun run;
    DemoRun.Summary summary;

    @BeforeAll
    void runThePipeline() throws Exception {
        pipeline = Pipeline.onNewWorld(Pipeline.Options.defaults(dir).withAgents(3))
                .startAll();
        run = new DemoRun(pipeline, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        run.defaultPorts = false;
        summary = run.run(8, 2, 1, Duration.ofSeconds(150), () -> false);
        assertTrue(summary.complete(), "the run did not finish: " + summary);
        Thread.sleep(1_200); // the store snapshot behind the gauges is at most a second old
    }

    @AfterAll
    void stop() throws Exception {
        if (run != null) {
            run.close();
        }
        if (pipeline != null) {
            pipeline.close();
        }
    }

    static String get(URI uri) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), uri + ": " + r.body());
        return r.body();
    }

    /** The value of the one sample of {@code name} whose labels contain {@code label}. */
    static double sample(String metrics, String name, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$")
                .matcher(metrics);
        List<Double> found = new ArrayList<>();
        while (m.find()) {
            if (m.group(1).contains(label)) {
                found.add(Double.parseDouble(m.group(2)));
            }
        }
        assertEquals(1, found.size(), name + "{" + label + "} in\n" + metrics);
        return found.get(0);
    }

    @Test
    @Order(1)
    void theSchedulersMetricsCarryTheRunsFigures() throws Exception {
        String metrics = get(run.http().uri("scheduler").resolve("metrics"));

        assertEquals(summary.running(), (int) sample(metrics, "k8sm_scheduler_tasks", "state=\"running\""));
        double pending = 0;
        for (String q : List.of("active", "backoff", "unschedulable")) {
            pending += sample(metrics, "scheduler_pending_pods", "queue=\"" + q + "\"");
        }
        assertEquals(summary.unschedulable(), (int) pending, "the pods too big for any agent wait in the queue");
        assertTrue(summary.rescheduled() > 0, "the flaky pods were rescheduled: " + summary);
        assertTrue(
                sample(metrics, "k8sm_scheduler_events_total", "type=\"RESCHEDULED\"") >= summary.rescheduled(),
                metrics);
        assertTrue(sample(metrics, "scheduler_schedule_attempts_total", "result=\"scheduled\"") >= summary.scheduled());
        assertTrue(sample(metrics, "scheduler_schedule_attempts_total", "result=\"unschedulable\"") >= 1);
        assertTrue(sample(metrics, "k8sm_pod_running_duration_seconds_count", "service=\"scheduler\"") >= 1);
        assertTrue(metrics.contains("kafka_stream_"), "the Kafka Streams binder's meters");
        assertTrue(sample(metrics, "k8sm_dead_letters_total", "topic=\"k8sm.pods\"") >= 1, "the corrupt pod record");

        String launcher = get(run.http().uri("launcher").resolve("metrics"));
        assertTrue(sample(launcher, "k8sm_launcher_launches_total", "result=\"launched\"") >= summary.scheduled());
        assertTrue(sample(launcher, "k8sm_launcher_bindings_total", "result=\"bound\"") >= summary.running());
        String ingest = get(run.http().uri("offer-ingest").resolve("metrics"));
        assertTrue(sample(ingest, "k8sm_ingest_offers_written_total", "service=") >= 1);
        get(run.http().uri("offer-ingest").resolve("readyz"));
        get(run.http().uri("endpoint-controller").resolve("readyz"));
        get(run.http().uri("scheduler").resolve("readyz"));
    }

    @Test
    @Order(2)
    void theDashboardShowsTheRunsPodsByStateInHeadlessChromium() throws Exception {
        boolean onCi = "true".equalsIgnoreCase(System.getenv("CI"));
        if (!onCi) {
            Assumptions.assumeTrue(
                    Files.isExecutable(CHROMIUM),
                    "skipped: " + CHROMIUM + " is not installed (apt-get install chromium)");
        }
        URI page = run.http().uri("scheduler");
        Path shot = Path.of("target", "dashboard.png").toAbsolutePath();
        Files.createDirectories(shot.getParent());
        Files.deleteIfExists(shot);
        Files.writeString(shot.resolveSibling("dashboard.json"), get(page.resolve("api/dashboard")));
        String dom = chromium(page, "--dump-dom");
        assertTrue(
                dom.contains("id=\"pods-running\">" + summary.running() + "<"),
                "the running tile shows " + summary.running() + ":\n" + dom);
        assertTrue(dom.contains("id=\"pods-pending\">" + summary.unschedulable() + "<"), dom);
        assertTrue(dom.contains("class=\"state RUNNING\""), dom);
        chromium(page, "--screenshot=" + shot, "--window-size=1400,1300");
        assertTrue(Files.size(shot) > 10_000, "a screenshot at " + shot);
    }

    /** Runs headless Chromium on the page (a few seconds of its time, for the polls) and returns its stdout. */
    static String chromium(URI page, String... what) throws Exception {
        Path profile = Files.createTempDirectory("k8sm-chromium");
        List<String> cmd = new ArrayList<>(List.of(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--hide-scrollbars",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=4000"));
        cmd.addAll(List.of(what));
        cmd.add(page.toString());
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
        assertEquals(0, p.exitValue(), "chromium failed: " + out);
        return out;
    }

    @Test
    @Order(3)
    void healthzTurnsUnhealthyWhenTheLaunchersLoopsStop() throws Exception {
        LauncherService launcher = pipeline.launcher();
        try (ServiceHttpServer http = ServiceHttpServer.start("launcher-test", 0, () -> launcher, Map.of())) {
            assertTrue(get(http.uri().resolve("healthz")).contains("launch loop running"));

            launcher.close(); // the loops stop

            HttpResponse<String> r = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(http.uri().resolve("healthz"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(503, r.statusCode());
            assertTrue(r.body().contains("launch loop stopped"), r.body());
        }
    }
}
