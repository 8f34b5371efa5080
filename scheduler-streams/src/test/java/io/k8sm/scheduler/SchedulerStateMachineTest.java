package io.k8sm.scheduler;

import static io.k8sm.scheduler.testing.Given.launcher;
import static io.k8sm.scheduler.testing.Given.offer;
import static io.k8sm.scheduler.testing.Given.pod;
import static io.k8sm.scheduler.testing.Given.rescind;
import static io.k8sm.scheduler.testing.Given.status;
import static io.k8sm.scheduler.testing.Given.subscribed;
import static io.k8sm.scheduler.testing.Given.tick;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.Decline;
import io.k8sm.avro.Kill;
import io.k8sm.avro.LauncherEventType;
import io.k8sm.avro.OfferEvent;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.Reconcile;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.RegistryTaskState;
import io.k8sm.avro.SchedulerEventType;
import io.k8sm.avro.TaskState;
import io.k8sm.scheduler.matching.Matcher;
import io.k8sm.scheduler.matching.ProcurementMatcher;
import io.k8sm.scheduler.outputs.SchedulerOutput;
import io.k8sm.scheduler.procurement.ProcurementConfig;
import io.k8sm.scheduler.settings.SchedulerSettings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's core without Kafka: {@link SchedulerStateMachine} over {@link
 * SchedulerState#inMemory()}, fed with the {@code Given} DSL, its decisions read as they are
 * returned.
 */
class SchedulerStateMachineTest {

    private SchedulerState state = SchedulerState.inMemory();
    private SchedulerStateMachine machine = new SchedulerStateMachine(
            SchedulerSettings.defaults(), state, new ProcurementMatcher(ProcurementConfig.defaults()));
    private long now = 1_000;

    private List<SchedulerOutput> podSeen(PodSnapshot p) {
        return machine.apply(new SchedulerInput.PodUpdate(p.getNamespace() + "/" + p.getName(), p), now);
    }

    private List<SchedulerOutput> offered(OfferEvent o) {
        return machine.apply(new SchedulerInput.OfferUpdate("shard-0", o), now);
    }

    private List<SchedulerOutput> statusOf(String taskId, TaskState s) {
        return machine.apply(
                new SchedulerInput.StatusUpdate(taskId, status(taskId, s).build()), now);
    }

    private List<SchedulerOutput> launched(RegistryTask t) {
        return machine.apply(
                new SchedulerInput.LauncherUpdate(
                        t.getId(), launcher(t.getId(), t.getPodKey(), LauncherEventType.LAUNCHED, null)),
                now);
    }

    private RegistryTask taskOfPod(String podKey) {
        String id = state.podIndex().get(podKey);
        return id == null ? null : state.tasks().get(id);
    }

    private static <T> List<T> calls(List<SchedulerOutput> out, Class<T> type) {
        List<T> found = new ArrayList<>();
        for (SchedulerOutput o : out) {
            if (o instanceof SchedulerOutput.Call c && type.isInstance(c.call().getCall())) {
                found.add(type.cast(c.call().getCall()));
            }
        }
        return found;
    }

    private static List<SchedulerEventType> events(List<SchedulerOutput> out) {
        List<SchedulerEventType> found = new ArrayList<>();
        for (SchedulerOutput o : out) {
            if (o instanceof SchedulerOutput.Event e) {
                found.add(e.event().getType());
            }
        }
        return found;
    }

    private static long count(List<SchedulerOutput> out, Class<? extends SchedulerOutput> type) {
        return out.stream().filter(type::isInstance).count();
    }

    /** A pod placed on host-a's offer o1 and launched; returns its task. */
    private RegistryTask launchedOnHostA(String podKey) {
        podSeen(pod(podKey).build());
        offered(offer("o1", "host-a").build());
        launched(taskOfPod(podKey));
        return taskOfPod(podKey);
    }

