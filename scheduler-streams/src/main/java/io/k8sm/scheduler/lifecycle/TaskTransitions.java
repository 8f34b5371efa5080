package io.k8sm.scheduler.lifecycle;

import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.BECOME_RUNNING;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.CLEAR_HOLD;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.CONFIRM_BY_RECONCILE;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.DELETE_POD;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.FINISH;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.FLAG_DELETED_AND_KILL;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.FORGET_POD;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.GUARD_DELETION;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.IGNORE_ECHO;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.KILL_FAILED_LAUNCH;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.KILL_UNKNOWN;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.KILL_UNREGISTERED;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.MARK_BOUND;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.MARK_LAUNCHED;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.MARK_STARTED;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.RECONCILE_POD;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.RELEASE_HELD;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.REMOVE;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.ROLL_BACK;
import static io.k8sm.scheduler.lifecycle.TaskTransitions.Effect.UNREGISTER;

import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.RegistryTaskState;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.TaskStatus;
import io.k8sm.scheduler.registry.Tasks;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The task state machine of {@code shared/design/K8SM-REFERENCE.md} ("Transitions"), with the
 * seed's fixes, as one table: per task state ({@link From}) and event, the first row whose guard
 * holds says the state the task ends in and the side effects, in order. {@link TaskLifecycle}
 * looks every launcher event, Mesos status and pod deletion up here and executes the effects; a
 * pair with no row does nothing. Modelled on Apache Aurora's {@code TaskStateMachine}.
 */
public final class TaskTransitions {

    /** The task's state in the registry; NONE for a task id the registry does not know. */
    public enum From {
        NONE,
        PENDING,
        RUNNING,
        FINISHED;

        public static From of(RegistryTask t) {
            if (t == null) {
                return NONE;
            }
            return switch (t.getState()) {
                case PENDING -> PENDING;
                case RUNNING -> RUNNING;
                case FINISHED -> FINISHED;
            };
        }
    }

    /** What happened to the task. */
    public enum Event {
        /** The task's pod was deleted, is being deleted, or was replaced by a pod of another uid. */
        POD_DELETED,
        /** Launcher: the launch call was written. */
        LAUNCHED,
        /** Launcher: the Binding exists. */
        BOUND,
        /** Launcher: BIND_FAILED or LAUNCH_REJECTED. */
        LAUNCH_FAILED,
        /**
         * offer-ingest did not send the task's ACCEPT (its offers were no longer valid): Mesos never
         * saw the task, so nothing needs confirming.
         */
        ACCEPT_NOT_SENT,
        /**
         * TASK_STAGING, TASK_KILLING, TASK_UNREACHABLE (the agent's node is tainted unreachable by the
         * launcher; the pods that do not tolerate it are evicted on that, not on the status).
         */
        QUIET_STATUS,
        TASK_STARTING,
        TASK_RUNNING,
        TASK_FINISHED,
        /** TASK_FAILED, KILLED, LOST, ERROR, DROPPED, GONE, GONE_BY_OPERATOR, UNKNOWN. */
        TASK_ENDED,
        /** An operator released the held deletion of the task's pod (see {@link DeletionGuard}). */
        DELETION_RELEASED;

        public static Event of(TaskState s) {
            return switch (s) {
                case TASK_STAGING, TASK_KILLING, TASK_UNREACHABLE -> QUIET_STATUS;
                case TASK_STARTING -> TASK_STARTING;
                case TASK_RUNNING -> TASK_RUNNING;
                case TASK_FINISHED -> TASK_FINISHED;
                // TASK_UNKNOWN: what a partition-aware framework hears of a task the master does not know
                case TASK_FAILED,
                        TASK_KILLED,
                        TASK_LOST,
                        TASK_ERROR,
                        TASK_DROPPED,
                        TASK_GONE,
                        TASK_GONE_BY_OPERATOR,
                        TASK_UNKNOWN -> TASK_ENDED;
            };
        }
    }

    /** The state the task is in after the row: unchanged, another one, or removed from the registry. */
    public enum To {
        SAME,
        RUNNING,
        FINISHED,
        REMOVED
    }

    /** A condition on the task (and the status, for status events) that selects a row. */
    public enum Guard {
        ALWAYS,
        LAUNCHED,
        NOT_LAUNCHED,
        NOT_BOUND,
        BOUND,
        DELETED,
        HAS_SPEC,
        /** offer-ingest replayed an ACCEPT and Mesos refused it, for a task that already started. */
        ECHO_OF_A_REPLAYED_ACCEPT,
        /**
         * A master-generated (uuid-less) TASK_LOST/DROPPED REASON_INVALID_OFFERS of a task the launcher
         * reported LAUNCHED: the echo of a replayed ACCEPT, or a first ACCEPT that really failed.
         */
        UNCONFIRMED_INVALID_OFFERS,
        /** The deletion of the task's pod is held by the deletion guard. */
        DELETION_HELD,
        /** Not bound, and no status of the task heard yet. */
        NO_STATUS_YET,
        /** TASK_LOST, DROPPED, GONE, GONE_BY_OPERATOR, UNKNOWN or KILLED. */
        LOST_OR_KILLED;

