package io.k8sm.scheduler.lifecycle;

import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.RegistryTaskState;
import io.k8sm.avro.SchedulerEventType;
import io.k8sm.contract.PodAnnotations;
import io.k8sm.scheduler.outputs.Decisions;
import io.k8sm.scheduler.registry.TaskRegistry;
import io.k8sm.scheduler.registry.Tasks;
import io.k8sm.scheduler.settings.DeletionBudget;
import io.k8sm.scheduler.state.Kv;
import io.k8sm.scheduler.state.Meta;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler never deletes more than its {@link DeletionBudget} of bound pods in one window of
 * event time without an operator's word (issue 10.2: a new framework id makes reconciliation report
 * every task lost). Beyond the budget a deletion is held: the task stays in the registry with
 * {@code deletionHeld} set, a {@code DELETION_HELD} event names it, and the first hold of a window
 * raises an {@code ALARM}. An operator releases a held deletion by annotating the pod with {@link
 * #RELEASE_ANNOTATION}{@code =true}; a held task that reports TASK_RUNNING again is no longer held.
 *
 * <p>The window opens at its first deletion and counts against the bound pods of that moment.
 */
public final class DeletionGuard {

    private static final Logger log = LoggerFactory.getLogger(DeletionGuard.class);

    /** {@code kubectl annotate pod <pod> k8s.mesosphere.io/deletion-approved=true} releases its deletion. */
    public static final String RELEASE_ANNOTATION = PodAnnotations.PREFIX + "deletion-approved";

    static final String WINDOW_START = "deletion.window.start";
    static final String WINDOW_COUNT = "deletion.window.count";
    static final String WINDOW_ALLOWED = "deletion.window.allowed";
    static final String WINDOW_ALARMED = "deletion.window.alarmed";

    private final Kv<String, Long> meta;
    private final TaskRegistry registry;
    private final Decisions out;
    private final DeletionBudget budget;

    public DeletionGuard(Kv<String, Long> meta, TaskRegistry registry, Decisions out, DeletionBudget budget) {
        this.meta = meta;
        this.registry = registry;
        this.out = out;
        this.budget = budget;
    }

    /** True when the operator's annotation on the pod releases a held deletion. */
    public static boolean released(java.util.Map<String, String> annotations) {
        return annotations != null && "true".equalsIgnoreCase(annotations.get(RELEASE_ANNOTATION));
    }

    /**
     * True when the pod of the task may be deleted now (counted in the window); false when the
     * deletion is held, the task then stored with {@code deletionHeld}.
     */
    boolean allow(RegistryTask task, String why, long now) {
        if (task.getDeletionHeld() != null) {
            return false;
        }
        long start = Meta.get(meta, WINDOW_START, Long.MIN_VALUE);
        if (start == Long.MIN_VALUE || now >= start + budget.windowMs()) {
            start = now;
            meta.put(WINDOW_START, start);
            meta.put(WINDOW_COUNT, 0L);
            meta.put(WINDOW_ALLOWED, budget.allowed(boundPods()));
        }
        long count = Meta.get(meta, WINDOW_COUNT, 0L);
        long allowed = Meta.get(meta, WINDOW_ALLOWED, (long) budget.minCount());
        if (count < allowed) {
            meta.put(WINDOW_COUNT, count + 1);
            return true;
        }
        registry.store(Tasks.edit(task, now).setDeletionHeld(why).build());
        if (Meta.get(meta, WINDOW_ALARMED, Long.MIN_VALUE) != start) {
            meta.put(WINDOW_ALARMED, start);
            String alarm = "ALARM: " + allowed + " bound pods deleted since " + java.time.Instant.ofEpochMilli(start)
                    + ", the most allowed in " + budget.windowMs() + " ms without an operator's word; further"
                    + " deletions are held (annotate a pod " + RELEASE_ANNOTATION + "=true to release it)";
            log.error(alarm);
            out.event(task.getPodKey(), task.getId(), SchedulerEventType.ALARM, alarm, Tasks.host(task), now);
        }
        log.warn("pod {} task {}: deletion held ({})", task.getPodKey(), task.getId(), why);
        String message = "deletion held by the deletion guard: " + why;
        out.event(task.getPodKey(), task.getId(), SchedulerEventType.DELETION_HELD, message, Tasks.host(task), now);
        return false;
    }

    private long boundPods() {
        long n = 0;
        for (RegistryTask t : registry.all()) {
            if (t.getState() != RegistryTaskState.FINISHED && Tasks.bound(t) && !Tasks.deleted(t)) {
                n++;
            }
        }
        return n;
    }
}