    @Test
    void aNewPodIsRegisteredPendingAndQueuedButNotPlacedWithoutOffers() {
        List<SchedulerOutput> out = podSeen(pod("ns/a").build());

        RegistryTask t = taskOfPod("ns/a");
        assertNotNull(t);
        assertEquals(RegistryTaskState.PENDING, t.getState());
        assertNull(t.getSpec());
        assertNotNull(state.queue().get("ns/a"));
        assertEquals(List.of(SchedulerEventType.FAILED_SCHEDULING), events(out));
        assertEquals(0, count(out, SchedulerOutput.Launch.class));
    }

    @Test
    void aFittingOfferPlacesTheQueuedPodInTheSameApply() {
        podSeen(pod("ns/a").build());
        now += 10;
        List<SchedulerOutput> out = offered(offer("o1", "host-a").build());

        RegistryTask t = taskOfPod("ns/a");
        assertEquals("host-a", t.getSpec().getAssignedSlave());
        assertEquals("o1", t.getOfferId());
        assertEquals(1, count(out, SchedulerOutput.Launch.class));
        assertTrue(events(out).contains(SchedulerEventType.SCHEDULED));
        assertNull(state.queue().get("ns/a"));
        assertTrue(state.offers().get("o1").gone(), "a used offer is gone");
    }

    @Test
    void anOfferOfAnotherExecutorIsDeclinedAtOnce() {
        List<SchedulerOutput> out =
                offered(offer("o1", "host-a").executor("someone-else").build());

        List<Decline> declines = calls(out, Decline.class);
        assertEquals(1, declines.size());
        assertEquals(List.of("o1"), declines.get(0).getOfferIds());
    }

    @Test
    void anUnusedOfferIsDeclinedOnceItsTtlHasPassed() {
        offered(offer("o1", "host-a").build());
        now += SchedulerSettings.defaults().offerTtlMs() - 1;
        assertTrue(calls(machine.apply(new SchedulerInput.Tick("t", tick(now)), now), Decline.class)
                .isEmpty());
        now += 1;
        List<Decline> declines = calls(machine.apply(new SchedulerInput.Tick("t", tick(now)), now), Decline.class);
        assertEquals(1, declines.size());
        assertEquals(List.of("o1"), declines.get(0).getOfferIds());
    }

    @Test
    void aRescindedOfferRollsBackTheNotYetLaunchedTaskHoldingIt() {
        podSeen(pod("ns/a").build());
        offered(offer("o1", "host-a").build());
        assertNotNull(taskOfPod("ns/a").getSpec());

        List<SchedulerOutput> out = offered(rescind("o1"));

        RegistryTask t = taskOfPod("ns/a");
        assertNull(t.getSpec());
        assertNull(t.getOfferId());
        assertTrue(events(out).contains(SchedulerEventType.REQUEUED));
        assertNotNull(state.queue().get("ns/a"));
    }

    @Test
    void aRunningTaskKilledWithoutTheDeletedFlagHasItsPodDeleted() {
        RegistryTask t = launchedOnHostA("ns/a");
        statusOf(t.getId(), TaskState.TASK_STARTING);
        statusOf(t.getId(), TaskState.TASK_RUNNING);
        assertEquals(RegistryTaskState.RUNNING, taskOfPod("ns/a").getState());

        List<SchedulerOutput> out = statusOf(t.getId(), TaskState.TASK_KILLED);

        assertNull(state.tasks().get(t.getId()));
        assertEquals(1, count(out, SchedulerOutput.Action.class));
    }

    @Test
    void aTaskThatEndsBeforeItsPodIsBoundIsRescheduledAsANewTask() {
        RegistryTask t = launchedOnHostA("ns/a");

        List<SchedulerOutput> out = statusOf(t.getId(), TaskState.TASK_FAILED);

        RegistryTask next = taskOfPod("ns/a");
        assertNotNull(next);
        assertFalse(next.getId().equals(t.getId()));
        assertEquals(RegistryTaskState.PENDING, next.getState());
        assertTrue(events(out).contains(SchedulerEventType.RESCHEDULED));
        assertEquals(0, count(out, SchedulerOutput.Action.class));
    }

