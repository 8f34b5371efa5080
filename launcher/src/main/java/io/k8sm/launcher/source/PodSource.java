package io.k8sm.launcher.source;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.k8sm.contract.PodAnnotations;
import io.k8sm.launcher.kafka.CatchUpReader;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pods → the {@code pods} topic. A fabric8 informer watches every pod; the ones that concern k8sm —
 * {@code spec.schedulerName} ours and no node yet, or carrying a {@code k8s.mesosphere.io/*}
 * annotation, or written before — go out as {@code PodSnapshot} keyed {@code namespace/name}; a
 * deletion writes a tombstone.
 *
 * <p>Nothing is missed: a lost watch makes the informer relist (and every add/update it finds is
 * written), a restart starts with a full list, and the resync re-delivers the cache. Deletions that
 * no watch reported (the launcher was down, or its tombstone died with it) are found on start: once
 * the informer has synced, every live key of the {@code pods} topic whose pod is not in the API gets
 * its tombstone. Snapshots are idempotent (the topic is compacted, the value is the pod's state, not
 * a change), so writing one twice is harmless; a failed send is sent again ({@link KafkaSink}).
 */
public final class PodSource implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PodSource.class);
    private static final String BY_TASK_ID = "k8sm-task-id";

    private final KubernetesClient client;
    private final KafkaSink sink;
    private final String topic;
    private final String schedulerName;
    private final Duration resync;
    private final Supplier<Set<String>> topicKeys;
    private final Set<String> written = ConcurrentHashMap.newKeySet();
    private SharedIndexInformer<Pod> informer;

    /**
     * @param topicKeys the keys that are live (last value not a tombstone) on the {@code pods} topic,
     *     read to its end when called ({@link #liveKeys})
     */
    public PodSource(
            KubernetesClient client,
            KafkaSink sink,
            String topic,
            String schedulerName,
            Duration resync,
            Supplier<Set<String>> topicKeys) {
        this.client = client;
        this.sink = sink;
        this.topic = topic;
        this.schedulerName = schedulerName;
        this.resync = resync;
        this.topicKeys = topicKeys;
    }

    /**
     * The live keys of a compacted topic: read from the beginning to its end (read_committed, every
     * partition); a key whose last value is a tombstone is not live.
     */
    public static Set<String> liveKeys(Properties kafka, String topic, Clock clock) {
        Set<String> live = new HashSet<>();
        try (CatchUpReader reader = new CatchUpReader(
                kafka,
                List.of(topic),
                r -> {
                    if (r.value() == null) {
                        live.remove(r.key());
                    } else {
                        live.add(r.key());
                    }
                },
                clock)) {
            reader.catchUp();
        }
        return live;
    }

    /** Whether a pod concerns k8sm. */
    public static boolean concernsUs(Pod pod, String schedulerName) {
        boolean ours =
                pod.getSpec() != null && schedulerName.equals(pod.getSpec().getSchedulerName());
        boolean unbound = pod.getSpec() == null
                || pod.getSpec().getNodeName() == null
                || pod.getSpec().getNodeName().isBlank();
        return (ours && unbound) || PodAnnotations.anyOurs(pod.getMetadata().getAnnotations());
    }

    /** The pod as the informer last saw it; null before the start or when it has none. */
    public Pod cached(String namespace, String name) {
        return informer == null ? null : informer.getStore().getByKey(namespace + "/" + name);
    }

    public void start() {
        informer = client.pods().inAnyNamespace().runnableInformer(resync.toMillis());
        informer.addIndexers(Map.of(BY_TASK_ID, pod -> {
            var a = pod.getMetadata().getAnnotations();
            String id = a == null ? null : a.get(PodAnnotations.TASK_ID);
            return id == null ? List.of() : List.of(id);
        }));
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                write(pod);
            }

            @Override
            public void onUpdate(Pod old, Pod pod) {
                write(pod);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                String key = PodSnapshots.key(pod);
                synchronized (PodSource.this) {
                    if (written.remove(key) || concernsUs(pod, schedulerName)) {
                        sink.send(topic, key, null);
                        log.debug("pod {} deleted: tombstone", key);
                    }
                }
            }
        });
        informer.run();
        log.info(
                "pod source started: {} pods in the cache",
                informer.getStore().list().size());
        reconcile();
    }

    /**
     * Tombstones every live key of the topic whose pod the API no longer has. Under the handlers'
     * lock and after the informer synced: a pod the store does not have now, and that is created
     * later, gets its snapshot after this tombstone (the store is updated before the handler runs).
     */
    private void reconcile() {
        for (int i = 0; i < 600 && !informer.hasSynced(); i++) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the pod informer", e);
            }
        }
        if (!informer.hasSynced()) {
            throw new IllegalStateException("the pod informer did not sync within 60 s");
        }
        Set<String> keys = topicKeys.get();
        int gone = 0;
        synchronized (this) {
            for (String key : keys) {
                if (informer.getStore().getByKey(key) == null) {
                    sink.send(topic, key, null);
                    gone++;
                    log.info("pod {} was deleted while the launcher was away: tombstone", key);
                } else {
                    written.add(key); // written before: its later states and its deletion follow it
                }
            }
        }
        log.info("pods topic reconciled: {} live keys, {} pods gone from the API", keys.size(), gone);
    }

    private synchronized void write(Pod pod) {
        String key = PodSnapshots.key(pod);
        if (written.contains(key) || concernsUs(pod, schedulerName)) {
            written.add(key);
            try {
                sink.send(topic, key, PodSnapshots.from(pod));
            } catch (RuntimeException e) {
                log.error("pod {} cannot be turned into a snapshot: {}", key, e.toString());
            }
        }
    }

    /** The cached pod whose launch annotation names this task ({@code k8s.mesosphere.io/taskId}). */
    public Optional<Pod> byTaskId(String taskId) {
        if (informer == null) {
            return Optional.empty();
        }
        return informer.getIndexer().byIndex(BY_TASK_ID, taskId).stream().findFirst();
    }

    /** The informer's cache (for lookups by the other parts of the launcher); empty before start. */
    public List<Pod> cached() {
        return informer == null ? List.of() : informer.getStore().list();
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
    }
}
