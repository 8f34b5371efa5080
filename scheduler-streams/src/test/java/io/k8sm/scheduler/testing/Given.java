package io.k8sm.scheduler.testing;

import io.k8sm.avro.AgentLost;
import io.k8sm.avro.Attribute;
import io.k8sm.avro.CallRejected;
import io.k8sm.avro.ClockTick;
import io.k8sm.avro.Container;
import io.k8sm.avro.ContainerPort;
import io.k8sm.avro.Disconnected;
import io.k8sm.avro.FaultDomain;
import io.k8sm.avro.FrameworkEvent;
import io.k8sm.avro.LauncherEvent;
import io.k8sm.avro.LauncherEventType;
import io.k8sm.avro.NodeAffinity;
import io.k8sm.avro.NodeSelectorRequirement;
import io.k8sm.avro.NodeSelectorTerm;
import io.k8sm.avro.NodeSnapshot;
import io.k8sm.avro.Offer;
import io.k8sm.avro.OfferEvent;
import io.k8sm.avro.OfferRescinded;
import io.k8sm.avro.PodAffinity;
import io.k8sm.avro.PodAffinityTerm;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.PreferredSchedulingTerm;
import io.k8sm.avro.Protocol;
import io.k8sm.avro.Range;
import io.k8sm.avro.Resource;
import io.k8sm.avro.Subscribed;
import io.k8sm.avro.Taint;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.TaskStatus;
import io.k8sm.avro.TaskStatusSource;
import io.k8sm.avro.Toleration;
import io.k8sm.avro.TopologySpreadConstraint;
import io.k8sm.avro.ValueType;
import io.k8sm.avro.WeightedPodAffinityTerm;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A small DSL of builders for the scheduler's inputs. */
public final class Given {

    private Given() {}

    public static PodBuilder pod(String key) {
        return new PodBuilder(key);
    }

    /** A node selector term of label requirements, e.g. {@code term(label("rack", "In", "r1"))}. */
    public static NodeSelectorTerm term(NodeSelectorRequirement... labelRequirements) {
        return new NodeSelectorTerm(List.of(labelRequirements), List.of());
    }

    public static NodeSelectorRequirement label(String key, String operator, String... values) {
        return new NodeSelectorRequirement(key, operator, List.of(values));
    }

    public static NodeBuilder node(String name) {
        return new NodeBuilder(name);
    }

    public static OfferBuilder offer(String id, String host) {
        return new OfferBuilder(id, host);
    }

    public static OfferEvent rescind(String offerId) {
        return new OfferEvent(new OfferRescinded(offerId));
    }

    public static StatusBuilder status(String taskId, TaskState state) {
        return new StatusBuilder(taskId, state);
    }

    public static FrameworkEvent subscribed() {
        return new FrameworkEvent(new Subscribed("fw-1", 15.0, "master-1"));
    }

    public static FrameworkEvent disconnected() {
        return new FrameworkEvent(new Disconnected("stream closed"));
    }

    public static FrameworkEvent agentLost(String agentId) {
        return new FrameworkEvent(new AgentLost(agentId, null));
    }

    /** offer-ingest could not carry out the call (e.g. a 503 during a master election). */
    public static FrameworkEvent callRejected(String callId, String callType) {
        return new FrameworkEvent(CallRejected.newBuilder()
                .setCallId(callId)
                .setCallType(callType)
                .setHttpStatus(503)
                .setReason("no leader elected")
                .build());
    }

    /** offer-ingest's answer to an ACCEPT it did not send (its offers are from before a re-subscription). */
    public static FrameworkEvent acceptNotSent(String callId, List<String> taskIds) {
        return new FrameworkEvent(CallRejected.newBuilder()
                .setCallId(callId)
                .setCallType("ACCEPT")
                .setHttpStatus(null)
                .setReason("not sent: offers [o1] were not received by the current subscription")
                .setTaskIds(taskIds)
                .setNotSent(true)
                .build());
    }

    public static LauncherEvent launcher(String taskId, String podKey, LauncherEventType type, String reason) {
        return new LauncherEvent(taskId, podKey, type, reason, null, Instant.ofEpochMilli(0));
    }

    public static ClockTick tick(long at) {
        return new ClockTick(Instant.ofEpochMilli(at), "test");
    }

    public static final class PodBuilder {
        private final String namespace;
        private final String name;
        private String uid;
        private String rv = "1";
        private String nodeName;
        private Long deletion;
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private final Map<String, String> selector = new LinkedHashMap<>();
        private final List<Container> containers = new ArrayList<>();
        private NodeAffinity affinity;
        private final List<String> gates = new ArrayList<>();
        private final List<Toleration> tolerations = new ArrayList<>();
        private Integer priority;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final List<PodAffinityTerm> podAffinity = new ArrayList<>();
        private final List<PodAffinityTerm> antiAffinity = new ArrayList<>();
        private final List<WeightedPodAffinityTerm> preferredAnti = new ArrayList<>();
        private final List<TopologySpreadConstraint> spreads = new ArrayList<>();

