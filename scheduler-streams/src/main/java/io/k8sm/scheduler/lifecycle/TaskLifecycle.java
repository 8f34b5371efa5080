package io.k8sm.scheduler.lifecycle;

import io.k8sm.avro.LastStatus;
import io.k8sm.avro.LauncherEvent;
import io.k8sm.avro.LauncherEventType;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.RegistryTaskState;
import io.k8sm.avro.SchedulerEventType;
import io.k8sm.avro.TaskStatus;
import io.k8sm.scheduler.lifecycle.TaskTransitions.Effect;
import io.k8sm.scheduler.lifecycle.TaskTransitions.Event;
import io.k8sm.scheduler.lifecycle.TaskTransitions.Rule;
import io.k8sm.scheduler.outputs.Decisions;
import io.k8sm.scheduler.queue.SchedulingRound;
import io.k8sm.scheduler.reconciliation.Reconciler;
import io.k8sm.scheduler.registry.PodChecks;
import io.k8sm.scheduler.registry.TaskRegistry;
import io.k8sm.scheduler.registry.Tasks;
import io.k8sm.scheduler.state.Kv;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The life of a task after it was registered: launcher events, Mesos task statuses and the deletion
 * of its pod. Which row applies is {@link TaskTransitions}' decision; this class executes the row's
 * effects.
 */
