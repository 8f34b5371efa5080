package io.k8sm.launcher.nodes;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8sm.avro.Attribute;
import io.k8sm.avro.Offer;
import io.k8sm.avro.ValueType;
import io.k8sm.contract.NodeLabels;
import io.k8sm.contract.NodeNames;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each Mesos agent that sends offers is a Kubernetes Node: name = {@link NodeNames#toNodeName} of
 * the agent's hostname (the hostname itself when it is a valid node name), annotation {@code
 * k8s.mesosphere.io/hostname} = the hostname as Mesos knows it, label {@code kubernetes.io/hostname}, one label {@code k8s.mesosphere.io/attribute-<name>} per text or
 * scalar attribute, annotation {@code k8s.mesosphere.io/agentId}, Ready True, InternalIP from the
 * agent's URL when it has one. Labels are kept current (stale attribute labels removed); an agent
 * lost ({@code AgentLost}) makes its node NotReady.
 */
public final class NodeRegistrar {
    private static final Logger log = LoggerFactory.getLogger(NodeRegistrar.class);

    private final KubernetesClient client;
    private final Clock clock;

    /** node name → what was last written, so a stream of offers does not rewrite an unchanged node. */
    private final Map<String, Desired> applied = new ConcurrentHashMap<>();

    private final Map<String, String> hostByAgent = new ConcurrentHashMap<>();

    record Desired(Map<String, String> labels, String agentId, String ip, boolean ready) {}

    /** What an informer knows of a node by name (null: nothing); consulted before the API. */
    private final Function<String, Node> cache;

    /** {@code clock} stamps the Ready condition's heartbeat and transition times. */
    public NodeRegistrar(KubernetesClient client, Clock clock) {
        this(client, clock, name -> null);
    }

    /**
     * @param cache the node informer's cache: a node it shows up to date is not read from the API
     *     (a restarted launcher meets every agent again)
     */
    public NodeRegistrar(KubernetesClient client, Clock clock, Function<String, Node> cache) {
        this.client = client;
        this.clock = clock;
        this.cache = cache;
    }

    /** Pure: the labels a node gets from an offer: hostname, attributes, and region and zone of its fault domain. */
    public static Map<String, String> labels(Offer offer) {
        Map<String, String> labels = new TreeMap<>();
        labels.put(NodeLabels.HOSTNAME, labelValue(offer.getHostname()));
        for (Attribute a : offer.getAttributes()) {
            String value = a.getType() == ValueType.TEXT
                    ? a.getText()
                    : a.getType() == ValueType.SCALAR && a.getScalar() != null ? scalar(a.getScalar()) : null;
            if (value != null) {
                labels.put(NodeLabels.attribute(labelName(a.getName())), labelValue(value));
            }
        }
        if (offer.getDomain() != null) {
            labels.put(NodeLabels.REGION, labelValue(offer.getDomain().getRegion()));
            labels.put(NodeLabels.ZONE, labelValue(offer.getDomain().getZone()));
        }
        return labels;
    }

    private static String scalar(double d) {
        return d == Math.rint(d) && !Double.isInfinite(d) ? Long.toString((long) d) : Double.toString(d);
    }

    private static String labelName(String s) {
        String v = s.replaceAll("[^A-Za-z0-9._-]", "-");
        v = v.length() > 63 - "attribute-".length() ? v.substring(0, 63 - "attribute-".length()) : v;
        return v.replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
    }

    private static String labelValue(String s) {
        String v = s.replaceAll("[^A-Za-z0-9._-]", "-");
        v = v.length() > 63 ? v.substring(0, 63) : v;
        return v.replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
    }

