package io.k8sm.scheduler.procurement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The ledger of one scheduling cycle: the live offers pooled per agent, and what is left of them as
 * pods are placed. Inputs ({@link AgentOffer}) are never changed; this object is, by {@link
 * PlacementEngine#place} and {@link #addOffer}. Not thread-safe: one per stream task.
 *
 * <p>Agents keep the order in which their first offer was added: that is first-fit's stable order.
 */
public final class Cluster {
    private final ProcurementConfig config;
    final long execCpu;
    final long execMem;
    private final Map<String, Integer> roleIds = new HashMap<>();
    private final List<String> roleNames = new ArrayList<>();
    private final List<AgentState> agents = new ArrayList<>();
    private final Map<String, Integer> byAgentId = new HashMap<>();
    private final Map<String, int[]> byNodeName = new HashMap<>();
    private final Map<String, RoleSetIndex> indexes = new HashMap<>();
    private Map<String, int[]> labelPostings;
    private boolean softTaints;
    private final PlacedPods placed = new PlacedPods();
    private final TopologyDomains domains = new TopologyDomains();
    long refCpu = 1;
    long refMem = 1;

    private Cluster(ProcurementConfig config) {
        this.config = config;
        this.execCpu = Units.milli(config.executorCpus());
        this.execMem = Units.milli(config.executorMemMb());
    }

    /** A ledger of these offers (in this order). */
    public static Cluster of(List<AgentOffer> offers, ProcurementConfig config) {
        Cluster c = new Cluster(config);
        for (AgentOffer o : offers) {
            c.merge(o);
        }
        c.rescale();
        return c;
    }

    public ProcurementConfig config() {
        return config;
    }

    /**
     * Adds an offer to the cycle: a new agent goes last in the stable order; an offer of a known
     * agent is pooled with its other offers.
     */
    public void addOffer(AgentOffer offer) {
        int before = agents.size();
        int rolesBefore = roleNames.size();
        int i = merge(offer);
        long oldCpu = refCpu;
        long oldMem = refMem;
        rescale();
        if (agents.size() != before || roleNames.size() != rolesBefore || oldCpu != refCpu || oldMem != refMem) {
            indexes.clear();
        } else {
            for (RoleSetIndex idx : indexes.values()) {
                idx.refresh(i);
            }
        }
        labelPostings = null;
        domains.forget();
    }

    private int roleId(String role) {
        Integer id = roleIds.get(role);
        if (id == null) {
            id = roleNames.size();
            roleIds.put(role, id);
            roleNames.add(role);
            for (AgentState a : agents) {
                a.growRoles(roleNames.size());
            }
        }
        return id;
    }

    private int merge(AgentOffer o) {
        // register roles first so that every agent's arrays are wide enough
        o.cpus().keySet().forEach(this::roleId);
        o.memMb().keySet().forEach(this::roleId);
        o.ports().keySet().forEach(this::roleId);
        Integer idx = byAgentId.get(o.agentId());
        AgentState a;
        if (idx == null) {
            a = new AgentState(agents.size(), o.agentId(), roleNames.size());
            agents.add(a);
            byAgentId.put(o.agentId(), a.index);
            a.hostname = o.hostname();
            a.nodeName = AgentState.nodeNameOf(o.hostname());
            int[] same = byNodeName.get(a.nodeName);
            int[] grown = same == null ? new int[1] : Arrays.copyOf(same, same.length + 1);
            grown[grown.length - 1] = a.index;
            byNodeName.put(a.nodeName, grown);
        } else {
            a = agents.get(idx);
            a.growRoles(roleNames.size());
        }
        a.labels = o.labels();
        a.offerIds.add(o.offerId());
        o.cpus().forEach((role, v) -> {
            long m = Units.milli(v);
            a.cpu[roleId(role)] += m;
            a.totalCpu += m;
        });
        o.memMb().forEach((role, v) -> {
            long m = Units.milli(v);
            a.mem[roleId(role)] += m;
            a.totalMem += m;
        });
        o.ports().forEach((role, ranges) -> {
            int r = roleId(role);
            for (PortRange pr : ranges) {
                if (a.ports[r] == null) {
                    a.ports[r] = new PortSet(List.of());
                    a.offeredPorts[r] = new PortSet(List.of());
                }
                a.ports[r].add(pr.begin(), pr.end());
                a.offeredPorts[r].add(pr.begin(), pr.end());
            }
        });
        if (o.executorIds().contains(config.executorId())) {
            a.executorPresent = true;
        }
        return a.index;
    }

    private void rescale() {
        for (AgentState a : agents) {
            refCpu = Math.max(refCpu, a.totalCpu);
            refMem = Math.max(refMem, a.totalMem);
        }
    }

    int agentCount() {
        return agents.size();
    }

    /**
     * The taints of a Kubernetes node (its cordon as {@link Taint#UNSCHEDULABLE}): they apply to
     * the agents of that node name from now on in this cycle.
     */
    public void taint(String nodeName, List<Taint> taints) {
        for (int i : agentsOnNode(nodeName)) {
            agents.get(i).taints = List.copyOf(taints);
        }
        softTaints |= taints.stream().anyMatch(Taint::discourages);
    }

    /** The Kubernetes node names of the agents, in stable order, each once. */
    public List<String> nodeNames() {
        return agents.stream().map(a -> a.nodeName).distinct().toList();
    }

    /** Whether some agent's node has a PreferNoSchedule taint (placement then ranks every agent). */
    boolean hasSoftTaints() {
        return softTaints;
    }

    /** The node labels of the first agent of that hostname in this cycle; null when none offers. */
    public Map<String, String> labelsOfHost(String hostname) {
        for (int i : agentsOnNode(AgentState.nodeNameOf(hostname))) {
            if (agents.get(i).hostname.equals(hostname)) {
                return agents.get(i).labels;
            }
        }
        return null;
    }

    /** Every agent, in stable order. */
    int[] allAgents() {
        int[] all = new int[agents.size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return all;
    }

    AgentState agent(int i) {
        return agents.get(i);
    }

    PodNeeds needs(PodRequest pod) {
        PodNeeds n = new PodNeeds(pod, roleIds);
        if (pod.podTerms().any() || placed.hasAntiTerms()) {
            n.terms = PodTermsFit.of(pod.podTerms(), placed, key -> domains.of(key, agents));
        }
        return n;
    }

    /**
     * The labels of every Kubernetes node known, beyond the agents of this cycle: the topology domains
     * a spreading pod counts (a domain without any pod counts 0).
     */
    public void knowNodes(List<Map<String, String>> nodeLabels) {
        domains.know(nodeLabels);
    }

    /**
     * A pod already running (or placed) somewhere, with its node's labels: the inter-pod terms of
     * the pods placed after it see it.
     */
    public void addPlaced(PodTerms.Placed p) {
        placed.add(p);
    }

    RoleSetIndex index(PodNeeds n) {
        return indexes.computeIfAbsent(n.roleSetKey, k -> new RoleSetIndex(this, n.roleSet));
    }

    /**
     * Agents whose Kubernetes node name ({@link io.k8sm.contract.NodeNames#toNodeName} of the hostname) is this, in
     * stable order (usually one).
     */
    int[] agentsOnNode(String nodeName) {
        return byNodeName.getOrDefault(nodeName, new int[0]);
    }

    /** Agents carrying the label {@code key=value}, in stable order. */
    int[] agentsWithLabel(String key, String value) {
        if (labelPostings == null) {
            Map<String, List<Integer>> lists = new HashMap<>();
            for (AgentState a : agents) {
                a.labels.forEach((k, v) -> lists.computeIfAbsent(k + "=" + v, x -> new ArrayList<>())
                        .add(a.index));
            }
            labelPostings = new HashMap<>();
            lists.forEach((k, l) ->
                    labelPostings.put(k, l.stream().mapToInt(Integer::intValue).toArray()));
        }
        return labelPostings.getOrDefault(key + "=" + value, new int[0]);
    }

    Fit.Miss check(PodNeeds n, int agent) {
        return Fit.check(n, agents.get(agent), execCpu, execMem);
    }

    /**
     * Takes what the pod needs from the agent (which must fit) and says so in a {@link Placement}.
     */
    Placement commit(PodNeeds n, int agentIndex) {
        AgentState a = agents.get(agentIndex);
        Fit.PortPick pick = n.hasPorts() ? Fit.pickPorts(n, a) : null;
        if (pick != null && pick.miss != null) {
            throw new IllegalStateException("commit of a pod that does not fit: " + pick.miss);
        }
        List<RoleAmount> cpus = draw(a.cpu, n.roleIds, n.cpu);
        List<RoleAmount> mem = draw(a.mem, n.roleIds, n.mem);
        List<RoleAmount> exCpus = List.of();
        List<RoleAmount> exMem = List.of();
        if (!a.executorPresent) {
            exCpus = draw(a.cpu, n.roleIds, execCpu);
            exMem = draw(a.mem, n.roleIds, execMem);
            a.executorPresent = true;
        }
        List<PortMapping> ports = new ArrayList<>(n.mapHostPort.length);
        if (pick != null) {
            for (int i = 0; i < n.mapHostPort.length; i++) {
                a.ports[pick.roles[i]].remove(pick.hostPorts[i]);
                ContainerPort cp =
                        n.pod.containers().get(n.mapContainer[i]).ports().get(n.mapPort[i]);
                ports.add(new PortMapping(
                        n.mapContainer[i],
                        n.mapPort[i],
                        cp.containerPort(),
                        pick.hostPorts[i],
                        cp.protocol(),
                        cp.name(),
                        roleNames.get(pick.roles[i])));
            }
            ports.sort(Comparator.comparingInt(PortMapping::containerIndex).thenComparingInt(PortMapping::portIndex));
        }
        a.used = true;
        addPlaced(new PodTerms.Placed(n.pod.podTerms(), a.labels));
        for (RoleSetIndex idx : indexes.values()) {
            idx.refresh(agentIndex);
        }
        return new Placement(n.pod.podKey(), a.agentId, a.hostname, cpus, mem, ports, exCpus, exMem, a.offerIds);
    }

    /**
     * Draws an amount across the roles in order: all it can from the first, the rest from the next.
     */
    private List<RoleAmount> draw(long[] free, int[] roles, long amount) {
        List<RoleAmount> taken = new ArrayList<>(1);
        long left = amount;
        for (int r : roles) {
            if (left == 0) {
                break;
            }
            long t = Math.min(left, free[r]);
            if (t > 0) {
                free[r] -= t;
                left -= t;
                taken.add(new RoleAmount(roleNames.get(r), Units.fromMilli(t)));
            }
        }
        if (left > 0) {
            throw new IllegalStateException("drew more than was free");
        }
        return taken;
    }

    /** Why the pod fits no agent, aggregated over all agents. */
    Shortfall shortfall(PodNeeds n) {
        Map<Fit.Miss, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < agents.size(); i++) {
            Fit.Miss miss = check(n, i);
            if (miss == null) {
                throw new IllegalStateException("shortfall asked for a pod that fits agent " + agents.get(i).agentId);
            }
            counts.merge(miss, 1, Integer::sum);
        }
        List<Shortfall.Count> reasons = new ArrayList<>();
        counts.forEach((m, c) -> reasons.add(new Shortfall.Count(m.reason(), m.subject(), m.text(), c)));
        reasons.sort(Comparator.comparingInt(Shortfall.Count::offers)
                .reversed()
                .thenComparing(Shortfall.Count::reason)
                .thenComparing(Shortfall.Count::subject)
                .thenComparing(Shortfall.Count::text));
        return new Shortfall(n.pod.podKey(), agents.size(), reasons);
    }

    // ----- views for the topology and for tests

    /** The agents in stable order. */
    public List<String> agentIds() {
        return agents.stream().map(a -> a.agentId).toList();
    }

    /** What is left on an agent. */
    public Optional<AgentRemaining> remaining(String agentId) {
        Integer i = byAgentId.get(agentId);
        if (i == null) {
            return Optional.empty();
        }
        AgentState a = agents.get(i);
        Map<String, Double> cpus = new TreeMap<>();
        Map<String, Double> mem = new TreeMap<>();
        Map<String, List<PortRange>> ports = new TreeMap<>();
        for (int r = 0; r < a.cpu.length; r++) {
            if (a.cpu[r] > 0) {
                cpus.put(roleNames.get(r), Units.fromMilli(a.cpu[r]));
            }
            if (a.mem[r] > 0) {
                mem.put(roleNames.get(r), Units.fromMilli(a.mem[r]));
            }
            PortSet p = a.ports[r];
            if (p != null && !p.isEmpty()) {
                List<PortRange> l = new ArrayList<>();
                for (int g = 0; g < p.rangeCount(); g++) {
                    l.add(new PortRange(p.rangeBegin(g), p.rangeEnd(g)));
                }
                ports.put(roleNames.get(r), l);
            }
        }
        return Optional.of(
                new AgentRemaining(a.agentId, a.hostname, cpus, mem, ports, a.executorPresent, a.used, a.offerIds));
    }

    /** Offers of agents that got a pod this cycle: to be accepted, one ACCEPT per agent. */
    public List<String> usedOfferIds() {
        return agents.stream()
                .filter(a -> a.used)
                .flatMap(a -> a.offerIds.stream())
                .toList();
    }

    /** Offers of agents that got no pod this cycle: still free to hold or decline. */
    public List<String> unusedOfferIds() {
        return agents.stream()
                .filter(a -> !a.used)
                .flatMap(a -> a.offerIds.stream())
                .toList();
    }
}
