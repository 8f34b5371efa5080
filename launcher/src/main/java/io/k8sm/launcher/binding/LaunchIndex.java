package io.k8sm.launcher.binding;

import io.fabric8.kubernetes.api.model.Pod;
import io.k8sm.avro.Accept;
import io.k8sm.avro.Launch;
import io.k8sm.avro.LaunchGroup;
import io.k8sm.avro.LauncherEvent;
import io.k8sm.avro.LauncherEventType;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.TaskLaunch;
import io.k8sm.contract.PodAnnotations;
import io.k8sm.contract.TaskLabels;
import io.k8sm.launcher.kafka.Codec;
import io.k8sm.launcher.prepare.LaunchPreparer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks launched and not yet finished, and which of them are already bound (or failed to bind),
 * derived from what the launcher wrote: ACCEPTs on {@code mesos-calls} (the task's data is the
 * annotated pod) and BOUND / BIND_FAILED on {@code launcher-events}. Survives restarts without a
 * store of its own. A task whose ACCEPT is no longer in {@code mesos-calls} (retention) is found
 * through its pod's launch annotations ({@link #fallBackTo}), so its statuses still reach the pod.
 */
public final class LaunchIndex {
    private static final Logger log = LoggerFactory.getLogger(LaunchIndex.class);

    private final Codec codec;
    private final String mesosCalls;
    private final String launcherEvents;
    private final Map<String, LaunchedTask> launched = new ConcurrentHashMap<>();
    private final Set<String> bindingDecided = ConcurrentHashMap.newKeySet();
    private volatile Function<String, Optional<Pod>> podsByTaskId = id -> Optional.empty();

    public LaunchIndex(Codec codec, String mesosCalls, String launcherEvents) {
        this.codec = codec;
        this.mesosCalls = mesosCalls;
        this.launcherEvents = launcherEvents;
    }

    /** Folds one record of mesos-calls or launcher-events. */
    public void fold(ConsumerRecord<String, byte[]> r) {
        try {
            if (r.topic().equals(mesosCalls)) {
                MesosCall call = codec.decode(MesosCall.class, r.topic(), r.value());
                if (call != null && call.getCall() instanceof Accept accept) {
                    for (Object op : accept.getOperations()) {
                        List<TaskLaunch> tasks = op instanceof Launch l
                                ? l.getTasks()
                                : op instanceof LaunchGroup g ? g.getTasks() : List.of();
                        tasks.forEach(this::add);
                    }
                }
            } else if (r.topic().equals(launcherEvents)) {
                LauncherEvent e = codec.decode(LauncherEvent.class, r.topic(), r.value());
                if (e != null
                        && (e.getType() == LauncherEventType.BOUND || e.getType() == LauncherEventType.BIND_FAILED)) {
                    bindingDecided.add(e.getTaskId());
                }
            }
        } catch (RuntimeException e) {
            log.warn("unreadable record at {}-{}@{} skipped: {}", r.topic(), r.partition(), r.offset(), e.toString());
        }
    }

    private void add(TaskLaunch t) {
        Map<String, String> labels = t.getLabels();
        String ns = labels.get(TaskLabels.NAMESPACE);
        String name = labels.get(TaskLabels.NAME);
        if (ns == null || name == null) {
            return; // not a launcher launch
        }
        Map<String, String> ours = new HashMap<>();
        try {
            Pod pod = LaunchPreparer.json()
                    .unmarshal(
                            StandardCharsets.UTF_8
                                    .decode(t.getData().duplicate())
                                    .toString(),
                            Pod.class);
            if (pod.getMetadata().getAnnotations() != null) {
                pod.getMetadata().getAnnotations().forEach((k, v) -> {
                    if (k.startsWith(PodAnnotations.PREFIX)) {
                        ours.put(k, v);
                    }
                });
            }
        } catch (RuntimeException e) {
            log.warn(
                    "task {}: the pod in its data cannot be read ({}); binding without annotations",
                    t.getTaskId(),
                    e.toString());
        }
        String host = ours.get(PodAnnotations.BINDING_HOST);
        if (host == null) {
            log.warn(
                    "task {} of pod {}/{} has no bindingHost annotation; it will not be bound",
                    t.getTaskId(),
                    ns,
                    name);
            return;
        }
        launched.put(
                t.getTaskId(),
                new LaunchedTask(
                        t.getTaskId(), ns, name, labels.getOrDefault(TaskLabels.UID, ""), t.getAgentId(), host, ours));
    }

    /** Where to look for a task the topics no longer know: the pod annotated with its task id. */
    public void fallBackTo(Function<String, Optional<Pod>> podsByTaskId) {
        this.podsByTaskId = podsByTaskId;
    }

    /** The pod of a task this launcher knows it launched, without asking the API. */
    public Optional<String> launchedPodKey(String taskId) {
        LaunchedTask t = launched.get(taskId);
        return t == null ? Optional.empty() : Optional.of(t.podKey());
    }

    public Optional<LaunchedTask> get(String taskId) {
        LaunchedTask t = launched.get(taskId);
        if (t != null) {
            return Optional.of(t);
        }
        return podsByTaskId.apply(taskId).flatMap(pod -> fromPod(taskId, pod));
    }

    /** A task known from its pod's launch annotations alone; a pod with a node is already bound. */
    private Optional<LaunchedTask> fromPod(String taskId, Pod pod) {
        Map<String, String> ours = new HashMap<>();
        if (pod.getMetadata().getAnnotations() != null) {
            pod.getMetadata().getAnnotations().forEach((k, v) -> {
                if (k.startsWith(PodAnnotations.PREFIX)) {
                    ours.put(k, v);
                }
            });
        }
        String host = ours.get(PodAnnotations.BINDING_HOST);
        if (host == null || !taskId.equals(ours.get(PodAnnotations.TASK_ID))) {
            return Optional.empty();
        }
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (node != null && !node.isBlank()) {
            bindingDecided.add(taskId);
        }
        String uid = pod.getMetadata().getUid();
        return Optional.of(new LaunchedTask(
                taskId,
                pod.getMetadata().getNamespace(),
                pod.getMetadata().getName(),
                uid == null ? "" : uid,
                ours.get(PodAnnotations.SLAVE_ID),
                host,
                ours));
    }

    public boolean bindingDecided(String taskId) {
        return bindingDecided.contains(taskId);
    }

    public void markBindingDecided(String taskId) {
        bindingDecided.add(taskId);
    }

    /** A task that ended: forget it. */
    public void forget(String taskId) {
        launched.remove(taskId);
        bindingDecided.remove(taskId);
    }
}
