package io.k8sm.scheduler.registry;

import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.RegistryTaskState;
import io.k8sm.scheduler.outputs.SchedulerOutput;
import io.k8sm.scheduler.state.Kv;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task registry: tasks by id and by pod key, and the bounded ring of finished tasks. Every
 * change is written to the store and emitted to {@code task-registry} (a tombstone on removal).
 */
public final class TaskRegistry {

    private static final Logger log = LoggerFactory.getLogger(TaskRegistry.class);
    private static final String FINISHED_COUNT = "finished.count";

    private final Kv<String, RegistryTask> tasks;
    private final Kv<String, String> podIndex;
    private final Kv<String, String> ring;
    private final Kv<String, Long> meta;
    private final int retained;
    private final Consumer<SchedulerOutput> out;

    public TaskRegistry(
            Kv<String, RegistryTask> tasks,
            Kv<String, String> podIndex,
            Kv<String, String> ring,
            Kv<String, Long> meta,
            int retained,
            Consumer<SchedulerOutput> out) {
        this.tasks = tasks;
        this.podIndex = podIndex;
        this.ring = ring;
        this.meta = meta;
        this.retained = retained;
        this.out = out;
    }

    public RegistryTask byId(String taskId) {
        return taskId == null ? null : tasks.get(taskId);
    }

    public RegistryTask byPod(String podKey) {
        String id = podIndex.get(podKey);
        return id == null ? null : tasks.get(id);
    }

    /** Registers a new task; false (and nothing changes) when its id or its pod key is taken. */
    public boolean register(RegistryTask t) {
        if (tasks.get(t.getId()) != null || podIndex.get(t.getPodKey()) != null) {
            return false;
        }
        podIndex.put(t.getPodKey(), t.getId());
        store(t);
        return true;
    }

    /** Stores a changed task. */
    public void store(RegistryTask t) {
        tasks.put(t.getId(), t);
        out.accept(new SchedulerOutput.Registry(t.getId(), t));
    }

    /** Removes a task and its pod index entry (when it still points to this task). */
    public void remove(RegistryTask t) {
        tasks.delete(t.getId());
        unindex(t);
        out.accept(new SchedulerOutput.Registry(t.getId(), null));
    }

    /**
     * Forgets the pod key → task link only (the task itself stays, e.g. while it is being killed).
     */
    public void unindex(RegistryTask t) {
        if (t.getId().equals(podIndex.get(t.getPodKey()))) {
            podIndex.delete(t.getPodKey());
        }
    }

    /**
     * Stores a task that just became FINISHED and keeps it in the ring of the last {@code retained}
     * finished tasks; the one it displaces is removed from the registry.
     */
    public void finished(RegistryTask t) {
        store(t);
        long n = meta.get(FINISHED_COUNT) == null ? 0L : meta.get(FINISHED_COUNT);
        String slot = String.format("%010d", n % retained);
        String displaced = ring.get(slot);
        if (displaced != null && !displaced.equals(t.getId())) {
            RegistryTask old = tasks.get(displaced);
            if (old != null && old.getState() == RegistryTaskState.FINISHED) {
                log.debug("task {} (pod {}) leaves the finished ring", old.getId(), old.getPodKey());
                remove(old);
            }
        }
        ring.put(slot, t.getId());
        meta.put(FINISHED_COUNT, n + 1);
    }

    public List<RegistryTask> all() {
        List<RegistryTask> all = new ArrayList<>();
        for (Map.Entry<String, RegistryTask> e : tasks.all()) {
            all.add(e.getValue());
        }
        return all;
    }
}
