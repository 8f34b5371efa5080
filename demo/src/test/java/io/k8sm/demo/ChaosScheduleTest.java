package io.k8sm.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The short seeded chaos run CI affords: the broker, the world and the four services as child JVMs
 * (the services from app's distribution, as in production, every link through a proxy the harness
 * cuts), 100 pods with host ports, flaky first launches, deletions, rescinds and a lost agent, and a
 * schedule that kills -9 every service (the first four random kills go to the four services in turn),
 * kills offer-ingest at two dangerous points (just after an ACCEPT, just after SUBSCRIBED: a replayed
 * ACCEPT and a lost framework id were issue 10's worst), pauses two services, restarts the broker
 * once and cuts each link (Kafka, registry, Mesos, Kubernetes) once. The invariants are read from the simulated master's and
 * the Kubernetes API's own records and from the topics ({@link ChaosCheck}).
 *
 * <p>Why these numbers: on a loaded 2-core machine a service JVM takes 20-40 s to start and the broker
 * 5-30 s, and the schedule's faults run one after another, so four kills, two point kills (each waits
 * for its bait pod to reach the point, 10-50 s here), one broker restart and four cuts of 1-8 s already
 * take about two minutes and keep some service down most of it; 100 pods over the first 36 s of the
 * 60 s schedule keep pods flowing into it; the settle time (up to 420 s, polling, usually a minute)
 * covers the restarts that land last. The whole test takes 4-5 minutes here; the mid-transaction
 * points of the launcher and the scheduler are left to the command (each adds up to a minute). The long run (5,000 pods, 200 kills, 10
 * broker restarts) is the README's {@code ./k8sm chaos} command.
 */
class ChaosScheduleTest {

    @Test
    void aSeededRunThatKillsEveryServiceRestartsTheBrokerAndCutsEveryLinkBreaksNoInvariant(@TempDir Path dir)
            throws Exception {
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path checkout = Path.of("").toAbsolutePath().getParent();
        ChaosRun.Options o = new ChaosRun.Options(
                11,
                100,
                4,
                1,
                4,
                2,
                0,
                Duration.ofSeconds(60),
                Duration.ofSeconds(420),
                ChaosRun.SERVICES,
                List.of(),
                dir,
                cp,
                ChaosCommand.appClasspath(checkout, cp));
        ChaosRun.Result r = new ChaosRun(o, System.out).run();
        System.out.println(r.summary());
        keepLogs(dir, Path.of("target", "chaos-schedule-logs"));
        assertTrue(r.violations().isEmpty(), r.summary());
    }

    /** The run's service logs, kept where a person (or CI's artifacts) can read them, passed or failed. */
    private static void keepLogs(Path dir, Path to) throws IOException {
        Files.createDirectories(to);
        try (Stream<Path> logs = Files.list(dir)) {
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                Files.copy(log, to.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        System.out.println("chaos: the run's logs are in " + to.toAbsolutePath());
    }
}
