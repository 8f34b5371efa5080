package io.k8sm.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole system on the embedded world: Kubernetes API → scheduler → Mesos → binding → Running.
 */
class PipelineEndToEndTest {

    @TempDir
    static Path dir;

    static Pipeline pipeline;

    @BeforeAll
    static void start() throws Exception {
        pipeline = Pipeline.onNewWorld(Pipeline.Options.defaults(dir).withAgents(3))
                .startAll();
    }

    @AfterAll
    static void stop() {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    static Pod awaitPod(String name, Predicate<Pod> condition, Duration timeout) throws InterruptedException {
        return awaitPodIn(pipeline, name, condition, timeout);
    }

    static Pod awaitPodIn(Pipeline pipeline, String name, Predicate<Pod> condition, Duration timeout)
            throws InterruptedException {
        KubernetesClient k8s = pipeline.kubernetes();
        long deadline = System.nanoTime() + timeout.toNanos();
        Pod last = null;
        while (System.nanoTime() < deadline) {
            last = k8s.pods().inNamespace("default").withName(name).get();
            if (last != null && condition.test(last)) {
                return last;
            }
            Thread.sleep(200);
        }
        fail("pod "
                + name
                + " did not reach the condition within "
                + timeout
                + "; last seen: "
                + (last == null ? "none" : Serialization.asYaml(last)));
        return null;
    }

    static boolean running(Pod p) {
        return p.getStatus() != null && "Running".equals(p.getStatus().getPhase());
    }

    @Test
    void podCreatedInKubernetesIsScheduledLaunchedBoundAndShownRunning() throws Exception {
        pipeline.kubernetes()
                .pods()
                .inNamespace("default")
                .resource(DemoPods.pod("web-0", 0))
                .create();
        Pod pod = awaitPod("web-0", PipelineEndToEndTest::running, Duration.ofSeconds(60));
        String host = pod.getMetadata().getAnnotations().get("k8s.mesosphere.io/bindingHost");
        assertNotNull(host, "bindingHost annotation");
        assertEquals(host, pod.getSpec().getNodeName());
        assertNotNull(pod.getStatus().getHostIP(), "hostIP: " + Serialization.asYaml(pod));
        assertEquals("8080", pod.getMetadata().getAnnotations().get("k8s.mesosphere.io/port_TCP_8080"));
    }

    @Test
    void podWhoseLaunchFailsBeforeBindingEndsRunningOnANewTask() throws Exception {
        pipeline.kubernetes()
                .pods()
                .inNamespace("default")
                .resource(DemoPods.pod("batch-7", 7))
                .create();
        String firstTask = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (firstTask == null && System.nanoTime() < deadline) {
            firstTask = pipeline.mesos().tasks().values().stream()
                    .filter(t -> t.state() == org.apache.mesos.v1.Protos.TaskState.TASK_STAGING)
                    .map(io.k8sm.sandbox.mesos.SimulatedTask::taskId)
                    .findFirst()
                    .orElse(null);
            Thread.sleep(10);
        }
        assertNotNull(firstTask, "the pod's first task never reached the master");
        pipeline.mesos()
                .failTask(
                        firstTask,
                        org.apache.mesos.v1.Protos.TaskState.TASK_ERROR,
                        org.apache.mesos.v1.Protos.TaskStatus.Reason.REASON_CONTAINER_LAUNCH_FAILED);
        Pod pod = awaitPod("batch-7", PipelineEndToEndTest::running, Duration.ofSeconds(60));
        String task = pod.getMetadata().getAnnotations().get("k8s.mesosphere.io/taskId");
        assertNotNull(task);
        org.junit.jupiter.api.Assertions.assertNotEquals(firstTask, task, "a new task, not the failed one");
    }

    @Test
    void hostPortEndpointsPointAtTheAgentsAddress() throws Exception {
        KubernetesClient k8s = pipeline.kubernetes();
        k8s.services()
                .inNamespace("default")
                .resource(new io.fabric8.kubernetes.api.model.ServiceBuilder()
                        .withNewMetadata()
                        .withName("api")
                        .withNamespace("default")
                        .endMetadata()
                        .withNewSpec()
                        .addToSelector("app", "api")
                        .addNewPort()
                        .withName("grpc")
                        .withPort(9000)
                        .withTargetPort(new io.fabric8.kubernetes.api.model.IntOrString(9000))
                        .endPort()
                        .endSpec()
                        .build())
                .create();
        k8s.pods().inNamespace("default").resource(DemoPods.pod("api-1", 1)).create();
        Pod pod = awaitPod("api-1", PipelineEndToEndTest::running, Duration.ofSeconds(60));
        String hostPort = pod.getMetadata().getAnnotations().get("k8s.mesosphere.io/port_TCP_9000");
        assertNotNull(hostPort, "wildcard host port annotation");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        io.fabric8.kubernetes.api.model.Endpoints ep = null;
        while (System.nanoTime() < deadline) {
            ep = k8s.endpoints().inNamespace("default").withName("api").get();
            if (ep != null
                    && !ep.getSubsets().isEmpty()
                    && ep.getSubsets().get(0).getAddresses() != null
                    && !ep.getSubsets().get(0).getAddresses().isEmpty()) {
                break;
            }
            Thread.sleep(200);
        }
        assertNotNull(ep);
        assertEquals(
                pod.getStatus().getHostIP(),
                ep.getSubsets().get(0).getAddresses().get(0).getIp(),
                Serialization.asYaml(ep));
        assertEquals(
                Integer.valueOf(hostPort),
                ep.getSubsets().get(0).getPorts().get(0).getPort());
    }

    @Test
    void podWithRequiredNodeAffinityRunsOnTheAgentOfTheRackItNames() throws Exception {
        // agents agent-01..03 are on racks r1, r2, r0
        Pod pod = new io.fabric8.kubernetes.api.model.PodBuilder(DemoPods.pod("batch-rack", 1))
                .editSpec()
                .withNewAffinity()
                .withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewNodeSelectorTerm()
                .addToMatchExpressions(new io.fabric8.kubernetes.api.model.NodeSelectorRequirement(
                        "k8s.mesosphere.io/attribute-rack", "In", java.util.List.of("r2")))
                .endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity()
                .endAffinity()
                .endSpec()
                .build();
        pipeline.kubernetes().pods().inNamespace("default").resource(pod).create();
        Pod running = awaitPod("batch-rack", PipelineEndToEndTest::running, Duration.ofSeconds(60));
        assertEquals("agent-02", running.getSpec().getNodeName());
    }

    @Test
    void gatedPodIsNotLaunchedUntilItsGateIsRemovedThenRuns() throws Exception {
        Pod pod = new io.fabric8.kubernetes.api.model.PodBuilder(DemoPods.pod("batch-gated", 2))
                .editSpec()
                .addToSchedulingGates(new io.fabric8.kubernetes.api.model.PodSchedulingGate("example.com/quota"))
                .endSpec()
                .build();
        int tasksBefore = pipeline.mesos().tasks().size();
        pipeline.kubernetes().pods().inNamespace("default").resource(pod).create();
        Thread.sleep(3_000);
        assertEquals(tasksBefore, pipeline.mesos().tasks().size(), "the master saw no task of the gated pod");
        Pod gated = pipeline.kubernetes()
                .pods()
                .inNamespace("default")
                .withName("batch-gated")
                .get();
        assertEquals(null, gated.getSpec().getNodeName(), "not bound while gated");

        pipeline.kubernetes()
                .pods()
                .inNamespace("default")
                .withName("batch-gated")
                .edit(p -> new io.fabric8.kubernetes.api.model.PodBuilder(p)
                        .editSpec()
                        .withSchedulingGates(java.util.List.of())
                        .endSpec()
                        .build());
        awaitPod("batch-gated", PipelineEndToEndTest::running, Duration.ofSeconds(60));
    }

    @Test
    void aNoExecuteTaintOnItsNodeEvictsARunningPodAndKillsItsTask() throws Exception {
        pipeline.kubernetes()
                .pods()
                .inNamespace("default")
                .resource(DemoPods.pod("batch-evicted", 3))
                .create();
        Pod running = awaitPod("batch-evicted", PipelineEndToEndTest::running, Duration.ofSeconds(60));
        String node = running.getSpec().getNodeName();
        String task = running.getMetadata().getAnnotations().get("k8s.mesosphere.io/taskId");
        var nodes = pipeline.kubernetes().nodes().withName(node);
        try {
            nodes.edit(n -> new io.fabric8.kubernetes.api.model.NodeBuilder(n)
                    .editSpec()
                    .addNewTaint()
                    .withKey("example.com/maintenance")
                    .withEffect("NoExecute")
                    .endTaint()
                    .endSpec()
                    .build());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline
                    && (pipeline.kubernetes()
                                            .pods()
                                            .inNamespace("default")
                                            .withName("batch-evicted")
                                            .get()
                                    != null
                            || !pipeline.mesos().tasks().get(task).terminal())) {
                Thread.sleep(200);
            }
            assertEquals(
                    null,
                    pipeline.kubernetes()
                            .pods()
                            .inNamespace("default")
                            .withName("batch-evicted")
                            .get(),
                    "the API no longer has the evicted pod");
            assertEquals(
                    org.apache.mesos.v1.Protos.TaskState.TASK_KILLED,
                    pipeline.mesos().tasks().get(task).state(),
                    "the master killed its task");
        } finally {
            nodes.edit(n -> new io.fabric8.kubernetes.api.model.NodeBuilder(n)
                    .editSpec()
                    .withTaints(java.util.List.of())
                    .endSpec()
                    .build());
        }
    }
}
