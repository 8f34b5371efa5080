package io.k8sm.scheduler.lifecycle;

import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.BECOME_RUNNING;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.CLEAR_HOLD;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.CONFIRM_BY_RECONCILE;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.DELETE_POD;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.FLAG_DELETED_AND_KILL;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.FORGET_POD;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.GUARD_DELETION;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.IGNORE_ECHO;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.RECONCILE_POD;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.RELEASE_HELD;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.REMOVE;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.UNREGISTER;
import static io.k8sm.scheduler.testing.Given.launcher;
import static io.k8sm.scheduler.testing.Given.pod;
import static io.k8sm.scheduler.testing.Given.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.LastStatus;
import io.k8sm.avro.LauncherEventType;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.RegistryTaskState;
import io.k8sm.avro.TaskFlags;
import io.k8sm.avro.TaskSpec;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.TaskStatus;
import io.k8sm.scheduler.lifecycle.TaskTransitions.Effect;
import io.k8sm.scheduler.lifecycle.TaskTransitions.Event;
import io.k8sm.scheduler.lifecycle.TaskTransitions.Rule;
import io.k8sm.scheduler.lifecycle.TaskTransitions.To;
import io.k8sm.scheduler.matching.Matcher;
import io.k8sm.scheduler.offers.OfferBook;
import io.k8sm.scheduler.outputs.Decisions;
import io.k8sm.scheduler.queue.SchedulingRound;
import io.k8sm.scheduler.reconciliation.Reconciler;
import io.k8sm.scheduler.registry.TaskRegistry;
import io.k8sm.scheduler.registry.Tasks;
import io.k8sm.scheduler.settings.SchedulerSettings;
import io.k8sm.scheduler.state.MapKv;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The task transition table, read as the reference's "Transitions", and held to what the lifecycle does. */
class TaskTransitionsTest {

    private static final long NOW = 10_000;
    private static final PodSnapshot POD = pod("ns/a").build();

    private static RegistryTask task(
            RegistryTaskState state, boolean launched, boolean bound, boolean deleted, boolean spec) {
        RegistryTask.Builder b = Tasks.edit(Tasks.pending("pod.t1", POD, 0), 0)
                .setState(state)
                .setFlags(new TaskFlags(launched, bound, deleted));
        if (spec) {
            b.setSpec(TaskSpec.newBuilder()
                            .setAgentId("agent-a")
                            .setAssignedSlave("host-a")
                            .setExecutorId("k8sm-executor")
                            .setOfferIds(List.of("o1"))
                            .build())
                    .setOfferId("o1");
        }
        return b.build();
    }

    private static TaskStatus ended(TaskState s, String reason) {
        return status("pod.t1", s).reason(reason).build();
    }

    private static List<Effect> effects(RegistryTask t, Event e, TaskStatus s) {
        return TaskTransitions.next(t, e, s).effects();
    }

    private static Rule rule(RegistryTask t, Event e, TaskStatus s) {
        return TaskTransitions.next(t, e, s);
    }

    @Test
    void aRunningStatusMovesAPendingTaskToRunning() {
        Rule r = rule(task(RegistryTaskState.PENDING, true, false, false, true), Event.TASK_RUNNING, null);
        assertEquals(To.RUNNING, r.to());
        assertEquals(List.of(BECOME_RUNNING), r.effects());
    }

    @Test
    void aFinishedStatusFinishesARunningOrAPendingTask() {
        for (RegistryTaskState s : List.of(RegistryTaskState.PENDING, RegistryTaskState.RUNNING)) {
            assertEquals(
                    To.FINISHED,
                    rule(task(s, true, true, false, true), Event.TASK_FINISHED, null)
                            .to());
        }
        assertEquals(
                List.of(),
                effects(task(RegistryTaskState.FINISHED, true, true, false, true), Event.TASK_FINISHED, null));
    }

    @Test
    void theDeletedPodOfAPendingUnlaunchedTaskUnregistersIt() {
        Rule r = rule(task(RegistryTaskState.PENDING, false, false, false, true), Event.POD_DELETED, null);
        assertEquals(To.REMOVED, r.to());
        assertEquals(List.of(FORGET_POD, UNREGISTER), r.effects());
    }