public final class TaskLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TaskLifecycle.class);

    private final Kv<String, PodSnapshot> pods;
    private final TaskRegistry registry;
    private final SchedulingRound round;
    private final DeletionGuard guard;
    private final Reconciler reconciler;
    private final Decisions out;

    public TaskLifecycle(
            Kv<String, PodSnapshot> pods,
            TaskRegistry registry,
            SchedulingRound round,
            DeletionGuard guard,
            Reconciler reconciler,
            Decisions out) {
        this.pods = pods;
        this.registry = registry;
        this.round = round;
        this.guard = guard;
        this.reconciler = reconciler;
        this.out = out;
    }

    /** What the effects of one row need to know besides the task. */
    private record Cause(Event event, TaskStatus status, String why) {}

    /** Acknowledges a status that carries a uuid. */
    public void acknowledge(TaskStatus s) {
        if (s.getUuid() != null && s.getAgentId() != null) {
            out.acknowledge(s.getAgentId(), s.getTaskId(), s.getUuid());
        }
    }

    public void onStatus(TaskStatus s, long now) {
        RegistryTask task = registry.byId(s.getTaskId());
        fire(task, s.getTaskId(), new Cause(Event.of(s.getState()), s, null), now);
    }

    public void onLauncher(LauncherEvent ev, long now) {
        RegistryTask task = registry.byId(ev.getTaskId());
        String reason = ev.getReason() == null ? "" : ev.getReason();
        Cause cause = switch (ev.getType()) {
            case LAUNCHED -> new Cause(Event.LAUNCHED, null, null);
            case BOUND -> new Cause(Event.BOUND, null, null);
            case BIND_FAILED -> new Cause(Event.LAUNCH_FAILED, null, "binding failed: " + reason);
            case LAUNCH_REJECTED -> new Cause(Event.LAUNCH_FAILED, null, "launch rejected: " + reason);
        };
        if (task == null && ev.getType() != LauncherEventType.LAUNCHED) {
            log.debug("launcher event {} for unknown task {}; ignored", ev.getType(), ev.getTaskId());
        }
        fire(task, ev.getTaskId(), cause, now);
    }

    /** offer-ingest did not send the ACCEPT of these tasks (CallRejected with notSent): Mesos never saw them. */
    public void acceptNotSent(List<RegistryTask> tasks, String reason, long now) {
        for (RegistryTask task : tasks) {
            fire(
                    task,
                    task.getId(),
                    new Cause(Event.ACCEPT_NOT_SENT, null, "launch not sent to Mesos: " + reason),
                    now);
        }
    }

    /** The pod of a task is gone or going. */
    public void podDeleted(RegistryTask task, long now, String why) {
        fire(task, task.getId(), new Cause(Event.POD_DELETED, null, why), now);
    }

    /** An operator released the held deletion of the task's pod. */
    public void deletionReleased(RegistryTask task, long now) {
        fire(task, task.getId(), new Cause(Event.DELETION_RELEASED, null, "released by an operator"), now);
    }

    private void fire(RegistryTask task, String taskId, Cause cause, long now) {
        Rule rule = TaskTransitions.next(task, cause.event(), cause.status());
        for (Effect effect : rule.effects()) {
            if (effect == Effect.GUARD_DELETION) {
                if (!guard.allow(task, detail(cause.status()), now)) {
                    return; // held: the rest of the row waits for an operator's word
                }
                continue;
            }
            execute(effect, task, taskId, cause, now);
        }
    }

    private void execute(Effect effect, RegistryTask task, String taskId, Cause c, long now) {
        switch (effect) {
            case GUARD_DELETION -> throw new IllegalStateException("GUARD_DELETION is the row's, not an effect's");
            case CONFIRM_BY_RECONCILE -> {
                TaskStatus s = c.status();
                log.warn(
                        "pod {} task {}: {} {} without a uuid before STARTING; maybe the echo of a replayed ACCEPT:"
                                + " reconciling the task to confirm",
                        task.getPodKey(),
                        taskId,
                        s.getState(),
                        s.getReason());
                reconciler.confirm(taskId, Tasks.agentId(task), now);
            }
            case CLEAR_HOLD -> {
                RegistryTask current = registry.byId(taskId); // after the row's earlier effects
                registry.store(Tasks.edit(current, now).setDeletionHeld(null).build());
                event(
                        task,
                        SchedulerEventType.RECONCILED,
                        "the task runs after all; its held deletion is dropped",
                        now);
            }
            case RELEASE_HELD -> {
                RegistryTask t = Tasks.edit(task, now).setDeletionHeld(null).build();
                registry.remove(t);
                PodSnapshot pod = pods.get(task.getPodKey());
                if (pod != null && pod.getUid().equals(task.getPodUid())) {
                    out.deletePod(
                            task.getPodKey(),
                            pod.getUid(),
                            "held deletion released by an operator (" + task.getDeletionHeld() + ")");
                }
                log.info("pod {} task {}: held deletion released by an operator", task.getPodKey(), taskId);
                event(t, SchedulerEventType.DELETED, "held deletion released by an operator", now);
            }
            case FORGET_POD -> {
                registry.unindex(task);
                round.dequeue(task.getPodKey());
            }
            case UNREGISTER -> {
                registry.remove(
                        Tasks.edit(task, now).setFlags(Tasks.markDeleted(task)).build());
                log.info("pod {}: {}; pending task {} unregistered", task.getPodKey(), c.why(), taskId);
                event(task, SchedulerEventType.DELETED, c.why() + "; task unregistered", now);
            }
            case FLAG_DELETED_AND_KILL -> {
                RegistryTask t =
                        Tasks.edit(task, now).setFlags(Tasks.markDeleted(task)).build();
                registry.store(t);
                out.kill(t.getId(), Tasks.agentId(t));
                log.info("pod {}: {}; killing task {}", task.getPodKey(), c.why(), taskId);
                event(task, SchedulerEventType.DELETED, c.why() + "; killing the task", now);
            }
            case MARK_LAUNCHED -> {
                RegistryTask t = Tasks.edit(task, now)
                        .setFlags(Tasks.markLaunched(task))
                        .setOfferId(null)
                        .build();
                registry.store(t);
                event(t, SchedulerEventType.LAUNCHED, "launch sent to Mesos", now);
            }
            case MARK_BOUND -> {
                RegistryTask t =
                        Tasks.edit(task, now).setFlags(Tasks.markBound(task)).build();
                registry.store(t);
                event(t, SchedulerEventType.BOUND, "pod bound", now);
            }
            case KILL_FAILED_LAUNCH -> {
                // The Mesos task exists; killing it brings TASK_KILLED, which reconciles the unbound pod.
                out.kill(taskId, Tasks.agentId(task));
                event(task, SchedulerEventType.KILLED, c.why() + "; killing the task", now);
            }
            case ROLL_BACK -> round.rollBack(task, now, c.why(), true);
            case MARK_STARTED -> {
                RegistryTask t = Tasks.edit(task, now)
                        .setFlags(Tasks.markLaunchedAndBound(task))
                        .setLastStatus(last(c.status()))
                        .build();
                registry.store(t);
                event(t, SchedulerEventType.BOUND, "executor reported TASK_STARTING", now);
            }
            case BECOME_RUNNING -> {
                RegistryTask t = Tasks.edit(task, now)
                        .setState(RegistryTaskState.RUNNING)
                        .setFlags(Tasks.markLaunched(task))
                        .setOfferId(null)
                        .setLastStatus(last(c.status()))
                        .build();
                registry.store(t);
                log.info("pod {} task {} running on {}", t.getPodKey(), taskId, Tasks.host(t));
            }
            case FINISH -> {
                if (task.getState() == RegistryTaskState.PENDING) {
                    log.warn("pod {} task {} finished while Pending (no TASK_RUNNING seen)", task.getPodKey(), taskId);
                }
                RegistryTask t = Tasks.edit(task, now)
                        .setState(RegistryTaskState.FINISHED)
                        .setOfferId(null)
                        .setLastStatus(last(c.status()))
                        .build();
                registry.finished(t);
                event(t, SchedulerEventType.FINISHED, "task finished", now);
            }
            case REMOVE -> remove(task, c, now);
            case RECONCILE_POD -> reconcileUnbound(task, now);
            case DELETE_POD -> {
                PodSnapshot pod = pods.get(task.getPodKey());
                if (pod != null && pod.getUid().equals(task.getPodUid())) {
                    out.deletePod(
                            task.getPodKey(),
                            pod.getUid(),
                            "task " + taskId + " " + detail(c.status())
                                    + "; deleting the pod so that its controller recreates it");
                }
            }
            case IGNORE_ECHO ->
                log.info(
                        "pod {} task {}: {} {} ignored: the task already runs; a replayed ACCEPT was refused",
                        task.getPodKey(),
                        taskId,
                        c.status().getState(),
                        c.status().getReason());
            case KILL_UNREGISTERED -> {
                log.warn("task {} was launched but is no longer registered; killing it", taskId);
                out.kill(taskId, null);
            }
            case KILL_UNKNOWN -> {
                TaskStatus s = c.status();
                log.warn("{} for unknown task {}; killing it", s.getState(), taskId);
                out.kill(taskId, s.getAgentId());
                out.reject(
                        "task-status",
                        taskId,
                        s.getState() + " for a task the registry does not know; the task was killed");
            }
        }
    }

    private void remove(RegistryTask task, Cause c, long now) {
        TaskStatus s = c.status();
        if (s == null) { // no status: the cause says why (a launch Mesos never received)
            registry.remove(Tasks.edit(task, now).build());
            log.info("pod {} task {} removed: {}", task.getPodKey(), task.getId(), c.why());
            event(task, SchedulerEventType.LOST, c.why(), now);
            return;
        }
        RegistryTask t = Tasks.edit(task, now).setLastStatus(last(s)).build();
        registry.remove(t);
        SchedulerEventType type = switch (s.getState()) {
            case TASK_KILLED -> SchedulerEventType.KILLED;
            case TASK_FAILED, TASK_ERROR -> SchedulerEventType.FAILED;
            default -> SchedulerEventType.LOST;
        };
        log.info("pod {} task {} removed: {}", t.getPodKey(), t.getId(), detail(s));
        event(t, type, detail(s), now);
    }

    /**
     * The seed's fix: a task that ended before its pod was bound is reconciled against the latest
     * pod: gone → nothing left to do; still unbound → a new task, queued at once; bound → nothing.
     */
    private void reconcileUnbound(RegistryTask t, long now) {
        String podKey = t.getPodKey();
        PodSnapshot pod = pods.get(podKey);
        if (pod == null || !pod.getUid().equals(t.getPodUid()) || PodChecks.deleting(pod)) {
            round.dequeue(podKey);
            event(t, SchedulerEventType.RECONCILED, "pod is gone; task removed", now);
            return;
        }
        if (PodChecks.bound(pod)) {
            String message = "pod is bound to " + pod.getNodeName() + "; nothing to do";
            out.event(podKey, t.getId(), SchedulerEventType.RECONCILED, message, pod.getNodeName(), now);
            return;
        }
        if (registry.byPod(podKey) != null) {
            return; // another task already runs this pod
        }
        RegistryTask next = Tasks.pending(Tasks.taskId(pod.getUid(), t.getId()), pod, now);
        next = Tasks.edit(next, now).setAttempt(t.getAttempt()).build();
        if (!registry.register(next)) {
            String message = "cannot re-register task " + next.getId();
            out.event(podKey, next.getId(), SchedulerEventType.INVALID, message, null, now);
            return;
        }
        round.enqueueAfterFailures(podKey, now, t.getAttempt());
        log.info("pod {} still unbound after task {} ended; rescheduling as task {}", podKey, t.getId(), next.getId());
        String message = "task " + t.getId() + " ended before the pod was bound (was assigned to " + Tasks.host(t)
                + "); scheduling again";
        out.event(podKey, next.getId(), SchedulerEventType.RESCHEDULED, message, Tasks.host(t), now);
    }

    private void event(RegistryTask t, SchedulerEventType type, String message, long now) {
        out.event(t.getPodKey(), t.getId(), type, message, Tasks.host(t), now);
    }

    private static LastStatus last(TaskStatus s) {
        return new LastStatus(s.getState(), s.getReason(), s.getMessage(), s.getTimestamp());
    }

    private static String detail(TaskStatus s) {
        if (s == null) {
            return "";
        }
        return s.getState()
                + (s.getReason() == null ? "" : " (" + s.getReason() + ")")
                + (s.getMessage() == null ? "" : ": " + s.getMessage());
    }
}
