package io.k8sm.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.k8sm.sandbox.mesos.SimulatedTask;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Restarts in the middle of the flow: nothing is launched twice, and state comes back. */
class PipelineRestartTest {

    @TempDir
    Path dir;

    Pipeline pipeline;

    @BeforeEach
    void start() throws Exception {
        pipeline = Pipeline.onNewWorld(Pipeline.Options.defaults(dir).withAgents(4))
                .startAll();
    }

    @AfterEach
    void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    private void submit(int n) {
        for (int i = 0; i < n; i++) {
            pipeline.kubernetes()
                    .pods()
                    .inNamespace("default")
                    .resource(DemoPods.pod("batch-" + (100 + i), 2 + 4 * i))
                    .create();
        }
    }

    private void awaitAllRunning(int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long running = 0;
        while (System.nanoTime() < deadline) {
            running = pipeline.kubernetes().pods().inNamespace("default").list().getItems().stream()
                    .filter(PipelineEndToEndTest::running)
                    .count();
            if (running >= n) {
                return;
            }
            Thread.sleep(250);
        }
        throw new AssertionError(running + " of " + n + " pods running after " + timeout);
    }

    private static void wipe(Path d) throws IOException {
        if (!Files.exists(d)) {
            return;
        }
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void schedulerAndLauncherRestartedMidFlightLaunchNothingTwice() throws Exception {
        submit(16);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (pipeline.mesos().launchedCount() < 4 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        pipeline.stopLauncher();
        pipeline.stopScheduler();
        wipe(pipeline.schedulerStateDir()); // the registry comes back from its changelog, not the local disk
        pipeline.startScheduler();
        pipeline.startLauncher();
        awaitAllRunning(16, Duration.ofSeconds(90));
        List<SimulatedTask> tasks = List.copyOf(pipeline.mesos().tasks().values());
        assertEquals(16, tasks.size(), "one Mesos task per pod, none launched twice: " + tasks);
        assertEquals(16, pipeline.mesos().launchedCount());
    }

    @Test
    void aSchedulerWithAnEmptyRegistryRecoversBoundPodsFromTheirAnnotations() throws Exception {
        submit(6);
        awaitAllRunning(6, Duration.ofSeconds(60));
        int launched = pipeline.mesos().launchedCount();
        pipeline.stopScheduler();
        // another application id: no changelog; the registry is rebuilt from the topics, and where each
        // pod runs from its annotations
        pipeline.startScheduler(Map.of("scheduler.application.id", "k8sm-scheduler-recovered"));
        Map<String, String> hostByTask = new java.util.HashMap<>();
        for (Pod p : pipeline.kubernetes().pods().inNamespace("default").list().getItems()) {
            var a = p.getMetadata().getAnnotations();
            hostByTask.put(a.get("k8s.mesosphere.io/taskId"), a.get("k8s.mesosphere.io/bindingHost"));
        }
        Map<String, String> registered = registryHosts(hostByTask, Duration.ofSeconds(30));
        assertEquals(
                hostByTask, registered, "the rebuilt registry's assignedSlave of each task is its pod's bindingHost");
        Thread.sleep(3_000); // three allocation rounds of offers: the recovered pods must not be placed again
        assertEquals(launched, pipeline.mesos().launchedCount(), "nothing launched twice");
        for (Pod p : pipeline.kubernetes().pods().inNamespace("default").list().getItems()) {
            assertTrue(PipelineEndToEndTest.running(p), p.getMetadata().getName() + " still running");
        }
    }

    /**
     * Asks the running scheduler's task store (an interactive query) until every task's assignedSlave
     * is what {@code expected} says, or the time is up; returns task id → assignedSlave of those
     * tasks.
     */
    private Map<String, String> registryHosts(Map<String, String> expected, Duration timeout)
            throws InterruptedException {
        Map<String, String> seen = new java.util.HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            seen.clear();
            try {
                var store = pipeline.scheduler()
                        .streams()
                        .store(org.apache.kafka.streams.StoreQueryParameters.fromNameAndType(
                                io.k8sm.scheduler.topology.SchedulerStores.TASKS,
                                org.apache.kafka.streams.state.QueryableStoreTypes
                                        .<String, io.k8sm.avro.RegistryTask>keyValueStore()));
                for (String task : expected.keySet()) {
                    var t = store.get(task);
                    if (t != null && t.getSpec() != null) {
                        seen.put(task, t.getSpec().getAssignedSlave());
                    }
                }
                if (seen.equals(expected)) {
                    return seen;
                }
            } catch (org.apache.kafka.streams.errors.InvalidStateStoreException e) {
                // still restoring or rebalancing
            }
            Thread.sleep(250);
        }
        return seen;
    }
}
