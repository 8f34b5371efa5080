package io.k8sm.scheduler.topology;

import static io.k8sm.scheduler.testing.Given.launcher;
import static io.k8sm.scheduler.testing.Given.offer;
import static io.k8sm.scheduler.testing.Given.pod;
import static io.k8sm.scheduler.testing.Given.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.LauncherEventType;
import io.k8sm.avro.PodActionType;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.RegistryTaskState;
import io.k8sm.avro.SchedulerEventType;
import io.k8sm.avro.TaskState;
import io.k8sm.scheduler.registry.Tasks;
import io.k8sm.scheduler.testing.SchedulerWorld;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The seed's fix: AssignedSlave in the registry, reconciliation of unbound failures, recovery. */
class SeedFixTest {

    private final SchedulerWorld world = new SchedulerWorld();

    @AfterEach
    void close() {
        world.close();
    }

    private RegistryTask launchedNotBound(String podKey) {
        world.pod(pod(podKey).build()).offer(offer("o-" + podKey, "host-a").build());
        RegistryTask t = world.taskOfPod(podKey);
        world.launcher(launcher(t.getId(), podKey, LauncherEventType.LAUNCHED, null));
        return world.taskOfPod(podKey);
    }

    // (a) -------------------------------------------------------------------

    @Test
    void assignedSlaveIsPersistedInTheRegistryStoreAndItsChangelog() {
        RegistryTask t = launchedNotBound("ns/a");
        assertEquals("host-a", world.task(t.getId()).getSpec().getAssignedSlave());
        List<KeyValue<String, byte[]>> changelog = world.changelog(SchedulerStores.TASKS);
        KeyValue<String, byte[]> last = changelog.get(changelog.size() - 1);
        assertEquals(t.getId(), last.key);
        assertEquals(
                "host-a",
                SchedulerWorld.decodeTask(last.value).getSpec().getAssignedSlave(),
                "what a restarted instance restores carries AssignedSlave");
    }

    // (b) -------------------------------------------------------------------

    @Test
    void taskFailedBeforeBindingWithPodGoneIsRemoved() {
        RegistryTask t = launchedNotBound("ns/a");
        world.podDeleted("ns/a"); // kills the task (flag deleted)
        world.pod(pod("ns/b").build());
        world.status(status(t.getId(), TaskState.TASK_FAILED).build());
        assertNull(world.task(t.getId()));
        assertNull(world.taskOfPod("ns/a"));
    }

    @Test
    void taskLostBeforeBindingWhosePodVanishedIsRemovedAndNotRescheduled() {
        RegistryTask t = launchedNotBound("ns/a");
        // The pod's tombstone is not yet applied when the status arrives, but the snapshot is of
        // another pod.
        world.pod(pod("ns/a").uid("another-uid").build());
        world.clearOutputs();
        world.status(status(t.getId(), TaskState.TASK_LOST).build());
        assertNull(world.task(t.getId()));
        assertTrue(world.events(SchedulerEventType.RESCHEDULED).isEmpty());
    }

    @Test
    void taskFailedBeforeBindingWithPodStillUnboundIsQueuedAndScheduledAgain() {
        RegistryTask t = launchedNotBound("ns/a");
        world.status(status(t.getId(), TaskState.TASK_FAILED)
                .reason("REASON_CONTAINER_LAUNCH_FAILED")
                .build());
        assertNull(world.task(t.getId()));
        RegistryTask next = world.taskOfPod("ns/a");
        assertNotNull(next, "a new task is registered for the unbound pod");
        assertNotEquals(t.getId(), next.getId());
        assertEquals(RegistryTaskState.PENDING, next.getState());
        assertTrue(
                world.events(SchedulerEventType.RESCHEDULED).get(0).getMessage().contains("host-a"));
        world.advance(1_250); // review 2.2: after the first attempt's backoff (1 s plus up to a quarter), not at once
        world.offer(offer("o2", "host-b").build());
        assertEquals("host-b", world.taskOfPod("ns/a").getSpec().getAssignedSlave(), "scheduled again");
    }

    @Test
    void taskErrorBeforeBindingWithPodBoundChangesNothing() {
        RegistryTask t = launchedNotBound("ns/a");
        world.pod(pod("ns/a").nodeName("host-a").resourceVersion("2").build());
        world.clearOutputs();
        world.status(status(t.getId(), TaskState.TASK_ERROR).build());
        assertNull(world.task(t.getId()));
        assertNull(world.taskOfPod("ns/a"));
        assertTrue(world.events(SchedulerEventType.RESCHEDULED).isEmpty());
        assertTrue(world.launches.isEmpty());
        assertTrue(world.actions.isEmpty());
        assertEquals(1, world.events(SchedulerEventType.RECONCILED).size());
    }

