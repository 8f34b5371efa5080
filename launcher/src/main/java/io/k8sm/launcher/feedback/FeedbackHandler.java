package io.k8sm.launcher.feedback;

import io.k8sm.avro.LauncherEventType;
import io.k8sm.avro.PodAction;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.TaskStatus;
import io.k8sm.launcher.binding.Binder;
import io.k8sm.launcher.binding.LaunchIndex;
import io.k8sm.launcher.binding.LaunchedTask;
import io.k8sm.launcher.kafka.CatchUpReader;
import io.k8sm.launcher.kafka.Outputs;
import io.k8sm.launcher.kafka.TransactionalLoop;
import io.k8sm.launcher.kubeapi.PerPod;
import io.k8sm.launcher.nodes.NodeRegistrar;
import io.k8sm.launcher.status.PodActionExecutor;
import io.k8sm.launcher.status.PodStatusWriter;
import io.k8sm.topics.Topic;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes bridge's work on one batch of {@code task-status} and {@code pod-actions} records:
 * bindings (the first STARTING or RUNNING of a task we launched → Binding → BOUND, or BIND_FAILED +
 * Kill), pod status and pod deletions. Its outputs (launcher events, kills, dead letters) go out in
 * the loop's transaction with the offsets. (Nodes are the node loop's, {@code NodeFeedHandler}; a
 * TASK_UNREACHABLE taints its task's node here.)
 *
 * <p>Each pod's records (its tasks' statuses, its actions) are handled in order, and different pods in parallel, at most {@code
 * concurrency} at once: every call is a blocking Kubernetes API round trip, several per pod. The
 * outputs are gathered per pod, in the order of each pod's first record, so a batch writes the same
 * records whatever the threads did; a transient API error on any pod retries the whole batch, once
 * every pod's work has stopped.
 */
public final class FeedbackHandler implements TransactionalLoop.BatchHandler {
    private static final Logger log = LoggerFactory.getLogger(FeedbackHandler.class);

    private final Outputs out;
    private final LaunchIndex index;
    private final CatchUpReader history;
    private final Binder binder;
    private final PodStatusWriter statusWriter;
    private final PodActionExecutor actions;
    private final NodeRegistrar nodes;
    private final PerPod pods;
    private final Set<String> decidedInBatch = ConcurrentHashMap.newKeySet();
    private final Set<String> endedInBatch = ConcurrentHashMap.newKeySet();

    public FeedbackHandler(
            Outputs out,
            LaunchIndex index,
            CatchUpReader history,
            Binder binder,
            PodStatusWriter statusWriter,
            PodActionExecutor actions,
            NodeRegistrar nodes,
            int concurrency) {
        this.pods = new PerPod(out, concurrency);
        this.out = out;
        this.index = index;
        this.history = history;
        this.binder = binder;
        this.statusWriter = statusWriter;
        this.actions = actions;
        this.nodes = nodes;
    }

    @Override
    public List<ProducerRecord<String, byte[]>> handle(List<ConsumerRecord<String, byte[]>> batch)
            throws TransactionalLoop.RetryLater {
        decidedInBatch.clear();
        endedInBatch.clear();
        history.catchUp();
        Map<String, List<ConsumerRecord<String, byte[]>>> byPod = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> raw : batch) {
            byPod.computeIfAbsent(podOf(raw), k -> new ArrayList<>()).add(raw);
        }
        // a permanent API error (a 4xx such as 403 or 422) is that record's answer, the rest flows on
        return pods.run(new ArrayList<>(byPod.values()), this::handleOne);
    }

    /** The pod a record is about (its group): the launched task's pod, an action's key, else itself. */
    private String podOf(ConsumerRecord<String, byte[]> raw) {
        String key = raw.key();
        if (key == null) {
            return raw.topic() + "@" + raw.offset();
        }
        if (out.topics().byName(raw.topic()).orElse(Topic.TASK_STATUS) == Topic.POD_ACTIONS) {
            return key;
        }
        return index.launchedPodKey(key).orElse("task " + key);
    }

    private void handleOne(ConsumerRecord<String, byte[]> raw, List<ProducerRecord<String, byte[]>> records)
            throws TransactionalLoop.RetryLater {
        switch (out.topics().byName(raw.topic()).orElseThrow()) {
            case TASK_STATUS -> onStatus(out.codec().decode(TaskStatus.class, raw.topic(), raw.value()), records);
            case POD_ACTIONS -> {
                PodAction a = out.codec().decode(PodAction.class, raw.topic(), raw.value());
                if (a != null) {
                    actions.apply(a);
                }
            }
            default -> log.warn("record from unexpected topic {} ignored", raw.topic());
        }
    }

    private void onStatus(TaskStatus s, List<ProducerRecord<String, byte[]>> records)
            throws TransactionalLoop.RetryLater {
        if (s == null) {
            return;
        }
        Optional<LaunchedTask> found = index.get(s.getTaskId());
        if (found.isEmpty()) {
            return; // not launched by a launcher (or long gone)
        }
        LaunchedTask task = found.get();
        boolean reached = s.getState() == TaskState.TASK_STARTING || s.getState() == TaskState.TASK_RUNNING;
        if (reached && !index.bindingDecided(task.taskId()) && decidedInBatch.add(task.taskId())) {
            Binder.Outcome o = binder.bind(task);
            if (o instanceof Binder.Outcome.Bound b) {
                log.info("pod {} bound to {} (task {}): {}", task.podKey(), b.node(), task.taskId(), b.detail());
                records.add(out.event(task.taskId(), task.podKey(), LauncherEventType.BOUND, b.detail(), b.node()));
            } else if (o instanceof Binder.Outcome.Failed f) {
                log.warn("pod {} not bound (task {}): {}; killing the task", task.podKey(), task.taskId(), f.reason());
                records.add(out.event(
                        task.taskId(), task.podKey(), LauncherEventType.BIND_FAILED, f.reason(), task.bindingHost()));
                records.add(out.kill(task.taskId(), task.agentId(), "bind-failed"));
                endedInBatch.add(task.taskId());
                return;
            } else if (o instanceof Binder.Outcome.RetryLater r) {
                // a transient API error: the batch is read again; the starting task lives on
                throw new TransactionalLoop.RetryLater(r.reason(), null);
            }
        }
        if (s.getState() == TaskState.TASK_UNREACHABLE) {
            nodes.markUnreachable(task.nodeName(), task.agentId());
        }
        statusWriter.apply(task, s);
        if (isTerminal(s.getState())) {
            endedInBatch.add(task.taskId());
        }
    }

    static boolean isTerminal(TaskState s) {
        return switch (s) {
            case TASK_FINISHED,
                    TASK_FAILED,
                    TASK_KILLED,
                    TASK_ERROR,
                    TASK_LOST,
                    TASK_DROPPED,
                    TASK_GONE,
                    TASK_GONE_BY_OPERATOR,
                    TASK_UNKNOWN -> true;
            default -> false;
        };
    }

    @Override
    public void committed() {
        decidedInBatch.forEach(index::markBindingDecided);
        endedInBatch.forEach(index::forget);
    }

    @Override
    public void aborted() {
        decidedInBatch.clear();
        endedInBatch.clear();
    }
}
