package io.k8sm.scheduler.procurement;

import java.util.List;
import java.util.Objects;

/**
 * Procurement settings, defaults from the original scheduler.
 *
 * @param frameworkRoles roles the framework is registered with; a pod's roles annotation is
 *     intersected with them
 * @param defaultPodRoles roles of a pod without the roles annotation [{@code *}]
 * @param defaultPortMapping port mapping of a pod without the portMapping annotation [wildcard]
 * @param defaultContainerCpus cpu of a container without a cpu limit [0.25]
 * @param defaultContainerMemMb mem of a container without a memory limit [64 MB]
 * @param executorCpus cpu charged for our executor on an agent that has none yet [0.25]
 * @param executorMemMb mem charged for our executor on an agent that has none yet [128 MB]
 * @param executorId the id of our executor, as listed in an offer's executor ids
 * @param policy the placement policy [first-fit]
 */
public record ProcurementConfig(
        List<String> frameworkRoles,
        List<String> defaultPodRoles,
        PortMappingMode defaultPortMapping,
        double defaultContainerCpus,
        double defaultContainerMemMb,
        double executorCpus,
        double executorMemMb,
        String executorId,
        PlacementPolicy policy) {

    public static final String DEFAULT_EXECUTOR_ID = "k8sm-executor";

    public ProcurementConfig {
        frameworkRoles = List.copyOf(frameworkRoles);
        defaultPodRoles = List.copyOf(defaultPodRoles);
        Objects.requireNonNull(defaultPortMapping, "defaultPortMapping");
        Objects.requireNonNull(executorId, "executorId");
        Objects.requireNonNull(policy, "policy");
        requireNonNegative(defaultContainerCpus, "defaultContainerCpus");
        requireNonNegative(defaultContainerMemMb, "defaultContainerMemMb");
        requireNonNegative(executorCpus, "executorCpus");
        requireNonNegative(executorMemMb, "executorMemMb");
    }

    /**
     * The original scheduler's defaults: roles [*], wildcard ports, 0.25 cpu / 64 MB per container,
     * executor 0.25 / 128 MB.
     */
    public static ProcurementConfig defaults() {
        return new ProcurementConfig(
                List.of("*"),
                List.of("*"),
                PortMappingMode.WILDCARD,
                0.25,
                64,
                0.25,
                128,
                DEFAULT_EXECUTOR_ID,
                PlacementPolicy.FIRST_FIT);
    }

    public ProcurementConfig withPolicy(PlacementPolicy p) {
        return new ProcurementConfig(
                frameworkRoles,
                defaultPodRoles,
                defaultPortMapping,
                defaultContainerCpus,
                defaultContainerMemMb,
                executorCpus,
                executorMemMb,
                executorId,
                p);
    }

    public ProcurementConfig withFrameworkRoles(List<String> roles) {
        return new ProcurementConfig(
                roles,
                defaultPodRoles,
                defaultPortMapping,
                defaultContainerCpus,
                defaultContainerMemMb,
                executorCpus,
                executorMemMb,
                executorId,
                policy);
    }

    public ProcurementConfig withDefaultPortMapping(PortMappingMode mode) {
        return new ProcurementConfig(
                frameworkRoles,
                defaultPodRoles,
                mode,
                defaultContainerCpus,
                defaultContainerMemMb,
                executorCpus,
                executorMemMb,
                executorId,
                policy);
    }

    private static void requireNonNegative(double v, String name) {
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a finite number >= 0: " + v);
        }
    }
}