        PodBuilder(String key) {
            String[] p = key.split("/", 2);
            this.namespace = p[0];
            this.name = p[1];
            this.uid = "uid-" + key;
        }

        public PodBuilder uid(String u) {
            uid = u;
            return this;
        }

        public PodBuilder resourceVersion(String v) {
            rv = v;
            return this;
        }

        public PodBuilder nodeName(String n) {
            nodeName = n;
            return this;
        }

        public PodBuilder deleting() {
            deletion = 1L;
            return this;
        }

        public PodBuilder annotation(String k, String v) {
            annotations.put(k, v);
            return this;
        }

        public PodBuilder selector(String k, String v) {
            selector.put(k, v);
            return this;
        }

        /** Required terms (ORed), as {@code requiredDuringSchedulingIgnoredDuringExecution}. */
        public PodBuilder requiredAffinity(NodeSelectorTerm... terms) {
            affinity = new NodeAffinity(List.of(terms), affinity == null ? List.of() : affinity.getPreferred());
            return this;
        }

        /** One weighted preference, as {@code preferredDuringSchedulingIgnoredDuringExecution}. */
        public PodBuilder preferredAffinity(int weight, NodeSelectorTerm term) {
            List<PreferredSchedulingTerm> preferred =
                    new ArrayList<>(affinity == null ? List.of() : affinity.getPreferred());
            preferred.add(new PreferredSchedulingTerm(weight, term));
            affinity = new NodeAffinity(affinity == null ? null : affinity.getRequired(), preferred);
            return this;
        }

        /** A toleration; {@code seconds} null tolerates for ever. */
        public PodBuilder toleration(String key, String operator, String value, String effect, Long seconds) {
            tolerations.add(new Toleration(key, operator, value, effect, seconds));
            return this;
        }

        public PodBuilder podLabel(String k, String v) {
            labels.put(k, v);
            return this;
        }

        /** Required pod affinity to the pods labelled {@code k=v}, in the domains of {@code topologyKey}. */
        public PodBuilder affinityTo(String k, String v, String topologyKey) {
            podAffinity.add(podTerm(k, v, topologyKey));
            return this;
        }

        /** Required pod anti-affinity to the pods labelled {@code k=v}, in the domains of {@code topologyKey}. */
        public PodBuilder antiAffinityTo(String k, String v, String topologyKey) {
            antiAffinity.add(podTerm(k, v, topologyKey));
            return this;
        }

        public PodBuilder preferredAntiAffinityTo(int weight, String k, String v, String topologyKey) {
            preferredAnti.add(new WeightedPodAffinityTerm(weight, podTerm(k, v, topologyKey)));
            return this;
        }

        private static PodAffinityTerm podTerm(String k, String v, String topologyKey) {
            return new PodAffinityTerm(Map.of(k, v), List.of(), true, List.of(), topologyKey);
        }

        /** A topology spread constraint over the pods labelled {@code k=v}. */
        public PodBuilder spread(int maxSkew, String topologyKey, String whenUnsatisfiable, String k, String v) {
            spreads.add(new TopologySpreadConstraint(
                    maxSkew, topologyKey, whenUnsatisfiable, Map.of(k, v), List.of(), true, null));
            return this;
        }

        public PodBuilder priority(int p) {
            priority = p;
            return this;
        }

        public PodBuilder gates(String... names) {
            gates.addAll(List.of(names));
            return this;
        }

        /** A container with requests below its limits (what it is placed by, what it may burst to). */
        public PodBuilder containerWithRequests(
                double cpuRequest, double cpuLimit, long memRequestMb, long memLimitMb) {
            containers.add(new Container(
                    "c" + containers.size(),
                    "busybox",
                    cpuLimit,
                    memLimitMb * 1024 * 1024,
                    List.of(),
                    cpuRequest,
                    memRequestMb * 1024 * 1024));
            return this;
        }

        public PodBuilder container(double cpu, long memMb, int... hostPorts) {
            List<ContainerPort> ports = new ArrayList<>();
            int i = 0;
            for (int hp : hostPorts) {
                ports.add(new ContainerPort("p" + i, 8080 + i++, hp, Protocol.TCP));
            }
            containers.add(
                    new Container("c" + containers.size(), "busybox", cpu, memMb * 1024 * 1024, ports, null, null));
            return this;
        }

