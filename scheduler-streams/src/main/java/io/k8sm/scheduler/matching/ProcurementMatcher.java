package io.k8sm.scheduler.matching;

import io.k8sm.avro.Container;
import io.k8sm.avro.NodeSnapshot;
import io.k8sm.avro.Offer;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.Protocol;
import io.k8sm.avro.Range;
import io.k8sm.avro.Resource;
import io.k8sm.avro.TaskSpec;
import io.k8sm.avro.ValueType;
import io.k8sm.scheduler.procurement.AgentOffer;
import io.k8sm.scheduler.procurement.Attribute;
import io.k8sm.scheduler.procurement.Cluster;
import io.k8sm.scheduler.procurement.ContainerPort;
import io.k8sm.scheduler.procurement.ContainerRequest;
import io.k8sm.scheduler.procurement.Placement;
import io.k8sm.scheduler.procurement.PlacementEngine;
import io.k8sm.scheduler.procurement.PlacementResult;
import io.k8sm.scheduler.procurement.PodRequest;
import io.k8sm.scheduler.procurement.PodTerms;
import io.k8sm.scheduler.procurement.PortMapping;
import io.k8sm.scheduler.procurement.PortRange;
import io.k8sm.scheduler.procurement.ProcurementConfig;
import io.k8sm.scheduler.procurement.RoleAmount;
import io.k8sm.scheduler.procurement.Shortfall;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The state machine's {@link Matcher} over the procurement package: converts the Avro pod snapshots
 * and offers (and the taints of the offering agents' nodes) into procurement's value types, places the pods in order on one ledger (several pods
 * per offer, first-fit or bin-pack) and turns each placement into a {@link TaskSpec}.
 */
public final class ProcurementMatcher implements Matcher {

    private static final double MB = 1024.0 * 1024.0;

    private final ProcurementConfig config;
    private final PlacementEngine engine;

    public ProcurementMatcher(ProcurementConfig config) {
        this.config = config;
        this.engine = PlacementEngine.of(config);
    }

    public ProcurementConfig config() {
        return config;
    }

    @Override
    public Result match(List<PodSnapshot> pods, List<Offer> offers, Context context) {
        List<Running> running = new ArrayList<>();
        boolean needRunning = pods.stream().anyMatch(p -> Constraints.hasPodTerms(p) || Gangs.of(p) != null);
        if (needRunning) {
            running.addAll(context.running().get());
        }
        return Gangs.place(pods, running, some -> placeOnce(some, offers, context, running));
    }

    /** One pass: the pods in order on one ledger of the offers. */
    private Result placeOnce(List<PodSnapshot> pods, List<Offer> offers, Context context, List<Running> running) {
        List<AgentOffer> agentOffers = new ArrayList<>(offers.size());
        for (Offer o : offers) {
            agentOffers.add(agentOffer(o));
        }
        Cluster cluster = Cluster.of(agentOffers, config);
        for (String nodeName : cluster.nodeNames()) {
            NodeSnapshot node = context.nodes().apply(nodeName);
            if (node != null && (node.getUnschedulable() || !node.getTaints().isEmpty())) {
                cluster.taint(nodeName, Constraints.taints(node));
            }
        }
        if (pods.stream().anyMatch(p -> !p.getTopologySpreadConstraints().isEmpty())) {
            cluster.knowNodes(context.allNodes().get().stream()
                    .map(NodeSnapshot::getLabels)
                    .toList());
        }
        if (pods.stream().anyMatch(Constraints::hasPodTerms)) {
            for (Running r : running) {
                cluster.addPlaced(
                        new PodTerms.Placed(Constraints.podTerms(r.pod()), nodeLabels(r.hostname(), cluster, context)));
            }
        }
        List<Placed> placed = new ArrayList<>();
        Map<String, String> shortfalls = new LinkedHashMap<>();
        for (PodSnapshot pod : pods) {
            String podKey = pod.getNamespace() + "/" + pod.getName();
            PodRequest request;
            try {
                request = podRequest(podKey, pod);
            } catch (IllegalArgumentException e) {
                shortfalls.put(podKey, "pod cannot be placed: " + e.getMessage());
                continue;
            }
            PlacementResult r = engine.place(request, cluster);
            if (r instanceof Placement p) {
                placed.add(new Placed(podKey, p.offerIds(), spec(pod, request, p)));
            } else {
                shortfalls.put(podKey, ((Shortfall) r).message());
            }
        }
        return new Result(placed, shortfalls);
    }

    PodRequest podRequest(String podKey, PodSnapshot pod) {
        List<ContainerRequest> containers = new ArrayList<>();
        for (Container c : pod.getContainers()) {
            List<ContainerPort> ports = new ArrayList<>();
            for (io.k8sm.avro.ContainerPort p : c.getPorts()) {
                ports.add(new ContainerPort(
                        p.getName(),
                        p.getContainerPort(),
                        p.getHostPort(),
                        p.getProtocol().name()));
            }
            // Kubernetes: a container that sets no request requests its limit
            Double cpu = c.getCpuRequest() != null ? c.getCpuRequest() : c.getCpuLimit();
            Long memBytes = c.getMemRequestBytes() != null ? c.getMemRequestBytes() : c.getMemLimitBytes();
            Double mem = memBytes == null ? null : memBytes / MB;
            containers.add(ContainerRequest.withLimits(c.getName(), cpu, mem, ports, config));
        }
        return PodRequest.of(podKey, containers, pod.getNodeName(), pod.getNodeSelector(), pod.getAnnotations(), config)
                .withNodeAffinity(Constraints.nodeAffinity(pod.getNodeAffinity()))
                .withTolerations(Constraints.tolerations(pod.getTolerations()))
                .withPodTerms(Constraints.podTerms(pod));
    }

    /** The node labels of a host: its agent's in this cycle, else its Kubernetes node's, else the hostname label. */
    private static Map<String, String> nodeLabels(String hostname, Cluster cluster, Context context) {
        if (hostname == null) {
            return Map.of();
        }
        Map<String, String> offered = cluster.labelsOfHost(hostname);
        if (offered != null) {
            return offered;
        }
        NodeSnapshot node = context.nodes().apply(Constraints.nodeName(hostname));
        return node != null ? node.getLabels() : Map.of(AgentOffer.HOSTNAME_LABEL, hostname);
    }

    /** Procurement's view of an Avro offer: scalars and port ranges per role, attributes as text, the fault domain. */
    public static AgentOffer agentOffer(Offer o) {
        Map<String, Double> cpus = new TreeMap<>();
        Map<String, Double> mem = new TreeMap<>();
        Map<String, List<PortRange>> ports = new TreeMap<>();
        for (Resource r : o.getResources()) {
            String role = r.getRole() == null ? "*" : r.getRole();
            switch (r.getName()) {
                case "cpus" -> cpus.merge(role, r.getScalar() == null ? 0.0 : r.getScalar(), Double::sum);
                case "mem" -> mem.merge(role, r.getScalar() == null ? 0.0 : r.getScalar(), Double::sum);
                case "ports" -> {
                    List<PortRange> list = ports.computeIfAbsent(role, k -> new ArrayList<>());
                    for (Range range : r.getRanges()) {
                        long b = Math.max(0, range.getBegin());
                        long e = Math.min(65535, range.getEnd());
                        if (b <= e) {
                            list.add(PortRange.of((int) b, (int) e));
                        }
                    }
                }
                default -> {}
            }
        }
        List<Attribute> attributes = new ArrayList<>();
        for (io.k8sm.avro.Attribute a : o.getAttributes()) {
            switch (a.getType()) {
                case TEXT -> attributes.add(Attribute.text(a.getName(), a.getText()));
                case SCALAR ->
                    attributes.add(Attribute.scalar(a.getName(), a.getScalar() == null ? 0.0 : a.getScalar()));
                case SET -> attributes.add(Attribute.set(a.getName(), String.join(",", a.getSet())));
                case RANGES -> {
                    List<String> rs = new ArrayList<>();
                    for (Range r : a.getRanges()) {
                        rs.add(r.getBegin() + "-" + r.getEnd());
                    }
                    attributes.add(Attribute.ranges(a.getName(), String.join(",", rs)));
                }
                default -> {}
            }
        }
        return new AgentOffer(
                o.getId(),
                o.getAgentId(),
                o.getHostname(),
                cpus,
                mem,
                ports,
                attributes,
                new java.util.TreeSet<>(o.getExecutorIds()),
                o.getDomain() == null ? null : o.getDomain().getRegion(),
                o.getDomain() == null ? null : o.getDomain().getZone());
    }

    /**
     * The task's spec from a placement: AssignedSlave, role-tagged resources, port map, roles,
     * executor.
     */
    TaskSpec spec(PodSnapshot pod, PodRequest request, Placement p) {
        List<Resource> resources = new ArrayList<>();
        scalars("cpus", p.cpus(), resources);
        scalars("mem", p.memMb(), resources);
        Map<String, List<Range>> portsByRole = new TreeMap<>();
        List<io.k8sm.avro.PortMapping> portMap = new ArrayList<>();
        for (PortMapping m : p.ports()) {
            portsByRole.computeIfAbsent(m.role(), k -> new ArrayList<>()).add(new Range((long) m.hostPort(), (long)
                    m.hostPort()));
            Container c = pod.getContainers().get(m.containerIndex());
            portMap.add(io.k8sm.avro.PortMapping.newBuilder()
                    .setContainerIndex(m.containerIndex())
                    .setPortIndex(m.portIndex())
                    .setContainerName(c.getName())
                    .setContainerPort(m.containerPort())
                    .setHostPort(m.hostPort())
                    .setProtocol(Protocol.valueOf(m.protocol()))
                    .setPortName(m.name() == null || m.name().isEmpty() ? null : m.name())
                    .setRole(m.role())
                    .build());
        }
        portsByRole.forEach((role, ranges) -> {
            ranges.sort((a, b) -> Long.compare(a.getBegin(), b.getBegin()));
            resources.add(new Resource("ports", ValueType.RANGES, null, ranges, List.of(), role, null));
        });
        List<Resource> executor = new ArrayList<>();
        scalars("cpus", p.executorCpus(), executor);
        scalars("mem", p.executorMemMb(), executor);
        return TaskSpec.newBuilder()
                .setAgentId(p.agentId())
                .setAssignedSlave(p.hostname())
                .setResources(resources)
                .setPortMap(portMap)
                .setRoles(request.roles())
                .setExecutorId(config.executorId())
                .setExecutorResources(executor)
                .setOfferIds(p.offerIds())
                .build();
    }

    private static void scalars(String name, List<RoleAmount> amounts, List<Resource> into) {
        Map<String, Double> byRole = new LinkedHashMap<>();
        for (RoleAmount a : amounts) {
            byRole.merge(a.role(), a.amount(), Double::sum);
        }
        byRole.forEach((role, amount) -> into.add(new Resource(
                name, ValueType.SCALAR, BigDecimal.valueOf(amount).doubleValue(), List.of(), List.of(), role, null)));
    }
}