    private static String ip(Offer offer) {
        if (offer.getUrl() == null) {
            return null;
        }
        try {
            return URI.create(offer.getUrl()).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Creates or updates the node of the offer's agent (throws KubernetesClientException on API
     * errors).
     */
    public void onOffer(Offer offer) {
        String hostname = offer.getHostname();
        String host = NodeNames.toNodeName(hostname);
        hostByAgent.put(offer.getAgentId(), host);
        Desired want = new Desired(labels(offer), offer.getAgentId(), ip(offer), true);
        if (want.equals(applied.get(host))) {
            return;
        }
        Node node = cache.apply(host); // what the informer saw; else one read from the API
        if (!isCurrent(node, want, hostname)) {
            node = client.nodes().withName(host).get();
        }
        if (isCurrent(node, want, hostname)) {
            applied.put(host, want); // written before a restart: a restarted launcher reads, not rewrites
            return;
        }
        if (node == null) {
            client.nodes()
                    .resource(new NodeBuilder()
                            .withNewMetadata()
                            .withName(host)
                            .withLabels(want.labels())
                            .addToAnnotations(NodeLabels.AGENT_ID, want.agentId())
                            .addToAnnotations(NodeLabels.MESOS_HOSTNAME, hostname)
                            .endMetadata()
                            .build())
                    .create();
            log.info("node {} created for agent {} with labels {}", host, want.agentId(), want.labels());
        } else {
            client.nodes().withName(host).edit(n -> {
                Map<String, String> labels = new TreeMap<>(
                        n.getMetadata().getLabels() == null
                                ? Map.of()
                                : n.getMetadata().getLabels());
                labels.keySet()
                        .removeIf(
                                k -> NodeLabels.isFromAgent(k) && !want.labels().containsKey(k));
                labels.putAll(want.labels());
                if (n.getSpec() != null && n.getSpec().getTaints() != null) {
                    n.getSpec().getTaints().removeIf(t -> NodeLabels.UNREACHABLE_TAINT.equals(t.getKey()));
                }
                return new NodeBuilder(n)
                        .editMetadata()
                        .withLabels(labels)
                        .addToAnnotations(NodeLabels.AGENT_ID, want.agentId())
                        .addToAnnotations(NodeLabels.MESOS_HOSTNAME, hostname)
                        .endMetadata()
                        .build();
            });
            log.info("node {} updated for agent {}", host, want.agentId());
        }
        setReady(host, hostname, "True", "MesosAgentOffers", "the Mesos agent sends offers", want.ip());
        applied.put(host, want);
    }

    /**
     * Pure: whether the node already says what the offer would write (its attribute labels exactly,
     * the agent annotations, Ready True and, when known, the InternalIP), so nothing is written; a
     * missing node ({@code null}) is not.
     */
    static boolean isCurrent(Node node, Desired want, String hostname) {
        if (node == null) {
            return false;
        }
        Map<String, String> labels = node.getMetadata().getLabels() == null
                ? Map.of()
                : node.getMetadata().getLabels();
        Map<String, String> annotations = node.getMetadata().getAnnotations() == null
                ? Map.of()
                : node.getMetadata().getAnnotations();
        boolean labelsCurrent = want.labels().entrySet().stream()
                        .allMatch(e -> e.getValue().equals(labels.get(e.getKey())))
                && labels.keySet().stream().filter(NodeLabels::isFromAgent).allMatch(want.labels()::containsKey);
        NodeStatus st = node.getStatus();
        boolean ready = st != null
                && st.getConditions() != null
                && st.getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        boolean address = want.ip() == null
                || st != null
                        && st.getAddresses() != null
                        && st.getAddresses().stream()
                                .anyMatch(a -> "InternalIP".equals(a.getType())
                                        && want.ip().equals(a.getAddress()));
        return labelsCurrent
                && !unreachable(node)
                && want.agentId().equals(annotations.get(NodeLabels.AGENT_ID))
                && hostname.equals(annotations.get(NodeLabels.MESOS_HOSTNAME))
                && ready
                && address;
    }

    /** Marks the node of a lost agent NotReady. */
    public void onAgentLost(String agentId, String hostname) {
        String host =
                hostname != null && !hostname.isBlank() ? NodeNames.toNodeName(hostname) : hostByAgent.get(agentId);
        if (host == null) {
            host = client.nodes().list().getItems().stream()
                    .filter(n -> n.getMetadata().getAnnotations() != null
                            && agentId.equals(n.getMetadata().getAnnotations().get(NodeLabels.AGENT_ID)))
                    .map(n -> n.getMetadata().getName())
                    .findFirst()
                    .orElse(null);
        }
        if (host == null || client.nodes().withName(host).get() == null) {
            log.info("agent {} lost; it has no node", agentId);
            return;
        }
        setReady(host, null, "False", "MesosAgentLost", "Mesos reported agent " + agentId + " lost", null);
        applied.remove(host);
        log.info("node {} NotReady: agent {} lost", host, agentId);
    }

    /**
     * Mesos reports a task of the node's agent TASK_UNREACHABLE: the node gets the {@link
     * NodeLabels#UNREACHABLE_TAINT} NoExecute taint (the scheduler evicts the pods that do not
     * tolerate it, the others after their {@code tolerationSeconds}) and Ready Unknown, until the
     * agent's next offer removes the taint. A node that has it already is not written again.
     */
    public void markUnreachable(String host, String agentId) {
        Node node = cache.apply(host);
        if (node == null || !unreachable(node)) {
            node = client.nodes().withName(host).get();
        }
        if (node == null || unreachable(node)) {
            return;
        }
        String now = clock.instant().toString();
        client.nodes().withName(host).edit(n -> {
            NodeSpec spec = n.getSpec() == null ? new NodeSpec() : n.getSpec();
            List<Taint> taints = spec.getTaints() == null ? new ArrayList<>() : new ArrayList<>(spec.getTaints());
            taints.add(new TaintBuilder()
                    .withKey(NodeLabels.UNREACHABLE_TAINT)
                    .withEffect("NoExecute")
                    .withTimeAdded(now)
                    .build());
            spec.setTaints(taints);
            n.setSpec(spec);
            return n;
        });
        setReady(
                host,
                null,
                "Unknown",
                "MesosAgentUnreachable",
                "Mesos reports agent " + agentId + " unreachable",
                null);
        applied.remove(host);
        log.info("node {} tainted {}:NoExecute: agent {} unreachable", host, NodeLabels.UNREACHABLE_TAINT, agentId);
    }

    private static boolean unreachable(Node node) {
        return node.getSpec() != null
                && node.getSpec().getTaints() != null
                && node.getSpec().getTaints().stream().anyMatch(t -> NodeLabels.UNREACHABLE_TAINT.equals(t.getKey()));
    }

    private void setReady(String host, String hostname, String ready, String reason, String message, String ip) {
        String now = clock.instant().toString();
        client.nodes().withName(host).editStatus(n -> {
            NodeStatus st = n.getStatus() == null ? new NodeStatus() : n.getStatus();
            List<NodeCondition> conditions = new ArrayList<>();
            if (st.getConditions() != null) {
                st.getConditions().stream()
                        .filter(c -> !"Ready".equals(c.getType()))
                        .forEach(conditions::add);
            }
            conditions.add(new NodeConditionBuilder()
                    .withType("Ready")
                    .withStatus(ready)
                    .withReason(reason)
                    .withMessage(message)
                    .withLastHeartbeatTime(now)
                    .withLastTransitionTime(now)
                    .build());
            st.setConditions(conditions);
            if (ip != null) {
                List<NodeAddress> addresses = new ArrayList<>();
                addresses.add(new NodeAddress(ip, "InternalIP"));
                addresses.add(new NodeAddress(hostname == null ? NodeNames.toHostname(host) : hostname, "Hostname"));
                st.setAddresses(addresses);
            }
            n.setStatus(st);
            return n;
        });
    }

    /** For tests: forget what was written, so the next offer writes again. */
    void reset() {
        applied.clear();
    }
}