    @Test
    void theDeletedPodOfALaunchedOrRunningTaskKillsItOnce() {
        for (RegistryTaskState s : List.of(RegistryTaskState.PENDING, RegistryTaskState.RUNNING)) {
            assertEquals(
                    List.of(FORGET_POD, FLAG_DELETED_AND_KILL),
                    effects(task(s, true, false, false, true), Event.POD_DELETED, null));
            assertEquals(List.of(FORGET_POD), effects(task(s, true, false, true, true), Event.POD_DELETED, null));
        }
    }

    @Test
    void aTaskThatEndsUnboundIsReconciledAgainstItsPod() {
        assertEquals(
                List.of(REMOVE, RECONCILE_POD),
                effects(
                        task(RegistryTaskState.PENDING, true, false, false, true),
                        Event.TASK_ENDED,
                        ended(TaskState.TASK_FAILED, null)));
    }

    @Test
    void aBoundTaskLostOrKilledWithoutTheDeletedFlagHasItsPodDeleted() {
        RegistryTask bound = task(RegistryTaskState.RUNNING, true, true, false, true);
        // within the deletion guard's budget (issue 10.2); beyond it the rest of the row is held
        assertEquals(
                List.of(GUARD_DELETION, REMOVE, DELETE_POD),
                effects(bound, Event.TASK_ENDED, ended(TaskState.TASK_KILLED, null)));
        assertEquals(
                List.of(GUARD_DELETION, REMOVE, DELETE_POD),
                effects(bound, Event.TASK_ENDED, ended(TaskState.TASK_LOST, null)));
        assertEquals(List.of(REMOVE), effects(bound, Event.TASK_ENDED, ended(TaskState.TASK_FAILED, null)));
        RegistryTask deleted = task(RegistryTaskState.RUNNING, true, true, true, true);
        assertEquals(List.of(REMOVE), effects(deleted, Event.TASK_ENDED, ended(TaskState.TASK_KILLED, null)));
    }

    @Test
    void anInvalidOffersAnswerToAReplayedAcceptIsIgnoredForAStartedTask() {
        RegistryTask bound = task(RegistryTaskState.PENDING, true, true, false, true);
        assertEquals(
                List.of(IGNORE_ECHO),
                effects(bound, Event.TASK_ENDED, ended(TaskState.TASK_LOST, "REASON_INVALID_OFFERS")));
    }

    /**
     * Issue 10.4: before STARTING, a uuid-less invalid-offers loss of a launched task may be the echo
     * of a replayed ACCEPT (this test asserted the reschedule before, the bug the issue names): the
     * task stays and is reconciled; the reconciliation's answer decides.
     */
    @Test
    void anInvalidOffersLossOfALaunchedTaskBeforeStartingIsConfirmedByReconcile() {
        RegistryTask unbound = task(RegistryTaskState.PENDING, true, false, false, true);
        Rule r = rule(unbound, Event.TASK_ENDED, ended(TaskState.TASK_LOST, "REASON_INVALID_OFFERS"));
        assertEquals(To.SAME, r.to());
        assertEquals(List.of(CONFIRM_BY_RECONCILE), r.effects());
        assertEquals(
                List.of(REMOVE, RECONCILE_POD),
                effects(unbound, Event.TASK_ENDED, ended(TaskState.TASK_LOST, "REASON_RECONCILIATION")));
        TaskStatus withUuid = status("pod.t1", TaskState.TASK_LOST)
                .reason("REASON_INVALID_OFFERS")
                .uuid("agent-a", (byte) 1)
                .build();
        assertEquals(List.of(REMOVE, RECONCILE_POD), effects(unbound, Event.TASK_ENDED, withUuid));
    }

