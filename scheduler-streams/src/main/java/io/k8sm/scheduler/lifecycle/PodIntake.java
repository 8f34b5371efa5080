package io.k8sm.scheduler.lifecycle;

import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.RegistryTaskState;
import io.k8sm.avro.SchedulerEventType;
import io.k8sm.avro.TaskSpec;
import io.k8sm.scheduler.outputs.Decisions;
import io.k8sm.scheduler.queue.SchedulingRound;
import io.k8sm.scheduler.registry.PodChecks;
import io.k8sm.scheduler.registry.TaskRegistry;
import io.k8sm.scheduler.registry.Tasks;
import io.k8sm.scheduler.settings.SchedulerSettings;
import io.k8sm.scheduler.state.Kv;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pods coming in: a new pod registers a Pending task and is queued; a pod carrying every recovery
 * annotation is recovered as a launched and bound task (or adopted over the copy an older snapshot
 * registered); a pod with only some of them is deleted; a pod with scheduling gates waits, unregistered,
 * until they are all removed (one {@code GATED} event per set of gates); a deleted or replaced pod is the task's
 * {@link TaskTransitions.Event#POD_DELETED}.
 */
public final class PodIntake {

    private static final Logger log = LoggerFactory.getLogger(PodIntake.class);

    private final Kv<String, PodSnapshot> pods;
    private final TaskRegistry registry;
    private final SchedulingRound round;
    private final TaskLifecycle lifecycle;
    private final Decisions out;
    private final SchedulerSettings settings;

    public PodIntake(
            Kv<String, PodSnapshot> pods,
            TaskRegistry registry,
            SchedulingRound round,
            TaskLifecycle lifecycle,
            Decisions out,
            SchedulerSettings settings) {
        this.pods = pods;
        this.registry = registry;
        this.round = round;
        this.lifecycle = lifecycle;
        this.out = out;
        this.settings = settings;
    }

    /** The latest snapshot of a pod, or null when the pod was deleted. */
    public void onPod(String podKey, PodSnapshot pod, long now) {
        RegistryTask task = registry.byPod(podKey);
        if (pod == null) {
            pods.delete(podKey);
            round.dequeue(podKey);
            if (task != null) {
                lifecycle.podDeleted(task, now, "pod deleted");
            }
            return;
        }
        PodSnapshot previous = pod.getSchedulingGates().isEmpty() ? null : pods.get(podKey);
        pods.put(podKey, pod);
        if (task != null && !task.getPodUid().equals(pod.getUid())) {
            lifecycle.podDeleted(task, now, "pod replaced by a new pod of the same name (uid " + pod.getUid() + ")");
            task = null;
        }
        if (PodChecks.deleting(pod)) {
            round.dequeue(podKey);
            if (task != null) {
                lifecycle.podDeleted(task, now, "pod is being deleted");
            }
            return;
        }
        if (task != null) {
            if (task.getDeletionHeld() != null && DeletionGuard.released(pod.getAnnotations())) {
                lifecycle.deletionReleased(task, now);
                return;
            }
            adoptAnnotatedTask(podKey, task, pod, now);
            return; // an update never replaces the task's pod; the snapshot store has the latest
        }
        if (PodChecks.mirror(pod) || PodChecks.terminal(pod)) {
            log.debug("pod {} is a mirror or terminal pod; not scheduled", podKey);
            return;
        }
        List<String> recovery = PodChecks.recoveryAnnotations(pod);
        if (recovery.size() == Tasks.RECOVERY_ANNOTATIONS.size()) {
            recover(podKey, pod, now);
            return;
        }
        if (!recovery.isEmpty()) {
            List<String> missing = new ArrayList<>(Tasks.RECOVERY_ANNOTATIONS);
            missing.removeAll(recovery);
            String reason = "pod carries only some recovery annotations, missing " + missing + "; deleting it";
            log.warn("pod {}: {}", podKey, reason);
            out.deletePod(podKey, pod.getUid(), reason);
            out.event(podKey, null, SchedulerEventType.DELETED, reason, null, now);
            return;
        }
        if (PodChecks.bound(pod)) {
            log.debug("pod {} is bound to {} without our annotations; not ours", podKey, pod.getNodeName());
            return;
        }
        String nonsense = PodChecks.nonsense(pod);
        if (nonsense != null) {
            log.warn("pod {}: {}", podKey, nonsense);
            out.event(podKey, null, SchedulerEventType.INVALID, nonsense, null, now);
            return;
        }
        if (!pod.getSchedulingGates().isEmpty()) {
            if (previous == null || !previous.getSchedulingGates().equals(pod.getSchedulingGates())) {
                String reason = "waiting for scheduling gates " + pod.getSchedulingGates();
                log.info("pod {} not queued: {}", podKey, reason);
                out.event(podKey, null, SchedulerEventType.GATED, reason, null, now);
            }
            return;
        }
        RegistryTask t = Tasks.pending(Tasks.taskId(pod.getUid(), pod.getResourceVersion()), pod, now);
        if (!registry.register(t)) {
            String message = "task id " + t.getId() + " is already registered";
            out.event(podKey, t.getId(), SchedulerEventType.INVALID, message, null, now);
            return;
        }
        log.info("pod {} registered as task {}", podKey, t.getId());
        round.enqueue(podKey, now);
    }

    /**
     * A pod whose annotations say it runs as a task that our registry does not know as launched: the
     * registry was rebuilt by replaying {@code pods} (a new application id, an empty registry) and
     * registered the pod from a snapshot older than its bound, annotated one — under the same
     * deterministic task id, or another one. The pod is the truth: our copy goes — its offers
     * declined if it was only placed, killed if another task was launched — and the annotated task is
     * recovered.
     */
    private void adoptAnnotatedTask(String podKey, RegistryTask task, PodSnapshot pod, long now) {
        if (PodChecks.recoveryAnnotations(pod).size() != Tasks.RECOVERY_ANNOTATIONS.size()) {
            return;
        }
        String annotated = pod.getAnnotations().get(Tasks.TASK_ID);
        boolean sameTask = annotated.equals(task.getId());
        if (sameTask && Tasks.launched(task)) {
            correctAssignedHost(podKey, task, pod, now);
            return;
        }
        if (task.getState() != RegistryTaskState.PENDING) {
            return;
        }
        round.dequeue(podKey);
        if (!sameTask && Tasks.launched(task)) {
            registry.store(
                    Tasks.edit(task, now).setFlags(Tasks.markDeleted(task)).build());
            registry.unindex(task);
            out.kill(task.getId(), Tasks.agentId(task));
            log.warn("pod {} runs as task {}; duplicate task {} killed", podKey, annotated, task.getId());
        } else {
            List<String> offerIds =
                    task.getSpec() == null ? List.of() : task.getSpec().getOfferIds();
            registry.remove(task);
            if (!offerIds.isEmpty()) {
                out.decline(offerIds);
            }
            log.info("pod {} runs as task {}; task {} from an older snapshot dropped", podKey, annotated, task.getId());
        }
        recover(podKey, pod, now);
    }

    /**
     * A launched task whose pod names another host than the task's spec: replayed history placed the
     * task again before the annotated snapshot came. Where the task runs is what the pod says.
     */
    private void correctAssignedHost(String podKey, RegistryTask task, PodSnapshot pod, long now) {
        Map<String, String> a = pod.getAnnotations();
        String host = a.get(Tasks.BINDING_HOST);
        if (task.getSpec() != null && host.equals(task.getSpec().getAssignedSlave())) {
            return;
        }
        TaskSpec.Builder spec = task.getSpec() == null ? TaskSpec.newBuilder() : TaskSpec.newBuilder(task.getSpec());
        spec.setAgentId(a.get(Tasks.SLAVE_ID)).setAssignedSlave(host).setOfferIds(List.of(a.get(Tasks.OFFER_ID)));
        registry.store(Tasks.edit(task, now)
                .setSpec(spec.build())
                .setOfferId(null)
                .setFlags(Tasks.markLaunchedAndBound(task))
                .build());
        round.dequeue(podKey);
        log.info("pod {}: task {} runs on {} as its annotations say; spec corrected", podKey, task.getId(), host);
        String message = "assigned host taken from the pod's annotations";
        out.event(podKey, task.getId(), SchedulerEventType.RECOVERED, message, host, now);
    }

    /** Recovers a task from a pod carrying every recovery annotation: Pending {launched, bound}. */
    private void recover(String podKey, PodSnapshot pod, long now) {
        Map<String, String> a = pod.getAnnotations();
        String taskId = a.get(Tasks.TASK_ID);
        String host = a.get(Tasks.BINDING_HOST);
        TaskSpec spec = TaskSpec.newBuilder()
                .setAgentId(a.get(Tasks.SLAVE_ID))
                .setAssignedSlave(host)
                .setExecutorId(a.getOrDefault(Tasks.EXECUTOR_ID, settings.executorId()))
                .setOfferIds(List.of(a.get(Tasks.OFFER_ID)))
                .build();
        RegistryTask pending = Tasks.pending(taskId, pod, now);
        RegistryTask t = Tasks.edit(pending, now)
                .setFlags(Tasks.markLaunchedAndBound(pending))
                .setSpec(spec)
                .setAttempt(1)
                .build();
        if (!registry.register(t)) {
            String message = "cannot recover: task id " + taskId + " is taken";
            out.event(podKey, taskId, SchedulerEventType.INVALID, message, host, now);
            return;
        }
        log.info("pod {} recovered as task {} on {}", podKey, taskId, host);
        out.event(podKey, taskId, SchedulerEventType.RECOVERED, "recovered from the pod's annotations", host, now);
    }
}
