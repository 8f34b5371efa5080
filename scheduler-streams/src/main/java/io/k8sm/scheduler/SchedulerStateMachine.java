package io.k8sm.scheduler;

import io.k8sm.avro.AgentLost;
import io.k8sm.avro.CallRejected;
import io.k8sm.avro.Disconnected;
import io.k8sm.avro.ExecutorLost;
import io.k8sm.avro.MesosError;
import io.k8sm.avro.Offer;
import io.k8sm.avro.OfferRescinded;
import io.k8sm.avro.Subscribed;
import io.k8sm.avro.TaskStatus;
import io.k8sm.scheduler.lifecycle.DeletionGuard;
import io.k8sm.scheduler.lifecycle.PodIntake;
import io.k8sm.scheduler.lifecycle.Preemption;
import io.k8sm.scheduler.lifecycle.TaintEviction;
import io.k8sm.scheduler.lifecycle.TaskLifecycle;
import io.k8sm.scheduler.lifecycle.TaskTransitions;
import io.k8sm.scheduler.matching.Matcher;
import io.k8sm.scheduler.offers.OfferBook;
import io.k8sm.scheduler.outputs.Decisions;
import io.k8sm.scheduler.outputs.SchedulerOutput;
import io.k8sm.scheduler.queue.SchedulingRound;
import io.k8sm.scheduler.reconciliation.Reconciler;
import io.k8sm.scheduler.reconciliation.RejectedCalls;
import io.k8sm.scheduler.registry.TaskRegistry;
import io.k8sm.scheduler.settings.SchedulerSettings;
import io.k8sm.scheduler.state.Meta;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler of one shard as a pure state machine: {@link #apply} folds one input into the
 * {@link SchedulerState} and returns the decisions it took, in order. No clock, no randomness, no
 * I/O: the same inputs on the same state give the same outputs, byte for byte.
 *
 * <p>This class only dispatches: every input expires offers, goes to the collaborator of its
 * concern, then a scheduling round and reconciliation run. The collaborators never call back here.
 * The task transitions (the reference's, see {@code shared/design/K8SM-REFERENCE.md}, with its
 * known bugs fixed) are the table {@link io.k8sm.scheduler.lifecycle.TaskTransitions}.
 */
public final class SchedulerStateMachine {

    private static final Logger log = LoggerFactory.getLogger(SchedulerStateMachine.class);

    static final String NOW = "clock.now";

    private final SchedulerState state;
    private final SchedulerSettings settings;
    private final Decisions out;
    private final OfferBook offers;
    private final SchedulingRound round;
    private final PodIntake intake;
    private final TaskLifecycle lifecycle;
    private final Reconciler reconciler;
    private final RejectedCalls rejected;
    private final TaintEviction eviction;
    private final Preemption preemption;

    public SchedulerStateMachine(SchedulerSettings settings, SchedulerState state, Matcher matcher) {
        this.state = state;
        this.settings = settings;
        this.out = new Decisions(state.meta(), settings.refuseSeconds());
        TaskRegistry registry = new TaskRegistry(
                state.tasks(), state.podIndex(), state.finishedRing(), state.meta(), settings.finishedRetained(), out);
        this.offers = new OfferBook(state.offers(), state.meta(), out, settings);
        this.round = new SchedulingRound(
                state.queue(), state.pods(), state.meta(), state.nodes(), registry, offers, matcher, out, settings);
        this.reconciler = new Reconciler(state.reconcilePending(), state.meta(), registry, out, settings);
        this.rejected = new RejectedCalls(state.meta(), registry, reconciler, out, settings);
        DeletionGuard guard = new DeletionGuard(state.meta(), registry, out, settings.deletionBudget());
        this.lifecycle = new TaskLifecycle(state.pods(), registry, round, guard, reconciler, out);
        this.intake = new PodIntake(state.pods(), registry, round, lifecycle, out, settings);
        this.eviction = new TaintEviction(state.nodes(), state.pods(), state.meta(), registry, lifecycle, out);
        this.preemption =
                new Preemption(state.pods(), state.queue(), state.nodes(), registry, offers, matcher, lifecycle, out);
    }

    /**
     * Applies one input with its event time and returns the decisions, in the order they were taken.
     * Never throws: an input that breaks a rule of the state machine is answered with the decisions
     * taken so far plus a {@link SchedulerOutput.Rejected} naming the reason.
     */
    public List<SchedulerOutput> apply(SchedulerInput input, long timestamp) {
        out.drain();
        try {
            applyUnsafe(input, timestamp);
        } catch (RuntimeException e) {
            log.error("input {} key {} could not be applied", input.source(), input.key(), e);
            out.reject(
                    input.source(),
                    input.key(),
                    "could not be applied: " + e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        return out.drain();
    }

    private void applyUnsafe(SchedulerInput input, long timestamp) {
        long now = advanceClock(input, timestamp);
        offers.expire(now);
        boolean newOffer = false;
        if (input instanceof SchedulerInput.PodUpdate p) {
            intake.onPod(p.podKey(), p.pod(), now);
        } else if (input instanceof SchedulerInput.OfferUpdate o) {
            newOffer = onOffer(o.event().getEvent(), timestamp, now);
        } else if (input instanceof SchedulerInput.StatusUpdate s) {
            onStatus(s.status(), now);
        } else if (input instanceof SchedulerInput.FrameworkUpdate f) {
            onFramework(f.event().getEvent(), timestamp, now);
        } else if (input instanceof SchedulerInput.LauncherUpdate l) {
            lifecycle.onLauncher(l.event(), now);
        } else if (input instanceof SchedulerInput.NodeUpdate n && n.nodeName() != null) {
            newOffer = eviction.onNode(n.nodeName(), n.node(), now); // a loosened node wakes pods as an offer does
        } else if (input instanceof SchedulerInput.Tick) {
            eviction.onTick(now);
        }
        preemption.preempt(round.schedule(now, newOffer), now);
        reconciler.reconcile(now);
        rejected.retry(now);
    }

    /**
     * The scheduler's now: the latest record time seen. Record times are trustworthy: the input
     * topics use the broker's append time ({@code message.timestamp.type=LogAppendTime} in the topic
     * catalogue). A clock tick's own value counts only within {@link
     * SchedulerSettings#clockMaxSkewMs()} of its record's time: a tick from a clock further ahead
     * (year 9999) is dead-lettered with the reason, and time follows its record's time.
     */
    private long advanceClock(SchedulerInput input, long timestamp) {
        long t = timestamp;
        if (input instanceof SchedulerInput.Tick tick && tick.tick().getTimestamp() != null) {
            long told = tick.tick().getTimestamp().toEpochMilli();
            if (told > timestamp && told - timestamp > settings.clockMaxSkewMs()) {
                out.reject(
                        input.source(),
                        input.key(),
                        "clock tick says " + tick.tick().getTimestamp() + ", " + (told - timestamp)
                                + " ms ahead of its record's time " + timestamp + ", over the bound of "
                                + settings.clockMaxSkewMs() + " ms (scheduler.clock.max.skew.ms); time follows"
                                + " the record's time");
            } else {
                t = Math.max(t, told);
            }
        }
        long now = Math.max(Meta.get(state.meta(), NOW, Long.MIN_VALUE), t);
        state.meta().put(NOW, now);
        return now;
    }

    /** A new offer (true when live), or a rescind: the offer is gone and the tasks holding it roll back. */
    private boolean onOffer(Object event, long recordTime, long now) {
        if (event instanceof OfferRescinded r) {
            offers.rescind(r.getOfferId(), now);
            round.rollBackHolders(r.getOfferId(), now, "offer " + r.getOfferId() + " was rescinded");
            return false;
        }
        return offers.onOffer((Offer) event, recordTime, now);
    }

    private void onStatus(TaskStatus s, long now) {
        lifecycle.acknowledge(s);
        reconciler.heardFrom(s.getTaskId());
        TaskTransitions.Event e = TaskTransitions.Event.of(s.getState());
        if (e == TaskTransitions.Event.TASK_ENDED || e == TaskTransitions.Event.TASK_FINISHED) {
            rejected.ended(s.getTaskId());
        }
        lifecycle.onStatus(s, now);
    }

    private void onFramework(Object ev, long recordTime, long now) {
        if (ev instanceof Subscribed) {
            offers.newEpoch(recordTime, now);
            reconciler.subscribed(now);
        } else if (ev instanceof Disconnected || ev instanceof MesosError) {
            log.warn("framework disconnected ({}); every offer dropped", ev);
            reconciler.disconnected();
            offers.newEpoch(recordTime, now);
            offers.drop(now, null);
        } else if (ev instanceof AgentLost a) {
            log.warn("agent {} ({}) lost; its offers dropped", a.getAgentId(), a.getHostname());
            offers.drop(now, a.getAgentId());
        } else if (ev instanceof ExecutorLost x) {
            log.info(
                    "executor {} on agent {} lost (status {}); its tasks' updates will follow",
                    x.getExecutorId(),
                    x.getAgentId(),
                    x.getStatus());
        } else if (ev instanceof CallRejected c && c.getNotSent()) {
            lifecycle.acceptNotSent(rejected.acceptTasks(c), c.getReason(), now);
        } else if (ev instanceof CallRejected c) {
            rejected.onRejected(c, now);
        }
    }
}
