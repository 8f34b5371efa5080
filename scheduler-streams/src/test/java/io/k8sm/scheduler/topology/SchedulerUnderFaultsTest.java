package io.k8sm.scheduler.topology;

import static io.k8sm.scheduler.testing.Given.acceptNotSent;
import static io.k8sm.scheduler.testing.Given.callRejected;
import static io.k8sm.scheduler.testing.Given.launcher;
import static io.k8sm.scheduler.testing.Given.offer;
import static io.k8sm.scheduler.testing.Given.pod;
import static io.k8sm.scheduler.testing.Given.status;
import static io.k8sm.scheduler.testing.Given.subscribed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.Decline;
import io.k8sm.avro.Kill;
import io.k8sm.avro.LauncherEventType;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.PodActionType;
import io.k8sm.avro.Reconcile;
import io.k8sm.avro.ReconcileTask;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.SchedulerEventType;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.TaskStatusSource;
import io.k8sm.scheduler.lifecycle.DeletionGuard;
import io.k8sm.scheduler.settings.DeletionBudget;
import io.k8sm.scheduler.testing.SchedulerWorld;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 10's scheduler faults, each a reproducer: the invariant is read from the scheduler's own
 * outputs as the other side sees them ({@code pod-actions} for the Kubernetes API, {@code
 * mesos-calls} for the Mesos master, {@code launch-requests} for the launcher).
 */
class SchedulerUnderFaultsTest {

    private final SchedulerWorld world = new SchedulerWorld();

    @AfterEach
    void close() {
        world.close();
    }

    /** A pod scheduled on host-a and launched (but not bound); returns its task. */
    private RegistryTask launchedOnHostA(String podKey) {
        world.pod(pod(podKey).build()).offer(offer("o-" + podKey, "host-a").build());
        RegistryTask t = world.taskOfPod(podKey);
        world.launcher(launcher(t.getId(), podKey, LauncherEventType.LAUNCHED, null));
        return world.taskOfPod(podKey);
    }

    private RegistryTask runningAndBound(String podKey) {
        RegistryTask t = launchedOnHostA(podKey);
        world.launcher(launcher(t.getId(), podKey, LauncherEventType.BOUND, null));
        world.status(status(t.getId(), TaskState.TASK_RUNNING).build());
        return world.task(t.getId());
    }

    private static List<String> reconciled(List<Reconcile> rs) {
        List<String> ids = new ArrayList<>();
        for (Reconcile r : rs) {
            r.getTasks().stream().map(ReconcileTask::getTaskId).forEach(ids::add);
        }
        return ids;
    }

    private List<String> killed() {
        return world.calls(Kill.class).stream().map(Kill::getTaskId).toList();
    }

    private long deletes() {
        return world.actions.stream()
                .filter(a -> a.getAction() == PodActionType.DELETE)
                .count();
    }

    // issue 10.2: a new framework id makes reconciliation report every bound task lost

    @Test
    void aReconciliationThatLosesEveryBoundTaskDeletesNoMoreThanTheGuardsShareAndRaisesAnAlarm() {
        List<RegistryTask> tasks = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            tasks.add(runningAndBound("ns/p" + i));
        }
        world.clearOutputs();
        world.framework(subscribed()); // as a new framework: the master knows none of our tasks
        for (RegistryTask t : tasks) {
            world.status(status(t.getId(), TaskState.TASK_LOST)
                    .reason("REASON_RECONCILIATION")
                    .source(TaskStatusSource.SOURCE_MASTER)
                    .build());
        }