        public PodSnapshot build() {
            List<Container> cs = containers.isEmpty()
                    ? List.of(new Container("c0", "busybox", 0.5, 128L * 1024 * 1024, List.of(), null, null))
                    : containers;
            return PodSnapshot.newBuilder()
                    .setUid(uid)
                    .setNamespace(namespace)
                    .setName(name)
                    .setResourceVersion(rv)
                    .setSchedulerName(null)
                    .setLabels(labels)
                    .setAnnotations(annotations)
                    .setNodeName(nodeName)
                    .setNodeSelector(selector)
                    .setContainers(cs)
                    .setPhase(null)
                    .setHostIP(null)
                    .setPodIP(null)
                    .setReady(false)
                    .setDeletionTimestamp(deletion == null ? null : Instant.ofEpochMilli(deletion))
                    .setManifest("{}")
                    .setNodeAffinity(affinity)
                    .setSchedulingGates(gates)
                    .setTolerations(tolerations)
                    .setPriority(priority)
                    .setTopologySpreadConstraints(spreads)
                    .setPodAffinity(podAffinity.isEmpty() ? null : new PodAffinity(podAffinity, List.of()))
                    .setPodAntiAffinity(
                            antiAffinity.isEmpty() && preferredAnti.isEmpty()
                                    ? null
                                    : new PodAffinity(antiAffinity, preferredAnti))
                    .build();
        }
    }

    /** A Kubernetes node of the {@code nodes} topic: its cordon and taints. */
    public static final class NodeBuilder {
        private final String name;
        private boolean unschedulable;
        private final List<Taint> taints = new ArrayList<>();
        private final Map<String, String> labels = new LinkedHashMap<>();

        NodeBuilder(String name) {
            this.name = name;
        }

        /** A node label, as the launcher writes them (attribute-, hostname, region and zone labels). */
        public NodeBuilder label(String k, String v) {
            labels.put(k, v);
            return this;
        }

        public NodeBuilder cordoned() {
            unschedulable = true;
            return this;
        }

        public NodeBuilder taint(String key, String value, String effect) {
            taints.add(new Taint(key, value, effect, null));
            return this;
        }

        public NodeSnapshot build() {
            return NodeSnapshot.newBuilder()
                    .setName(name)
                    .setAgentId("agent-" + name)
                    .setLabels(labels)
                    .setReady(true)
                    .setUnschedulable(unschedulable)
                    .setTaints(taints)
                    .build();
        }
    }

    public static final class OfferBuilder {
        private final String id;
        private final String host;
        private String agent;
        private double cpus = 4;
        private double mem = 4096;
        private final List<Range> ports = new ArrayList<>();
        private final List<String> executors = new ArrayList<>();
        private final List<Attribute> attributes = new ArrayList<>();
        private FaultDomain domain;

        OfferBuilder(String id, String host) {
            this.id = id;
            this.host = host;
            this.agent = "agent-" + host;
        }

        public OfferBuilder agent(String a) {
            agent = a;
            return this;
        }

        public OfferBuilder cpus(double c) {
            cpus = c;
            return this;
        }

        public OfferBuilder mem(double m) {
            mem = m;
            return this;
        }

        public OfferBuilder ports(long begin, long end) {
            ports.add(new Range(begin, end));
            return this;
        }

        /** A text attribute: the node label {@code k8s.mesosphere.io/attribute-<name>}. */
        public OfferBuilder attribute(String name, String text) {
            attributes.add(new Attribute(name, ValueType.TEXT, text, null, List.of(), List.of()));
            return this;
        }

        /** The agent's Mesos fault domain: the node labels {@code topology.kubernetes.io/region} and {@code zone}. */
        public OfferBuilder domain(String region, String zone) {
            domain = new FaultDomain(region, zone);
            return this;
        }

        public OfferBuilder executor(String e) {
            executors.add(e);
            return this;
        }

        public OfferEvent build() {
            List<Resource> rs = new ArrayList<>();
            rs.add(new Resource("cpus", ValueType.SCALAR, cpus, List.of(), List.of(), "*", null));
            rs.add(new Resource("mem", ValueType.SCALAR, mem, List.of(), List.of(), "*", null));
            if (!ports.isEmpty()) {
                rs.add(new Resource("ports", ValueType.RANGES, null, ports, List.of(), "*", null));
            }
            return new OfferEvent(new Offer(id, "fw-1", agent, host, rs, attributes, executors, null, domain));
        }
    }

    public static final class StatusBuilder {
        private final TaskStatus.Builder b;

        StatusBuilder(String taskId, TaskState state) {
            b = TaskStatus.newBuilder()
                    .setTaskId(taskId)
                    .setState(state)
                    .setReason(null)
                    .setSource(TaskStatusSource.SOURCE_EXECUTOR)
                    .setMessage(null)
                    .setUuid(null)
                    .setAgentId(null)
                    .setExecutorId(null)
                    .setTimestamp(0.0)
                    .setData(null)
                    .setHealthy(null);
        }

        public StatusBuilder reason(String r) {
            b.setReason(r);
            return this;
        }

        public StatusBuilder source(TaskStatusSource s) {
            b.setSource(s);
            return this;
        }

        public StatusBuilder uuid(String agentId, byte... uuid) {
            b.setAgentId(agentId).setUuid(ByteBuffer.wrap(uuid));
            return this;
        }

        public TaskStatus build() {
            return b.build();
        }
    }
}
