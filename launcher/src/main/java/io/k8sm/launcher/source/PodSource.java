package io.k8sm.launcher.source;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.k8sm.contract.PodAnnotations;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pods → the {@code pods} topic. A fabric8 informer watches every pod; the ones that concern k8sm —
 * {@code spec.schedulerName} ours and no node yet, or carrying a {@code k8s.mesosphere.io/*}
 * annotation, or written before — go out as {@code PodSnapshot} keyed {@code namespace/name}; a
 * deletion writes a tombstone.
 *
 * <p>Nothing is missed: a lost watch makes the informer relist (and every add/update it finds is
 * written), a restart starts with a full list, and the resync re-delivers the cache. Snapshots are
 * idempotent (the topic is compacted, the value is the pod's state, not a change), so writing one
 * twice is harmless.
 */
public final class PodSource implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PodSource.class);

    private final KubernetesClient client;
    private final KafkaSink sink;
    private final String topic;
    private final String schedulerName;
    private final Duration resync;
    private final Set<String> written = ConcurrentHashMap.newKeySet();
    private SharedIndexInformer<Pod> informer;

    public PodSource(KubernetesClient client, KafkaSink sink, String topic, String schedulerName, Duration resync) {
        this.client = client;
        this.sink = sink;
        this.topic = topic;
        this.schedulerName = schedulerName;
        this.resync = resync;
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

    public void start() {
        informer = client.pods()
                .inAnyNamespace()
                .inform(
                        new ResourceEventHandler<>() {
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
                                if (written.remove(key) || concernsUs(pod, schedulerName)) {
                                    sink.send(topic, key, null);
                                    log.debug("pod {} deleted: tombstone", key);
                                }
                            }
                        },
                        resync.toMillis());
        log.info(
                "pod source started: {} pods in the cache",
                informer.getStore().list().size());
    }

    private void write(Pod pod) {
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