        assertEquals(4, deletes(), "at most 10 % of the 40 bound pods are deleted without an operator's word");
        assertFalse(world.events(SchedulerEventType.ALARM).isEmpty(), "an alarm is raised");
        assertEquals(36, world.events(SchedulerEventType.DELETION_HELD).size());
        long held = tasks.stream()
                .map(t -> world.task(t.getId()))
                .filter(t -> t != null && t.getDeletionHeld() != null)
                .count();
        assertEquals(36, held, "the held deletions stay in the registry, flagged");
    }

    @Test
    void anOperatorReleasesAHeldDeletionByAnnotatingThePod() {
        List<RegistryTask> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            tasks.add(runningAndBound("ns/p" + i));
        }
        world.clearOutputs();
        for (RegistryTask t : tasks) {
            world.status(status(t.getId(), TaskState.TASK_LOST)
                    .reason("REASON_RECONCILIATION")
                    .build());
        }
        assertEquals(DeletionBudget.defaults().minCount(), deletes(), "tiny clusters: the minimum count");
        RegistryTask held = world.task(tasks.get(9).getId());
        assertNotNull(held.getDeletionHeld());

        world.pod(pod("ns/p9")
                .nodeName("host-a")
                .annotation(DeletionGuard.RELEASE_ANNOTATION, "true")
                .build());

        assertEquals(DeletionBudget.defaults().minCount() + 1, deletes());
        assertEquals("ns/p9", world.actions.get(world.actions.size() - 1).getPodKey());
        assertNull(world.task(held.getId()), "released: the lost task is removed");
    }

    @Test
    void aHeldTaskThatRunsAfterAllIsNoLongerHeld() {
        List<RegistryTask> tasks = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            tasks.add(runningAndBound("ns/p" + i));
        }
        for (RegistryTask t : tasks) {
            world.status(status(t.getId(), TaskState.TASK_LOST)
                    .reason("REASON_RECONCILIATION")
                    .build());
        }
        RegistryTask last = tasks.get(4);
        assertNotNull(world.task(last.getId()).getDeletionHeld());
        world.status(status(last.getId(), TaskState.TASK_RUNNING).build());
        assertNull(world.task(last.getId()).getDeletionHeld(), "the framework id came back: the task runs");
    }

    @Test
    void theDeletionWindowClosesInEventTime() {
        List<RegistryTask> tasks = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            tasks.add(runningAndBound("ns/p" + i));
        }
        for (int i = 0; i < 6; i++) {
            if (i == 3) {
                world.advance(DeletionBudget.defaults().windowMs());
            }
            world.status(status(tasks.get(i).getId(), TaskState.TASK_LOST)
                    .reason("REASON_AGENT_REMOVED")
                    .build());
        }
        assertEquals(6, deletes(), "three losses per window, two windows: nothing held");
        assertTrue(world.events(SchedulerEventType.ALARM).isEmpty());
    }

    // issue 10.4: the echo of a replayed ACCEPT before STARTING

    @Test
    void anInvalidOffersLossOfALaunchedTaskBeforeStartingIsConfirmedByReconcileNotRescheduled() {
        world.framework(subscribed());
        RegistryTask t = launchedOnHostA("ns/a");
        world.clearOutputs();
        world.status(status(t.getId(), TaskState.TASK_LOST)
                .reason("REASON_INVALID_OFFERS")
                .source(TaskStatusSource.SOURCE_MASTER)
                .build());

        assertNotNull(world.task(t.getId()), "the task stays: the loss may be the echo of a replayed ACCEPT");
        assertTrue(world.events(SchedulerEventType.RESCHEDULED).isEmpty());
        assertTrue(world.launches.isEmpty(), "nothing launched twice");
        world.advance(15_000);
        assertTrue(reconciled(world.calls(Reconcile.class)).contains(t.getId()), "confirmed by an explicit reconcile");

        world.status(status(t.getId(), TaskState.TASK_STARTING).build()); // the real task
        world.status(status(t.getId(), TaskState.TASK_RUNNING).build());
        assertTrue(killed().isEmpty(), "the real task is not killed as unknown");
        assertTrue(world.deadLetters.isEmpty());
    }

    @Test
    void aGenuineInvalidOffersLossIsHealedByTheReconcileAnswer() {
        world.framework(subscribed());
        RegistryTask t = launchedOnHostA("ns/a");
        world.status(status(t.getId(), TaskState.TASK_LOST)
                .reason("REASON_INVALID_OFFERS")
                .source(TaskStatusSource.SOURCE_MASTER)
                .build());
        world.advance(15_000);
        world.status(status(t.getId(), TaskState.TASK_LOST)
                .reason("REASON_RECONCILIATION")
                .source(TaskStatusSource.SOURCE_MASTER)
                .build());

        assertNull(world.task(t.getId()));
        assertEquals(1, world.events(SchedulerEventType.RESCHEDULED).size(), "the unbound pod is scheduled again");
    }

    // issue 10.5: rejected calls

    @Test
    void aRejectedAcceptIsReconciledAtOnce() {
        world.framework(subscribed());
        RegistryTask t = launchedOnHostA("ns/a");
        world.clearOutputs();
        world.framework(callRejected("launch/" + t.getId(), "ACCEPT"));

        assertEquals(List.of(t.getId()), reconciled(world.calls(Reconcile.class)));
        world.status(status(t.getId(), TaskState.TASK_LOST)
                .reason("REASON_RECONCILIATION")
                .source(TaskStatusSource.SOURCE_MASTER)
                .build());
        assertEquals(1, world.events(SchedulerEventType.RESCHEDULED).size(), "the lost launch heals");
    }

    /**
     * An ACCEPT offer-ingest did not send never reached Mesos: the pod is placed again at once, under
     * a new task id, with no reconciliation round first (in the long chaos run that round waited
     * behind minutes of queued calls, once per offer-ingest restart).
     */
    @Test
    void anAcceptOfferIngestDidNotSendIsPlacedAgainAtOnceWithoutAReconcile() {
        world.framework(subscribed());
        RegistryTask t = launchedOnHostA("ns/a");
        world.clearOutputs();
        world.framework(acceptNotSent("launch/" + t.getId(), List.of(t.getId())));

        assertNull(world.task(t.getId()), "the task that never reached Mesos is gone");
        assertEquals(1, world.events(SchedulerEventType.RESCHEDULED).size(), "the pod is scheduled again");
        assertTrue(reconciled(world.calls(Reconcile.class)).isEmpty(), "nothing to confirm");
        assertTrue(killed().isEmpty(), "nothing to kill");
    }

    @Test
    void aRejectedKillIsReissuedWithBackoffUntilTheTaskEnds() {
        RegistryTask t = launchedOnHostA("ns/a");
        world.status(status(t.getId(), TaskState.TASK_RUNNING).build());
        world.podDeleted("ns/a");
        MesosCall kill = world.calls.stream()
                .filter(c -> c.getCall() instanceof Kill)
                .findFirst()
                .orElseThrow();
        world.framework(callRejected(kill.getCallId(), "KILL"));
        assertEquals(1, killed().size(), "not at once");
        world.advance(1_000);
        assertEquals(2, killed().size(), "re-issued after the first backoff");
        world.advance(1_000);
        assertEquals(2, killed().size(), "the backoff doubles");
        world.advance(1_000);
        assertEquals(3, killed().size());

        world.status(status(t.getId(), TaskState.TASK_KILLED).build());
        world.advance(600_000);
        assertEquals(3, killed().size(), "the task ended: no more kills");
        assertEquals(List.of(t.getId(), t.getId(), t.getId()), killed());
    }

    // C3: offers of an older subscription

    @Test
    void offersFromBeforeTheLatestSubscriptionAreDroppedNotDeclined() {
        world.offer(offer("o-old", "host-a").build());
        world.advance(1_000);
        world.framework(subscribed()); // offer-ingest killed and re-subscribed: no Disconnected came
        world.advance(10_000);
        assertTrue(world.calls(Decline.class).isEmpty(), "an offer of an older subscription is not declined");
        world.pod(pod("ns/a").build());
        assertTrue(world.launches.isEmpty(), "nor used");
    }

    // review 2.2: a pod that always fails before binding

    @Test
    void aPodThatFailsBeforeBindingIsRelaunchedWithBackoffNotInAHotLoop() {
        world.pod(pod("ns/a").build());
        for (int attempt = 1; attempt <= 3; attempt++) {
            world.offer(offer("o" + attempt, "host-a").build());
            assertEquals(attempt, world.launches.size(), "attempt " + attempt + " launched once its backoff passed");
            RegistryTask t = world.taskOfPod("ns/a");
            world.launcher(launcher(t.getId(), "ns/a", LauncherEventType.LAUNCHED, null));
            world.status(status(t.getId(), TaskState.TASK_ERROR).build());
            world.offer(offer("o" + attempt + "-again", "host-a").build());
            assertEquals(attempt, world.launches.size(), "no relaunch on the next offer: backoff");
            world.advance((500L << attempt) - 100); // under the attempt's backoff (1 s doubling, plus jitter)
            assertEquals(attempt, world.launches.size(), "still backing off after attempt " + attempt);
            world.advance(60_000);
        }
    }
}
