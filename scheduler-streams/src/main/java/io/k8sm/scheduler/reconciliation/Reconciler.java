package io.k8sm.scheduler.reconciliation;

import io.k8sm.avro.ReconcileTask;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciliation with Mesos: on (re)subscription every launched task is reconciled explicitly, with
 * backoff until each has answered with a status; then at an interval implicitly and explicitly (an
 * implicit answer lists live tasks only, so an end the master sent once and we missed is found by
 * asking for the task by id, as Mesos' reconciliation guide recommends); at most one
 * Reconcile per minimum interval, and none while disconnected. An explicit reconciliation of many
 * tasks is sent as several Reconcile calls of at most {@link
 * SchedulerSettings#reconcileMaxTasksPerCall()} tasks each, so that no {@code mesos-calls} record
 * outgrows the broker's size limit (one call for 12,000 tasks is over 1 MiB).
 */
public final class Reconciler {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

    static final String CONNECTED = "framework.connected";
    static final String LAST_RECONCILE = "reconcile.last";
    static final String EXPLICIT_NEXT = "reconcile.explicit.next";
    static final String EXPLICIT_DELAY = "reconcile.explicit.delay";
    static final String IMPLICIT_NEXT = "reconcile.implicit.next";

    private final Kv<String, String> pending;
    private final Kv<String, Long> meta;
    private final TaskRegistry registry;
    private final Decisions out;
    private final SchedulerSettings settings;

    public Reconciler(
            Kv<String, String> pending,
            Kv<String, Long> meta,
            TaskRegistry registry,
            Decisions out,
            SchedulerSettings settings) {
        this.pending = pending;
        this.meta = meta;
        this.registry = registry;
        this.out = out;
        this.settings = settings;
    }

    /** Subscribed: connected; an explicit reconciliation starts; the implicit one is scheduled once. */
    public void subscribed(long now) {
        meta.put(CONNECTED, 1L);
        startExplicitReconcile(now);
        if (Meta.get(meta, IMPLICIT_NEXT, 0L) == 0L) {
            meta.put(IMPLICIT_NEXT, now + settings.implicitReconcileInitialDelayMs());
        }
    }

    public void disconnected() {
        meta.put(CONNECTED, 0L);
    }

    /** A status of the task arrived: an explicit reconciliation no longer waits for it. */
    public void heardFrom(String taskId) {
        pending.delete(taskId);
    }

    /**
     * The task's fate is in doubt (a loss that may be an echo, a rejected ACCEPT): it is reconciled
     * explicitly, as soon as the rate limit allows, and again with backoff until it answers.
     */
    public void confirm(String taskId, String agentId, long now) {
        pending.put(taskId, agentId == null ? "" : agentId);
        meta.put(EXPLICIT_NEXT, Math.min(Meta.get(meta, EXPLICIT_NEXT, now), now));
        meta.put(EXPLICIT_DELAY, settings.explicitReconcileInitialMs());
        log.info("task {} to be reconciled explicitly", taskId);
    }

    /**
     * On (re)subscription: every launched task is to be reconciled explicitly; replaces a running
     * one.
     */
    private void startExplicitReconcile(long now) {
        for (Map.Entry<String, String> e : pending.all()) {
            pending.delete(e.getKey());
        }
        for (RegistryTask t : registry.all()) {
            if (t.getState() != RegistryTaskState.FINISHED && Tasks.launched(t)) {
                String agent = Tasks.agentId(t);
                pending.put(t.getId(), agent == null ? "" : agent);
            }
        }
        meta.put(EXPLICIT_NEXT, now);
        meta.put(EXPLICIT_DELAY, settings.explicitReconcileInitialMs());
    }

    /**
     * Explicit reconciliation (with backoff until every task answered), then implicit; rate-limited.
     */
    public void reconcile(long now) {
        if (Meta.get(meta, CONNECTED, 0L) != 1L) {
            return;
        }
        long last = Meta.get(meta, LAST_RECONCILE, Long.MIN_VALUE / 2);
        if (now < last + settings.reconcileMinIntervalMs()) {
            return;
        }
        // the pending tasks are read only once an explicit round is due: most inputs come between rounds
        List<Map.Entry<String, String>> waiting = now >= Meta.get(meta, EXPLICIT_NEXT, 0L) ? pending.all() : List.of();
        if (!waiting.isEmpty()) {
            List<ReconcileTask> tasks = new ArrayList<>();
            for (Map.Entry<String, String> e : waiting) {
                tasks.add(new ReconcileTask(e.getKey(), e.getValue().isEmpty() ? null : e.getValue()));
            }
            int chunk = settings.reconcileMaxTasksPerCall();
            for (int from = 0; from < tasks.size(); from += chunk) {
                out.reconcile(List.copyOf(tasks.subList(from, Math.min(tasks.size(), from + chunk))));
            }
            long delay = Meta.get(meta, EXPLICIT_DELAY, settings.explicitReconcileInitialMs());
            meta.put(EXPLICIT_NEXT, now + Math.max(delay, settings.reconcileMinIntervalMs()));
            meta.put(EXPLICIT_DELAY, Math.min(delay * 2, settings.explicitReconcileMaxMs()));
            meta.put(LAST_RECONCILE, now);
            log.info(
                    "explicit reconciliation of {} tasks in {} calls",
                    tasks.size(),
                    (tasks.size() + chunk - 1) / chunk);
            return;
        }
        long implicitNext = Meta.get(meta, IMPLICIT_NEXT, 0L);
        if (implicitNext != 0L && now >= implicitNext) {
            out.reconcile(List.of());
            meta.put(IMPLICIT_NEXT, now + settings.implicitReconcileIntervalMs());
            meta.put(LAST_RECONCILE, now);
            // an implicit answer lists live tasks only: a master-generated end (a lost agent's
            // TASK_GONE, sent once without uuid) that never reached us would stay unknown, so every
            // launched task is asked for by id as well, once the rate limit allows
            startExplicitReconcile(now + settings.reconcileMinIntervalMs());
            log.info("implicit reconciliation; every launched task to be reconciled explicitly next");
        }
    }
}