    @Test
    void deletingThePodOfALaunchedTaskKillsTheTaskAndItsKilledStatusRemovesIt() {
        RegistryTask t = launchedOnHostA("ns/a");

        List<SchedulerOutput> out = podDeleted("ns/a");
        List<Kill> kills = calls(out, Kill.class);
        assertEquals(1, kills.size());
        assertEquals(t.getId(), kills.get(0).getTaskId());
        assertTrue(state.tasks().get(t.getId()).getFlags().getDeleted());

        List<SchedulerOutput> killed = statusOf(t.getId(), TaskState.TASK_KILLED);
        assertNull(state.tasks().get(t.getId()));
        assertEquals(0, count(killed, SchedulerOutput.Action.class), "a kill we asked for deletes no pod");
    }

    private List<SchedulerOutput> podDeleted(String podKey) {
        return machine.apply(new SchedulerInput.PodUpdate(podKey, null), now);
    }

    @Test
    void aStartingStatusOfAnUnknownTaskKillsItAndIsRejected() {
        List<SchedulerOutput> out = statusOf("pod.nobody", TaskState.TASK_STARTING);

        assertEquals(1, calls(out, Kill.class).size());
        assertEquals(1, count(out, SchedulerOutput.Rejected.class));
    }

    @Test
    void subscribingReconcilesEveryLaunchedTaskExplicitly() {
        RegistryTask t = launchedOnHostA("ns/a");

        List<SchedulerOutput> out = machine.apply(new SchedulerInput.FrameworkUpdate("fw", subscribed()), now);

        List<Reconcile> reconciles = calls(out, Reconcile.class);
        assertEquals(1, reconciles.size());
        assertEquals(t.getId(), reconciles.get(0).getTasks().get(0).getTaskId());
    }

    @Test
    void callIdsFollowOneSequenceAcrossInputs() {
        offered(offer("o1", "host-a").executor("x").build());
        List<SchedulerOutput> out = offered(offer("o2", "host-b").executor("x").build());
        SchedulerOutput.Call second = (SchedulerOutput.Call) out.get(0);
        assertEquals("k8sm-scheduler-decline-2", second.call().getCallId());
    }

    @Test
    void anInputThatCannotBeAppliedIsRejectedInsteadOfThrown() {
        Matcher broken = (pods, offers, context) -> {
            throw new IllegalStateException("boom");
        };
        machine = new SchedulerStateMachine(SchedulerSettings.defaults(), state, broken);

        List<SchedulerOutput> out = podSeen(pod("ns/a").build());

        SchedulerOutput last = out.get(out.size() - 1);
        assertTrue(last instanceof SchedulerOutput.Rejected r && r.reason().contains("boom"), out.toString());
    }

    @Test
    void theSameInputsOnFreshStateGiveEqualDecisions() {
        List<SchedulerOutput> first = script();
        state = SchedulerState.inMemory();
        machine = new SchedulerStateMachine(
                SchedulerSettings.defaults(), state, new ProcurementMatcher(ProcurementConfig.defaults()));
        now = 1_000;
        assertEquals(first, script());
    }

    private List<SchedulerOutput> script() {
        List<SchedulerOutput> all = new ArrayList<>();
        all.addAll(podSeen(pod("ns/a").build()));
        all.addAll(podSeen(pod("ns/b").container(64, 128).build()));
        now += 500;
        all.addAll(offered(offer("o1", "host-a").build()));
        RegistryTask a = taskOfPod("ns/a");
        all.addAll(launched(a));
        all.addAll(statusOf(a.getId(), TaskState.TASK_RUNNING));
        now += 20_000;
        all.addAll(machine.apply(new SchedulerInput.Tick("t", tick(now)), now));
        return all;
    }
}