        boolean test(RegistryTask t, TaskStatus s) {
            return switch (this) {
                case ALWAYS -> true;
                case LAUNCHED -> Tasks.launched(t);
                case NOT_LAUNCHED -> !Tasks.launched(t);
                case NOT_BOUND -> !Tasks.bound(t);
                case BOUND -> Tasks.bound(t);
                case DELETED -> Tasks.deleted(t);
                case HAS_SPEC -> t.getSpec() != null;
                case ECHO_OF_A_REPLAYED_ACCEPT -> echoOfAReplayedAccept(t, s);
                case UNCONFIRMED_INVALID_OFFERS -> invalidOffers(s) && s.getUuid() == null && Tasks.launched(t);
                case DELETION_HELD -> t.getDeletionHeld() != null;
                case NO_STATUS_YET -> !Tasks.bound(t) && t.getLastStatus() == null;
                case LOST_OR_KILLED ->
                    switch (s.getState()) {
                        case TASK_LOST, TASK_DROPPED, TASK_GONE, TASK_GONE_BY_OPERATOR, TASK_UNKNOWN, TASK_KILLED ->
                            true;
                        default -> false;
                    };
            };
        }
    }

    /** The side effects, executed in the row's order by {@link TaskLifecycle}. */
    public enum Effect {
        /** Forget the pod key → task link and the pod's queue entry. */
        FORGET_POD,
        /** Flag {@code deleted} and unregister the task (it never reached Mesos). */
        UNREGISTER,
        /** Flag {@code deleted} and kill the Mesos task; its TASK_KILLED removes it. */
        FLAG_DELETED_AND_KILL,
        /** Flag {@code launched}: the offer is used up. */
        MARK_LAUNCHED,
        /** Flag {@code bound} (the launcher created the Binding). */
        MARK_BOUND,
        /** Kill the Mesos task of a failed launch or binding; its TASK_KILLED reconciles the pod. */
        KILL_FAILED_LAUNCH,
        /** Decline the offer, replace the task by a new pending one (a new id), requeue the pod with backoff. */
        ROLL_BACK,
        /** Flag {@code launched} and {@code bound}: the executor sends STARTING after the Binding. */
        MARK_STARTED,
        /** Pending → Running, flag {@code launched}. */
        BECOME_RUNNING,
        /** → Finished, kept in the ring of the last finished tasks. */
        FINISH,
        /** Remove the task from the registry. */
        REMOVE,
        /** The task ended before its pod was bound: reconcile against the latest pod. */
        RECONCILE_POD,
        /** Delete the pod with grace 0 so that its controller recreates it. */
        DELETE_POD,
        /** The status answers a replayed ACCEPT, not the task: logged only. */
        IGNORE_ECHO,
        /** A launch was written for a task no longer registered: kill it. */
        KILL_UNREGISTERED,
        /** STARTING/RUNNING of a task the registry does not know: kill it, and a dead letter. */
        KILL_UNKNOWN,
        /** The loss may be an echo: the task stays, and an explicit reconcile of it confirms or heals. */
        CONFIRM_BY_RECONCILE,
        /**
         * Within the deletion budget the row goes on; beyond it the rest of the row is held: the task
         * stays, flagged {@code deletionHeld}, and an alarm is raised.
         */
        GUARD_DELETION,
        /** The task runs after all: its held deletion is forgotten. */
        CLEAR_HOLD,
        /** An operator's word: remove the task and delete its pod. */
        RELEASE_HELD
    }

    public record Rule(Set<From> from, Event event, Guard guard, To to, List<Effect> effects) {
        public Rule {
            from = Set.copyOf(from);
            effects = List.copyOf(effects);
        }

        boolean matches(From f, Event e, RegistryTask t, TaskStatus s) {
            return from.contains(f) && event == e && (guard == Guard.ALWAYS || guard.test(t, s));
        }
    }

    private static final Set<From> PENDING = EnumSet.of(From.PENDING);
    private static final Set<From> LIVE = EnumSet.of(From.PENDING, From.RUNNING);
    private static final Set<From> KNOWN = EnumSet.of(From.PENDING, From.RUNNING, From.FINISHED);
    private static final Set<From> NONE = EnumSet.of(From.NONE);

