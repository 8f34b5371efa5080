package io.k8sm.scheduler.procurement;

import java.util.List;

/**
 * Where a pod goes and what it takes: the procurement result that becomes the task's Spec.
 *
 * @param podKey the pod
 * @param agentId the agent
 * @param hostname the agent's hostname, the future {@code Spec.assignedSlave}
 * @param cpus the pod's cpus, per role in draw order
 * @param memMb the pod's mem (MB), per role in draw order
 * @param ports the port map
 * @param executorCpus cpus taken for our executor (empty when the agent already had it)
 * @param executorMemMb mem taken for our executor (empty when the agent already had it)
 * @param offerIds the offers of the agent this placement draws on (one ACCEPT per agent and cycle)
 */
public record Placement(
        String podKey,
        String agentId,
        String hostname,
        List<RoleAmount> cpus,
        List<RoleAmount> memMb,
        List<PortMapping> ports,
        List<RoleAmount> executorCpus,
        List<RoleAmount> executorMemMb,
        List<String> offerIds)
        implements PlacementResult {
    public Placement {
        cpus = List.copyOf(cpus);
        memMb = List.copyOf(memMb);
        ports = List.copyOf(ports);
        executorCpus = List.copyOf(executorCpus);
        executorMemMb = List.copyOf(executorMemMb);
        offerIds = List.copyOf(offerIds);
    }

    /** Whether executor resources were charged (the agent had no executor of ours yet). */
    public boolean executorCharged() {
        return !executorCpus.isEmpty() || !executorMemMb.isEmpty();
    }

    public double totalCpus() {
        return cpus.stream().mapToDouble(RoleAmount::amount).sum();
    }

    public double totalMemMb() {
        return memMb.stream().mapToDouble(RoleAmount::amount).sum();
    }
}
