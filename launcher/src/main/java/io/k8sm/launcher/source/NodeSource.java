package io.k8sm.launcher.source;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.k8sm.avro.NodeSnapshot;
import io.k8sm.contract.NodeLabels;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;

/**
 * Nodes → the {@code nodes} topic ({@code NodeSnapshot} keyed by node name: labels, readiness, cordon,
 * taints; tombstone on delete). An update that changes none of these (a status heartbeat) is not sent.
 */
public final class NodeSource implements AutoCloseable {
    private final KubernetesClient client;
    private final KafkaSink sink;
    private final String topic;
    private final Duration resync;
    private SharedIndexInformer<Node> informer;

    public NodeSource(KubernetesClient client, KafkaSink sink, String topic, Duration resync) {
        this.client = client;
        this.sink = sink;
        this.topic = topic;
        this.resync = resync;
    }

    public static NodeSnapshot from(Node node) {
        var labels = node.getMetadata().getLabels() == null
                ? new HashMap<String, String>()
                : new HashMap<>(node.getMetadata().getLabels());
        var annotations = node.getMetadata().getAnnotations();
        boolean ready = false;
        if (node.getStatus() != null && node.getStatus().getConditions() != null) {
            for (NodeCondition c : node.getStatus().getConditions()) {
                if ("Ready".equals(c.getType())) {
                    ready = "True".equals(c.getStatus());
                }
            }
        }
        List<io.k8sm.avro.Taint> taints = new ArrayList<>();
        if (node.getSpec() != null && node.getSpec().getTaints() != null) {
            for (Taint t : node.getSpec().getTaints()) {
                taints.add(new io.k8sm.avro.Taint(
                        t.getKey() == null ? "" : t.getKey(),
                        t.getValue(),
                        t.getEffect() == null ? "" : t.getEffect(),
                        blank(t.getTimeAdded()) ? null : Instant.parse(t.getTimeAdded())));
            }
        }
        return NodeSnapshot.newBuilder()
                .setName(node.getMetadata().getName())
                .setAgentId(annotations == null ? null : annotations.get(NodeLabels.AGENT_ID))
                .setLabels(labels)
                .setReady(ready)
                .setUnschedulable(node.getSpec() != null
                        && Boolean.TRUE.equals(node.getSpec().getUnschedulable()))
                .setTaints(taints)
                .build();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** The node as the informer last saw it; null before the start or when it has none. */
    public Node cached(String name) {
        return informer == null ? null : informer.getStore().getByKey(name);
    }

    public void start() {
        informer = client.nodes()
                .inform(
                        new ResourceEventHandler<>() {
                            @Override
                            public void onAdd(Node n) {
                                sink.send(topic, n.getMetadata().getName(), from(n));
                            }

                            @Override
                            public void onUpdate(Node o, Node n) {
                                NodeSnapshot now = from(n);
                                // a status heartbeat changes nothing the scheduler reads; a resync (same version) is
                                // sent again
                                boolean resync = Objects.equals(
                                        o.getMetadata().getResourceVersion(),
                                        n.getMetadata().getResourceVersion());
                                if (resync || !now.equals(from(o))) {
                                    sink.send(topic, n.getMetadata().getName(), now);
                                }
                            }

                            @Override
                            public void onDelete(Node n, boolean unknown) {
                                sink.send(topic, n.getMetadata().getName(), null);
                            }
                        },
                        resync.toMillis());
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
    }
}