    /** The table. Within a state and event, the first row whose guard holds applies. */
    public static final List<Rule> RULES = List.of(
            // the pod of the task is gone or going
            row(EnumSet.of(From.FINISHED), Event.POD_DELETED, Guard.ALWAYS, To.SAME, FORGET_POD),
            row(PENDING, Event.POD_DELETED, Guard.NOT_LAUNCHED, To.REMOVED, FORGET_POD, UNREGISTER),
            row(LIVE, Event.POD_DELETED, Guard.DELETION_HELD, To.REMOVED, FORGET_POD, UNREGISTER),
            row(LIVE, Event.POD_DELETED, Guard.DELETED, To.SAME, FORGET_POD),
            row(LIVE, Event.POD_DELETED, Guard.ALWAYS, To.SAME, FORGET_POD, FLAG_DELETED_AND_KILL),
            // the launcher
            row(NONE, Event.LAUNCHED, Guard.ALWAYS, To.SAME, KILL_UNREGISTERED),
            row(KNOWN, Event.LAUNCHED, Guard.NOT_LAUNCHED, To.SAME, MARK_LAUNCHED),
            row(KNOWN, Event.BOUND, Guard.NOT_BOUND, To.SAME, MARK_BOUND),
            row(PENDING, Event.LAUNCH_FAILED, Guard.LAUNCHED, To.SAME, KILL_FAILED_LAUNCH),
            row(PENDING, Event.LAUNCH_FAILED, Guard.HAS_SPEC, To.REMOVED, ROLL_BACK),
            row(PENDING, Event.ACCEPT_NOT_SENT, Guard.DELETED, To.REMOVED, REMOVE),
            row(PENDING, Event.ACCEPT_NOT_SENT, Guard.NO_STATUS_YET, To.REMOVED, REMOVE, RECONCILE_POD),
            row(
                    EnumSet.of(From.RUNNING, From.FINISHED),
                    Event.LAUNCH_FAILED,
                    Guard.ALWAYS,
                    To.SAME,
                    KILL_FAILED_LAUNCH),
            // Mesos task status (QUIET_STATUS: nothing, in every state)
            row(NONE, Event.TASK_STARTING, Guard.ALWAYS, To.SAME, KILL_UNKNOWN),
            row(NONE, Event.TASK_RUNNING, Guard.ALWAYS, To.SAME, KILL_UNKNOWN),
            row(PENDING, Event.TASK_STARTING, Guard.NOT_BOUND, To.SAME, MARK_STARTED),
            row(LIVE, Event.TASK_RUNNING, Guard.DELETION_HELD, To.RUNNING, BECOME_RUNNING, CLEAR_HOLD),
            row(PENDING, Event.TASK_RUNNING, Guard.ALWAYS, To.RUNNING, BECOME_RUNNING),
            row(LIVE, Event.TASK_FINISHED, Guard.ALWAYS, To.FINISHED, FINISH),
            row(KNOWN, Event.TASK_ENDED, Guard.ECHO_OF_A_REPLAYED_ACCEPT, To.SAME, IGNORE_ECHO),
            row(LIVE, Event.TASK_ENDED, Guard.DELETED, To.REMOVED, REMOVE),
            row(LIVE, Event.TASK_ENDED, Guard.DELETION_HELD, To.SAME),
            row(LIVE, Event.TASK_ENDED, Guard.UNCONFIRMED_INVALID_OFFERS, To.SAME, CONFIRM_BY_RECONCILE),
            row(LIVE, Event.TASK_ENDED, Guard.NOT_BOUND, To.REMOVED, REMOVE, RECONCILE_POD),
            // To.SAME instead when GUARD_DELETION holds the deletion (the task stays, flagged)
            row(LIVE, Event.TASK_ENDED, Guard.LOST_OR_KILLED, To.REMOVED, GUARD_DELETION, REMOVE, DELETE_POD),
            row(LIVE, Event.TASK_ENDED, Guard.ALWAYS, To.REMOVED, REMOVE),
            // an operator's word
            row(LIVE, Event.DELETION_RELEASED, Guard.DELETION_HELD, To.REMOVED, RELEASE_HELD));

    /** What a pair not in the table does: nothing. */
    static final Rule NOTHING = new Rule(EnumSet.allOf(From.class), null, Guard.ALWAYS, To.SAME, List.of());

    private TaskTransitions() {}

    /** The row that applies to the task (null for an unknown task) on the event. */
    public static Rule next(RegistryTask task, Event event, TaskStatus status) {
        From from = From.of(task);
        for (Rule r : RULES) {
            if (r.matches(from, event, task, status)) {
                return r;
            }
        }
        return NOTHING;
    }

    private static boolean invalidOffers(TaskStatus s) {
        return "REASON_INVALID_OFFERS".equals(s.getReason())
                && (s.getState() == TaskState.TASK_LOST || s.getState() == TaskState.TASK_DROPPED);
    }

    private static Rule row(Set<From> from, Event event, Guard guard, To to, Effect... effects) {
        return new Rule(from, event, guard, to, List.of(effects));
    }

    /**
     * offer-ingest executes calls at least once; Mesos answers an ACCEPT of offers already used with
     * TASK_LOST/TASK_DROPPED, reason REASON_INVALID_OFFERS, from the master. For a task that has
     * already reported STARTING or RUNNING that answer is about the replayed call, not the task.
     */
    static boolean echoOfAReplayedAccept(RegistryTask task, TaskStatus s) {
        boolean invalidOffers = invalidOffers(s);
        boolean progressed = task.getState() == RegistryTaskState.RUNNING
                || Tasks.bound(task)
                || (task.getLastStatus() != null
                        && (task.getLastStatus().getState() == TaskState.TASK_STARTING
                                || task.getLastStatus().getState() == TaskState.TASK_RUNNING));
        return invalidOffers && progressed;
    }
}
