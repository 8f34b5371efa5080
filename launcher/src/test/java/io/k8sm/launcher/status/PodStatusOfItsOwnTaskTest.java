package io.k8sm.launcher.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.TaskStatus;
import io.k8sm.contract.PodAnnotations;
import io.k8sm.launcher.binding.LaunchedTask;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A pod's phase follows its own task only. The long chaos run ended with about 1,900 pods Failed
 * by TASK_LOST of launches that never ran (offers of an earlier subscription) and were placed
 * again: Failed is final in Kubernetes, and a late TASK_LOST of a rolled-back task turned a pod
 * whose new task runs Failed.
 */
@EnableKubernetesMockClient(crud = true)
class PodStatusOfItsOwnTaskTest {

    KubernetesClient client;
    KubernetesMockServer server;

    private Pod create(String name, String node, String taskId) {
        PodBuilder b = new PodBuilder()
                .withNewMetadata()
                .withNamespace("default")
                .withName(name)
                .withAnnotations(taskId == null ? Map.of() : Map.of(PodAnnotations.TASK_ID, taskId))
                .endMetadata()
                .withNewSpec()
                .withNodeName(node)
                .endSpec();
        return client.pods().inNamespace("default").resource(b.build()).create();
    }

    private String phase(String name) {
        Pod p = client.pods().inNamespace("default").withName(name).get();
        return p.getStatus() == null ? null : p.getStatus().getPhase();
    }

    private void apply(Pod pod, String taskId, TaskState state) {
        apply(new PodStatusWriter(client, Clock.systemUTC()), pod, taskId, state);
    }

    private static void apply(PodStatusWriter writer, Pod pod, String taskId, TaskState state) {
        writer.apply(
                new LaunchedTask(
                        taskId,
                        "default",
                        pod.getMetadata().getName(),
                        pod.getMetadata().getUid(),
                        "agent-1",
                        "agent-01",
                        Map.of()),
                TaskStatus.newBuilder().setTaskId(taskId).setState(state).build());
    }

    @Test
    void aStatusThePodInformerShowsWrittenAlreadyCostsNoApiCall() {
        Pod pod = create("running", "agent-01", "t1");
        apply(pod, "t1", TaskState.TASK_RUNNING);
        Pod written = client.pods().inNamespace("default").withName("running").get();
        PodStatusWriter informed = new PodStatusWriter(
                client, Clock.systemUTC(), node -> null, (ns, name) -> "running".equals(name) ? written : null);
        int before = server.getRequestCount();
        apply(informed, pod, "t1", TaskState.TASK_RUNNING); // what a reconciliation repeats
        // the node's address is looked up (it has none), but the pod is neither read nor written
        assertEquals(1, server.getRequestCount() - before, "only the node lookup reached the API");
        assertEquals("Running", phase("running"));
        apply(informed, pod, "t1", TaskState.TASK_FAILED); // a change is written as before
        assertEquals("Failed", phase("running"));
    }

    @Test
    void aLaunchLostBeforeBindingLeavesThePodPendingToBePlacedAgain() {
        Pod pod = create("never-ran", null, null);
        apply(pod, "t1", TaskState.TASK_LOST);
        assertNull(phase("never-ran"), "not Failed: the scheduler places it again");
    }

    @Test
    void aLateStatusOfAnEarlierTaskDoesNotChangeThePodOfItsNewTask() {
        Pod pod = create("moved-on", "agent-01", "t2");
        apply(pod, "t2", TaskState.TASK_RUNNING);
        apply(pod, "t1", TaskState.TASK_LOST);
        assertEquals("Running", phase("moved-on"));
    }

    @Test
    void theBoundPodsOwnTaskEndingMakesItFailed() {
        Pod pod = create("ended", "agent-01", "t3");
        apply(pod, "t3", TaskState.TASK_FAILED);
        assertEquals("Failed", phase("ended"));
    }

    /**
     * The chaos run's lost agent: its tasks' TASK_GONE is sent once, without uuid, and is lost when
     * offer-ingest is down; the reconciliation then answers TASK_UNKNOWN, and the pod stayed Running.
     * Unknown, not Failed: the scheduler's deletion guard may hold the pod for an operator's word.
     */
    @Test
    void aBoundPodWhoseTaskTheMasterNoLongerKnowsIsUnknownNotRunning() {
        Pod pod = create("forgotten", "agent-01", "t5");
        apply(pod, "t5", TaskState.TASK_RUNNING);
        apply(pod, "t5", TaskState.TASK_UNKNOWN);
        assertEquals("Unknown", phase("forgotten"));
    }

    @Test
    void aStatusThePodAlreadyHasIsNotWrittenAgain() {
        client.nodes()
                .resource(new io.fabric8.kubernetes.api.model.NodeBuilder()
                        .withNewMetadata()
                        .withName("agent-01")
                        .endMetadata()
                        .withNewStatus()
                        .addNewAddress()
                        .withType("InternalIP")
                        .withAddress("10.0.0.1")
                        .endAddress()
                        .endStatus()
                        .build())
                .create();
        Pod pod = create("steady", "agent-01", "t4");
        apply(pod, "t4", TaskState.TASK_RUNNING);
        String written = client.pods()
                .inNamespace("default")
                .withName("steady")
                .get()
                .getMetadata()
                .getResourceVersion();
        apply(pod, "t4", TaskState.TASK_RUNNING); // a reconciliation repeats it
        assertEquals(
                written,
                client.pods()
                        .inNamespace("default")
                        .withName("steady")
                        .get()
                        .getMetadata()
                        .getResourceVersion());
        assertEquals("Running", phase("steady"));
    }
}
