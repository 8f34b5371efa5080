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
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Metrics, health and the dashboard of a pipeline run (the demo's run, small): the figures the run
 * reports are what the scheduler's /metrics and its dashboard say; a stopped loop turns /healthz
 * unhealthy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineObservabilityTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final int AGENTS = 3;
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    static Path dir;

    Pipeline pipeline;
    DemoRun run;
    DemoRun.Summary summary;

    @BeforeAll
    void runThePipeline() throws Exception {
        pipeline = Pipeline.onNewWorld(Pipeline.Options.defaults(dir).withAgents(AGENTS))
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
        assertTrue(sample(ingest, "k8sm_ingest_calls_total", "result=\"sent\"") >= 1, "calls sent to the master");
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
                    Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                    "skipped: " + CHROMIUM + " or " + CHROMEDRIVER
                            + " is not installed (apt-get install chromium chromium-driver)");
        }
        URI page = run.http().uri("scheduler");
        Path shot = Path.of("target", "dashboard.png").toAbsolutePath();
        Files.createDirectories(shot.getParent());
        Files.deleteIfExists(shot);
        Files.writeString(shot.resolveSibling("dashboard.json"), get(page.resolve("api/dashboard")));
        WebDriver browser = chromium();
        try {
            browser.get(page.toString());

            assertEquals(String.valueOf(summary.running()), shown(browser, "pods-running", summary.running()));
            assertEquals(String.valueOf(summary.unschedulable()), text(browser, "pods-pending"));
            assertEquals("RUNNING", text(browser, "state"));
            int agents =
                    browser.findElements(By.cssSelector("#agents tbody tr")).size();
            assertTrue(agents >= 1 && agents <= AGENTS, agents + " agent rows");
            assertTrue(
                    !browser.findElements(By.cssSelector("#chart-launches polyline"))
                            .isEmpty(),
                    "the launches chart is drawn");
            String updated = text(browser, "updated");
            assertTrue(updated.startsWith("updated "), updated);
            assertTrue(changes(browser, "updated", updated), "the page polls: 'updated' moved on from " + updated);

            browser.manage().window().setSize(new Dimension(1400, 1300));
            Files.write(shot, ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
            assertTrue(Files.size(shot) > 10_000, "a screenshot at " + shot);
        } finally {
            browser.quit();
        }
    }

    /** Debian's headless chromium driven by its chromedriver (never one that Selenium would download). */
    static WebDriver chromium() throws Exception {
        ChromeOptions options = new ChromeOptions()
                .setBinary(CHROMIUM.toFile())
                .addArguments(
                        "--headless=new",
                        "--no-sandbox",
                        "--disable-gpu",
                        "--disable-quic",
                        "--no-first-run",
                        "--disable-background-networking",
                        "--disable-component-update",
                        "--disable-sync",
                        "--disable-dev-shm-usage",
                        "--hide-scrollbars",
                        "--window-size=1400,1300",
                        "--user-data-dir=" + Files.createTempDirectory("k8sm-chromium"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }

    static String text(WebDriver browser, String id) {
        return browser.findElement(By.id(id)).getText();
    }

    /** The element's text once it shows {@code expected} (the page polls every second), or as it is after 60 s. */
    static String shown(WebDriver browser, String id, int expected) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String now = text(browser, id);
        while (!now.equals(String.valueOf(expected)) && System.nanoTime() < until) {
            Thread.sleep(200);
            now = text(browser, id);
        }
        return now;
    }

    /** True once the element's text differs from {@code before} (within 30 s). */
    static boolean changes(WebDriver browser, String id, String before) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < until) {
            if (!text(browser, id).equals(before)) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
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
