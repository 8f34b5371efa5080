package io.k8sm.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.app.K8sm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCommandTest {

    @Test
    void demoRunsThePipelineReschedulesFlakyPodsAndReportsASummary(@TempDir Path dir) throws Exception {
        Path settings = dir.resolve("demo.properties");
        Cli.Run r = Cli.k8sm(
                "demo",
                "--pods",
                "12",
                "--agents",
                "3",
                "--flaky",
                "2",
                "--unschedulable",
                "1",
                "--timeout",
                "120",
                "--settings-file",
                settings.toString());
        assertEquals(0, r.exit(), r.out() + r.err());
        assertTrue(r.out().contains("running        12 of 12 schedulable"), r.out());
        assertTrue(r.out().contains("rescheduled    2 (first launch failed before binding on purpose: 2)"), r.out());
        assertTrue(r.out().contains("unschedulable  1 (FailedScheduling, as intended: 1)"), r.out());
        assertTrue(r.out().contains("dead letters   1"), r.out());
        // every service's URLs, as the demo prints them before the run (default ports when free)
        assertTrue(r.out().contains("Metrics, health and the dashboard:"), r.out());
        for (String service : List.of("scheduler", "offer-ingest", "launcher", "endpoint-controller")) {
            String base = "http://localhost:\\d+/";
            String line = "(?m)^  " + Pattern.quote(service) + " +(" + base + ")metrics  \\1healthz  \\1readyz"
                    + (service.equals("scheduler") ? "  dashboard \\1$" : "$");
            assertTrue(Pattern.compile(line).matcher(r.out()).find(), service + "'s URLs in\n" + r.out());
        }
        String written = Files.readString(settings);
        assertTrue(
                written.contains("bootstrap.servers=localhost:") && written.contains("schema.registry.url=http://"),
                written);
    }

    @Test
    void demoRefusesNonsenseCounts() {
        Cli.Run r = Cli.k8sm("demo", "--pods", "0");
        assertEquals(K8sm.EXIT_CONFIG, r.exit());
        assertTrue(r.err().contains("--pods"), r.err());
    }

    @Test
    void demoHelpIsTheRealCommandsHelp() {
        Cli.Run r = Cli.k8sm("demo", "--help");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Usage: k8sm demo"), r.out());
        assertTrue(r.out().contains("--pods"), r.out());
    }
}
