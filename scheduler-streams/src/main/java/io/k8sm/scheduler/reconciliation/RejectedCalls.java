package io.k8sm.scheduler.reconciliation;

import io.k8sm.avro.CallRejected;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.RegistryTaskState;
import io.k8sm.scheduler.outputs.Decisions;
import io.k8sm.scheduler.registry.TaskRegistry;
import io.k8sm.scheduler.registry.Tasks;
import io.k8sm.scheduler.settings.SchedulerSettings;
import io.k8sm.scheduler.state.Kv;
import io.k8sm.scheduler.state.Meta;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The calls offer-ingest could not carry out (issue 10.5). A rejected ACCEPT leaves its tasks in
 * doubt: they are reconciled explicitly at once, so a lost launch heals without waiting for a
 * re-subscription. A rejected KILL is issued again with backoff (the explicit reconciliation's
 * delays) until the task's terminal status arrives. The tasks of a call are the CallRejected's
 * {@code taskIds}, or else read from the call id: {@code launch/<firstTaskId>} (with the other
 * not yet started tasks launched on the same agent), {@code k8sm-scheduler-kill-<n>/<taskId>}.
 */
public final class RejectedCalls {

    private static final Logger log = LoggerFactory.getLogger(RejectedCalls.class);

    static final String KILL_NEXT = "kill.retry.next/";
    static final String KILL_DELAY = "kill.retry.delay/";

    private final Kv<String, Long> meta;
    private final TaskRegistry registry;
    private final Reconciler reconciler;
    private final Decisions out;
    private final SchedulerSettings settings;

    public RejectedCalls(
            Kv<String, Long> meta,
            TaskRegistry registry,
            Reconciler reconciler,
            Decisions out,
            SchedulerSettings settings) {
        this.meta = meta;
        this.registry = registry;
        this.reconciler = reconciler;
        this.out = out;
        this.settings = settings;
    }

    public void onRejected(CallRejected c, long now) {
        log.warn(
                "Mesos call {} ({}) rejected: {} {}", c.getCallId(), c.getCallType(), c.getHttpStatus(), c.getReason());
        if ("ACCEPT".equals(c.getCallType()) || c.getCallId().startsWith("launch/")) {
            for (RegistryTask t : acceptTasks(c)) {
                reconciler.confirm(t.getId(), Tasks.agentId(t), now);
            }
        } else if ("KILL".equals(c.getCallType()) || c.getCallId().startsWith(Decisions.KILL_CALL_PREFIX)) {
            List<String> ids = c.getTaskIds().isEmpty() ? fromCallId(c.getCallId()) : c.getTaskIds();
            for (String id : ids) {
                if (meta.get(KILL_NEXT + id) == null) {
                    long delay = settings.explicitReconcileInitialMs();
                    meta.put(KILL_NEXT + id, now + delay);
                    meta.put(KILL_DELAY + id, delay);
                    log.info("kill of task {} to be issued again at {}", id, now + delay);
                }
            }
        }
    }

    /** Re-issues the due kills, each with a doubled delay until the task's terminal status arrives. */
    public void retry(long now) {
        for (Map.Entry<String, Long> e : meta.all()) {
            if (!e.getKey().startsWith(KILL_NEXT) || e.getValue() > now) {
                continue;
            }
            String id = e.getKey().substring(KILL_NEXT.length());
            RegistryTask t = registry.byId(id);
            out.kill(id, t == null ? null : Tasks.agentId(t));
            long delay = Math.min(
                    Meta.get(meta, KILL_DELAY + id, settings.explicitReconcileInitialMs()) * 2,
                    settings.explicitReconcileMaxMs());
            meta.put(KILL_NEXT + id, now + delay);
            meta.put(KILL_DELAY + id, delay);
            log.info("kill of task {} issued again; next at {} unless it ends", id, now + delay);
        }
    }

    /** The task reached a terminal state: its kill is done. */
    public void ended(String taskId) {
        if (meta.get(KILL_NEXT + taskId) != null) {
            meta.delete(KILL_NEXT + taskId);
            meta.delete(KILL_DELAY + taskId);
        }
    }

    /** The registered tasks of a rejected ACCEPT: its task ids, or read from its call id. */
    public List<RegistryTask> acceptTasks(CallRejected c) {
        List<RegistryTask> found = new ArrayList<>();
        if (!c.getTaskIds().isEmpty()) {
            for (String id : c.getTaskIds()) {
                RegistryTask t = registry.byId(id);
                if (t != null) {
                    found.add(t);
                }
            }
            return found;
        }
        List<String> first = fromCallId(c.getCallId());
        RegistryTask head = first.isEmpty() ? null : registry.byId(first.get(0));
        if (head == null) {
            return found;
        }
        String agent = Tasks.agentId(head);
        for (RegistryTask t : registry.all()) {
            boolean sibling = t.getId().equals(head.getId())
                    || (agent != null && agent.equals(Tasks.agentId(t)) && notStarted(t));
            if (sibling && Tasks.launched(t)) {
                found.add(t);
            }
        }
        return found;
    }

    private static boolean notStarted(RegistryTask t) {
        return t.getState() == RegistryTaskState.PENDING && !Tasks.bound(t) && t.getLastStatus() == null;
    }

    /** The task id after the last '/' of a call id, if any. */
    static List<String> fromCallId(String callId) {
        int slash = Objects.requireNonNull(callId).lastIndexOf('/');
        return slash < 0 || slash == callId.length() - 1 ? List.of() : List.of(callId.substring(slash + 1));
    }
}