    /**
     * An ACCEPT offer-ingest did not send (its offers are from before a re-subscription) never
     * reached Mesos: the launched task is replaced at once, no reconciliation round first; a task
     * that was heard from, or bound, is left alone (the call may have repeated its real launch).
     */
    @Test
    void aLaunchOfferIngestDidNotSendIsRescheduledAtOnceButNeverATaskHeardFrom() {
        RegistryTask launched = task(RegistryTaskState.PENDING, true, false, false, true);
        Rule r = rule(launched, Event.ACCEPT_NOT_SENT, null);
        assertEquals(To.REMOVED, r.to());
        assertEquals(List.of(REMOVE, RECONCILE_POD), r.effects());
        RegistryTask deleted = task(RegistryTaskState.PENDING, true, false, true, true);
        assertEquals(List.of(REMOVE), effects(deleted, Event.ACCEPT_NOT_SENT, null));
        RegistryTask heard = Tasks.edit(launched, 0)
                .setLastStatus(new LastStatus(TaskState.TASK_STAGING, null, null, 0.0))
                .build();
        assertEquals(List.of(), effects(heard, Event.ACCEPT_NOT_SENT, null));
        assertEquals(
                List.of(),
                effects(task(RegistryTaskState.PENDING, true, true, false, true), Event.ACCEPT_NOT_SENT, null));
        assertEquals(
                List.of(),
                effects(task(RegistryTaskState.RUNNING, true, true, false, true), Event.ACCEPT_NOT_SENT, null));
    }

    @Test
    void aHeldDeletionWaitsForAnOperatorOrARunningTask() {
        RegistryTask held = Tasks.edit(task(RegistryTaskState.RUNNING, true, true, false, true), 0)
                .setDeletionHeld("TASK_LOST")
                .build();
        assertEquals(List.of(), effects(held, Event.TASK_ENDED, ended(TaskState.TASK_LOST, null)));
        assertEquals(List.of(RELEASE_HELD), effects(held, Event.DELETION_RELEASED, null));
        assertEquals(List.of(BECOME_RUNNING, CLEAR_HOLD), effects(held, Event.TASK_RUNNING, null));
        assertEquals(List.of(FORGET_POD, UNREGISTER), effects(held, Event.POD_DELETED, null));
    }

    @Test
    void aPartitionAwareUnknownIsALossAndUnreachableWaitsForTheNodesTaint() {
        // subscribed PARTITION_AWARE, Mesos answers TASK_UNKNOWN where it answered TASK_LOST
        assertEquals(Event.TASK_ENDED, Event.of(TaskState.TASK_UNKNOWN));
        RegistryTask bound = task(RegistryTaskState.RUNNING, true, true, false, true);
        assertEquals(
                List.of(GUARD_DELETION, REMOVE, DELETE_POD),
                effects(bound, Event.TASK_ENDED, ended(TaskState.TASK_UNKNOWN, "REASON_RECONCILIATION")));
        // an unreachable agent's pods stay until the launcher's unreachable taint evicts them
        assertEquals(Event.QUIET_STATUS, Event.of(TaskState.TASK_UNREACHABLE));
    }

    @Test
    void aStagingStatusDoesNothingInAnyState() {
        for (RegistryTaskState s : RegistryTaskState.values()) {
            assertEquals(List.of(), effects(task(s, true, false, false, true), Event.QUIET_STATUS, null));
        }
        assertEquals(List.of(), effects(null, Event.QUIET_STATUS, null));
    }

    @Test
    void everyMesosTaskStateMapsToAnEvent() {
        for (TaskState s : TaskState.values()) {
            assertNotNull(Event.of(s));
        }
    }

    /** One fresh world around the lifecycle, over in-memory stores. */
    private static final class World {
        final MapKv<String, RegistryTask> tasks = new MapKv<>();
        final MapKv<String, String> podIndex = new MapKv<>();
        final MapKv<String, PodSnapshot> pods = new MapKv<>();
        final MapKv<String, Long> meta = new MapKv<>();
        final Decisions out = new Decisions(meta, 5.0);
        final TaskRegistry registry = new TaskRegistry(tasks, podIndex, new MapKv<>(), meta, 1024, out);
        final TaskLifecycle lifecycle;

