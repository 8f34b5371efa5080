package io.k8sm.scheduler.outputs;

import io.k8sm.avro.Acknowledge;
import io.k8sm.avro.Decline;
import io.k8sm.avro.Kill;
import io.k8sm.avro.LaunchRequest;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.PodAction;
import io.k8sm.avro.PodActionType;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.Reconcile;
import io.k8sm.avro.ReconcileTask;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.SchedulerEvent;
import io.k8sm.avro.SchedulerEventType;
import io.k8sm.scheduler.state.Kv;
import io.k8sm.scheduler.state.Meta;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The outputs sink of the input being applied: every collaborator records its decisions here, in
 * the order it takes them, and the dispatcher drains them. Mesos calls get their ids from the call
 * sequence kept in the meta store ({@code k8sm-scheduler-<type>-<n>}), so a replay numbers them the
 * same.
 */
public final class Decisions implements Consumer<SchedulerOutput> {

    static final String CALL_SEQ = "seq.call";
    /** The call id prefix of a Kill; the task id follows the sequence number after a '/'. */
    public static final String KILL_CALL_PREFIX = "k8sm-scheduler-kill-";

    private final Kv<String, Long> meta;
    private final double refuseSeconds;
    private List<SchedulerOutput> out = new ArrayList<>();

    public Decisions(Kv<String, Long> meta, double refuseSeconds) {
        this.meta = meta;
        this.refuseSeconds = refuseSeconds;
    }

    @Override
    public void accept(SchedulerOutput o) {
        out.add(o);
    }

    /** The decisions taken since the last drain, in order; starts a new list. */
    public List<SchedulerOutput> drain() {
        List<SchedulerOutput> result = out;
        out = new ArrayList<>();
        return result;
    }

    public void decline(String offerId) {
        decline(List.of(offerId));
    }

    /** One Decline of the offers, with the configured refuse seconds. */
    public void decline(List<String> offerIds) {
        call("decline", new Decline(offerIds, refuseSeconds));
    }

    /** A Kill; its call id names the task ({@code k8sm-scheduler-kill-<n>/<taskId>}), for CallRejected. */
    public void kill(String taskId, String agentId) {
        call("kill", "/" + taskId, new Kill(taskId, agentId));
    }

    public void acknowledge(String agentId, String taskId, java.nio.ByteBuffer uuid) {
        call("acknowledge", new Acknowledge(agentId, taskId, uuid));
    }

    /** An explicit reconciliation of the tasks, or an implicit one when the list is empty. */
    public void reconcile(List<ReconcileTask> tasks) {
        call("reconcile", new Reconcile(tasks));
    }

    public void launch(RegistryTask task, PodSnapshot pod) {
        out.add(new SchedulerOutput.Launch(new LaunchRequest(task.getId(), task, pod)));
    }

    /** Deletes the pod from the API server with grace 0, so that its controller recreates it. */
    public void deletePod(String podKey, String podUid, String reason) {
        out.add(new SchedulerOutput.Action(new PodAction(podKey, podUid, PodActionType.DELETE, 0L, reason)));
    }

    public void event(String podKey, String taskId, SchedulerEventType type, String message, String host, long now) {
        out.add(new SchedulerOutput.Event(
                new SchedulerEvent(podKey, taskId, type, message, host, Instant.ofEpochMilli(now))));
    }

    /** The input broke a rule of the state machine: it becomes a dead letter with the reason. */
    public void reject(String source, String key, String reason) {
        out.add(new SchedulerOutput.Rejected(source, key, reason));
    }

    private void call(String type, Object call) {
        call(type, "", call);
    }

    private void call(String type, String suffix, Object call) {
        long seq = Meta.get(meta, CALL_SEQ, 0L) + 1;
        meta.put(CALL_SEQ, seq);
        String id = "k8sm-scheduler-" + type + "-" + seq + suffix;
        out.add(new SchedulerOutput.Call(new MesosCall(id, call)));
    }
}
