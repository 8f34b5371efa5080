package io.k8sm.scheduler.procurement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What is left on one agent in this cycle: its offers pooled, per role id. Mutable; owned by a
 * {@link Cluster}.
 */
final class AgentState {
    final int index;
    final String agentId;
    String hostname;
    /** The Kubernetes node name of {@link #hostname} ({@link io.k8sm.contract.NodeNames#toNodeName}). */
    String nodeName;

    Map<String, String> labels;

    /** The taints of the agent's Kubernetes node (its cordon included); empty when it has none. */
    List<Taint> taints = List.of();

    /** Free cpu per role id, milli-cpus. */
    long[] cpu;

    /** Free mem per role id, milli-MB. */
    long[] mem;

    /** Free ports per role id; null when the role offered none. */
    PortSet[] ports;

    /** Ports ever offered per role id in this cycle (to tell "taken" from "not offered"). */
    PortSet[] offeredPorts;

    boolean executorPresent;
    final List<String> offerIds = new ArrayList<>();

    /** Whether a pod was placed here in this cycle. */
    boolean used;

    long totalCpu;
    long totalMem;

    AgentState(int index, String agentId, int roleCount) {
        this.index = index;
        this.agentId = agentId;
        this.cpu = new long[roleCount];
        this.mem = new long[roleCount];
        this.ports = new PortSet[roleCount];
        this.offeredPorts = new PortSet[roleCount];
    }

    void growRoles(int roleCount) {
        if (cpu.length < roleCount) {
            cpu = java.util.Arrays.copyOf(cpu, roleCount);
            mem = java.util.Arrays.copyOf(mem, roleCount);
            ports = java.util.Arrays.copyOf(ports, roleCount);
            offeredPorts = java.util.Arrays.copyOf(offeredPorts, roleCount);
        }
    }

    /** Whether the agent has anything (cpu, mem or ports) in one of these roles. */
    boolean hasAnyRole(int[] roleIds) {
        for (int r : roleIds) {
            if (cpu[r] > 0 || mem[r] > 0 || offeredPorts[r] != null) {
                return true;
            }
        }
        return false;
    }

    long cpuIn(int[] roleIds) {
        long s = 0;
        for (int r : roleIds) {
            s += cpu[r];
        }
        return s;
    }

    long memIn(int[] roleIds) {
        long s = 0;
        for (int r : roleIds) {
            s += mem[r];
        }
        return s;
    }

    /**
     * The node name the launcher binds pods on this agent to; a hostname that cannot be encoded (blank, too long)
     * keeps itself, which no valid {@code spec.nodeName} equals.
     */
    static String nodeNameOf(String hostname) {
        try {
            return io.k8sm.contract.NodeNames.toNodeName(hostname);
        } catch (IllegalArgumentException e) {
            return hostname == null ? "" : hostname;
        }
    }
}