        World(RegistryTask t) {
            SchedulerSettings settings = SchedulerSettings.defaults();
            Matcher none = (p, o, n) -> new Matcher.Result(List.of(), Map.of());
            SchedulingRound round = new SchedulingRound(
                    new MapKv<>(),
                    pods,
                    meta,
                    new MapKv<>(),
                    registry,
                    new OfferBook(new MapKv<>(), meta, out, settings),
                    none,
                    out,
                    settings);
            Reconciler reconciler = new Reconciler(new MapKv<>(), meta, registry, out, settings);
            DeletionGuard guard = new DeletionGuard(meta, registry, out, settings.deletionBudget());
            lifecycle = new TaskLifecycle(pods, registry, round, guard, reconciler, out);
            pods.put(t.getPodKey(), POD);
            registry.register(t);
        }

        void fire(RegistryTask t, Event e, TaskStatus s) {
            switch (e) {
                case POD_DELETED -> lifecycle.podDeleted(t, NOW, "pod deleted");
                case LAUNCHED ->
                    lifecycle.onLauncher(launcher(t.getId(), t.getPodKey(), LauncherEventType.LAUNCHED, null), NOW);
                case BOUND ->
                    lifecycle.onLauncher(launcher(t.getId(), t.getPodKey(), LauncherEventType.BOUND, null), NOW);
                case LAUNCH_FAILED ->
                    lifecycle.onLauncher(
                            launcher(t.getId(), t.getPodKey(), LauncherEventType.LAUNCH_REJECTED, "stale"), NOW);
                case DELETION_RELEASED -> lifecycle.deletionReleased(t, NOW);
                case ACCEPT_NOT_SENT ->
                    lifecycle.acceptNotSent(List.of(t), "offers from before a re-subscription", NOW);
                default -> lifecycle.onStatus(s, NOW);
            }
        }
    }

    private static List<TaskStatus> statuses(Event e) {
        List<TaskStatus> found = new ArrayList<>();
        for (TaskState s : TaskState.values()) {
            if (Event.of(s) == e) {
                found.add(ended(s, null));
                found.add(ended(s, "REASON_INVALID_OFFERS"));
            }
        }
        return found.isEmpty() ? java.util.Collections.singletonList(null) : found;
    }

    @Test
    void everyRowEndsInTheStateItNamesAndNoRowIsDead() {
        Set<Rule> used = new HashSet<>();
        int cases = 0;
        for (RegistryTaskState state : RegistryTaskState.values()) {
            for (int flags = 0; flags < 32; flags++) {
                for (LastStatus last :
                        java.util.Arrays.asList(null, new LastStatus(TaskState.TASK_RUNNING, null, null, 0.0))) {
                    RegistryTask t = Tasks.edit(
                                    task(state, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0, (flags & 8) != 0),
                                    0)
                            .setLastStatus(last)
                            .setDeletionHeld((flags & 16) != 0 ? "TASK_LOST" : null)
                            .build();
                    for (Event e : Event.values()) {
                        for (TaskStatus s : statuses(e)) {
                            Rule rule = TaskTransitions.next(t, e, s);
                            used.add(rule);
                            World w = new World(t);
                            w.fire(t, e, s);
                            RegistryTask after = w.tasks.get(t.getId());
                            String where = state + " flags " + flags + " " + e + " " + (s == null ? "" : s.getState())
                                    + " → " + rule;
                            switch (rule.to()) {
                                case SAME -> assertEquals(state, after.getState(), where);
                                case RUNNING -> assertEquals(RegistryTaskState.RUNNING, after.getState(), where);
                                case FINISHED -> assertEquals(RegistryTaskState.FINISHED, after.getState(), where);
                                case REMOVED -> assertNull(after, where);
                            }
                            cases++;
                        }
                    }
                }
            }
        }
        assertTrue(cases > 1000, "cases " + cases);
        for (Rule r : TaskTransitions.RULES) {
            if (!r.from().contains(TaskTransitions.From.NONE)) {
                assertTrue(used.contains(r), "no task reaches the row " + r);
            }
        }
    }
}
