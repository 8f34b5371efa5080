package io.k8sm.scheduler.procurement;

import java.util.List;
import java.util.Map;

/**
 * A snapshot of what is left on one agent of a {@link Cluster}.
 *
 * @param agentId the agent
 * @param hostname its hostname
 * @param cpus free cpus per role (roles with none left omitted)
 * @param memMb free mem per role (roles with none left omitted)
 * @param ports free port ranges per role
 * @param executorPresent whether our executor runs there (or will, after a placement of this cycle)
 * @param used whether a pod was placed there in this cycle
 * @param offerIds the agent's offers in this cycle
 */
public record AgentRemaining(
        String agentId,
        String hostname,
        Map<String, Double> cpus,
        Map<String, Double> memMb,
        Map<String, List<PortRange>> ports,
        boolean executorPresent,
        boolean used,
        List<String> offerIds) {
    public AgentRemaining {
        cpus = Map.copyOf(cpus);
        memMb = Map.copyOf(memMb);
        ports = Map.copyOf(ports);
        offerIds = List.copyOf(offerIds);
    }

    public double totalCpus() {
        return cpus.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    public double totalMemMb() {
        return memMb.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}
