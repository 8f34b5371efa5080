package io.k8sm.launcher.status;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.TaskStatus;
import io.k8sm.launcher.binding.LaunchedTask;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The pod conditions are stamped by the launcher's injected clock, not the wall clock. */
@EnableKubernetesMockClient(crud = true)
class PodStatusWriterClockTest {
    private static final Instant FIXED = Instant.parse("2001-02-03T04:05:06Z");

    KubernetesClient client;

    @Test
    void theConditionsOfARunningPodCarryTheInjectedClocksTime() {
        // the mock API assigns its own uid: the task names the pod the API holds
        String uid = client.pods()
                .inNamespace("default")
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withNamespace("default")
                        .withName("web-1")
                        .withUid("uid-1")
                        .endMetadata()
                        .build())
                .create()
                .getMetadata()
                .getUid();
        PodStatusWriter writer = new PodStatusWriter(client, Clock.fixed(FIXED, ZoneOffset.UTC));
        LaunchedTask task = new LaunchedTask("t1", "default", "web-1", uid, "agent-1", "agent-01", Map.of());

        writer.apply(
                task,
                TaskStatus.newBuilder()
                        .setTaskId("t1")
                        .setState(TaskState.TASK_RUNNING)
                        .build());

        var status =
                client.pods().inNamespace("default").withName("web-1").get().getStatus();
        assertEquals("Running", status.getPhase());
        assertEquals(2, status.getConditions().size());
        for (PodCondition c : status.getConditions()) {
            assertEquals(FIXED.toString(), c.getLastTransitionTime(), c.getType());
        }
    }
}