    @Test
    void bindFailedAfterLaunchKillsTheTaskAndTheKilledTaskIsRescheduled() {
        RegistryTask t = launchedNotBound("ns/a");
        world.launcher(launcher(t.getId(), "ns/a", LauncherEventType.BIND_FAILED, "409 conflict"));
        world.status(status(t.getId(), TaskState.TASK_KILLED).build());
        assertNotNull(world.taskOfPod("ns/a"));
        assertNotEquals(t.getId(), world.taskOfPod("ns/a").getId());
    }

    // (c) -------------------------------------------------------------------

    @Test
    void podWithAllRecoveryAnnotationsIsRecoveredAsPendingLaunchedBoundWithAssignedSlave() {
        world.pod(pod("other/a")
                .nodeName("host-z")
                .annotation(Tasks.BINDING_HOST, "host-z")
                .annotation(Tasks.TASK_ID, "pod.recovered-1")
                .annotation(Tasks.SLAVE_ID, "agent-z")
                .annotation(Tasks.OFFER_ID, "o-old")
                .build());
        RegistryTask t = world.taskOfPod("other/a");
        assertEquals("pod.recovered-1", t.getId());
        assertEquals(RegistryTaskState.PENDING, t.getState());
        assertTrue(t.getFlags().getLaunched() && t.getFlags().getBound());
        assertEquals("host-z", t.getSpec().getAssignedSlave());
        assertEquals("agent-z", t.getSpec().getAgentId());
        assertTrue(world.launches.isEmpty(), "not queued");
        assertTrue(world.calls.isEmpty(), "a pod outside the default namespace is not killed");
    }

    @Test
    void podWithOnlySomeRecoveryAnnotationsGetsADeleteActionWithGraceZero() {
        world.pod(pod("ns/a")
                .nodeName("host-z")
                .annotation(Tasks.BINDING_HOST, "host-z")
                .annotation(Tasks.TASK_ID, "pod.x")
                .build());
        assertNull(world.taskOfPod("ns/a"));
        assertEquals(1, world.actions.size());
        assertEquals(PodActionType.DELETE, world.actions.get(0).getAction());
        assertEquals(0L, world.actions.get(0).getGracePeriodSeconds());
        assertEquals("uid-ns/a", world.actions.get(0).getUid());
    }

    // (c) with a registry rebuilt from history -----------------------------------------

    @Test
    void annotatedSnapshotReplacesATaskRegisteredFromAnOlderSnapshotThatWasNotLaunched() {
        world.pod(pod("ns/r").build()); // the early, unannotated snapshot: registered and queued
        RegistryTask early = world.taskOfPod("ns/r");
        assertTrue(!early.getFlags().getLaunched());
        world.pod(pod("ns/r")
                .nodeName("host-z")
                .annotation(Tasks.BINDING_HOST, "host-z")
                .annotation(Tasks.TASK_ID, "pod.running-1")
                .annotation(Tasks.SLAVE_ID, "agent-z")
                .annotation(Tasks.OFFER_ID, "o-old")
                .build());
        RegistryTask t = world.taskOfPod("ns/r");
        assertEquals("pod.running-1", t.getId(), "the pod's task, not the one registered from the old snapshot");
        assertTrue(t.getFlags().getLaunched() && t.getFlags().getBound());
        assertEquals("host-z", t.getSpec().getAssignedSlave());
        assertNull(world.task(early.getId()), "the stale registration is gone");
        world.offer(offer("o-new", "host-a").build());
        assertTrue(world.launches.isEmpty(), "the recovered pod is not placed again");
        assertEquals(1, world.events(io.k8sm.avro.SchedulerEventType.RECOVERED).size());
    }

    @Test
    void launchedTaskTakesItsAssignedHostFromThePodsAnnotations() {
        RegistryTask t = launchedNotBound("ns/h"); // placed on host-a by this registry
        world.pod(pod("ns/h")
                .nodeName("host-b")
                .annotation(Tasks.BINDING_HOST, "host-b")
                .annotation(Tasks.TASK_ID, t.getId())
                .annotation(Tasks.SLAVE_ID, "agent-b")
                .annotation(Tasks.OFFER_ID, "o-b")
                .build());
        RegistryTask after = world.task(t.getId());
        assertEquals("host-b", after.getSpec().getAssignedSlave(), "where the pod says it runs");
        assertEquals("agent-b", after.getSpec().getAgentId());
        assertTrue(after.getFlags().getBound());
        assertEquals(
                "host-b",
                world.events(io.k8sm.avro.SchedulerEventType.RECOVERED).get(0).getHost());
    }
}
