package io.k8sm.scheduler.procurement;

import java.util.List;

/**
 * One container of a pod, its limits already resolved (absent limits replaced by the configured
 * defaults).
 *
 * @param name container name
 * @param cpus cpu limit
 * @param memMb memory limit in MB
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

    /** A container whose absent limits ({@code null}) become the configured defaults. */
    public static ContainerRequest withLimits(
            String name, Double cpuLimit, Double memLimitMb, List<ContainerPort> ports, ProcurementConfig config) {
        return new ContainerRequest(
                name,
                cpuLimit == null ? config.defaultContainerCpus() : cpuLimit,
                memLimitMb == null ? config.defaultContainerMemMb() : memLimitMb,
                ports);
    }
}
