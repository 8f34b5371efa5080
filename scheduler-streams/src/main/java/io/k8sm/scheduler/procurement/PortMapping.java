package io.k8sm.scheduler.procurement;

/**
 * One container port mapped to a host port.
 *
 * @param containerIndex index of the container in the pod
 * @param portIndex index of the port in the container
 * @param containerPort the container port
 * @param hostPort the host port taken from the offer
 * @param protocol the port's protocol
 * @param name the port's name (may be empty)
 * @param role the role of the offered port range it came from
 */
public record PortMapping(
        int containerIndex,
        int portIndex,
        int containerPort,
        int hostPort,
        String protocol,
        String name,
        String role) {}
