package io.k8sm.scheduler.procurement;

import java.util.List;

/**
 * One container of a pod and what it is placed by: its requests, as Kubernetes defines them (a
 * container that sets no request requests its limit; one that sets neither gets the configured
 * defaults).
 *
 * @param name container name
 * @param cpus cpu placed by (request, else limit, else default)
 * @param memMb memory placed by, in MB
 * @param ports the container's ports, in manifest order
 */
public record ContainerRequest(String name, double cpus, double memMb, List<ContainerPort> ports) {
    public ContainerRequest {
        name = name == null ? "" : name;
        ports = List.copyOf(ports);
        if (!(cpus >= 0) || !(memMb >= 0) || Double.isInfinite(cpus) || Double.isInfinite(memMb)) {
            throw new IllegalArgumentException("limits must be finite and >= 0: cpu " + cpus + ", mem " + memMb);
        }
    }

    /**
     * A container placed by these amounts (its requests, else its limits); absent ones ({@code null})
     * become the configured defaults.
     */
    public static ContainerRequest withLimits(
            String name, Double cpuLimit, Double memLimitMb, List<ContainerPort> ports, ProcurementConfig config) {
        return new ContainerRequest(
                name,
                cpuLimit == null ? config.defaultContainerCpus() : cpuLimit,
                memLimitMb == null ? config.defaultContainerMemMb() : memLimitMb,
                ports);
    }
}
