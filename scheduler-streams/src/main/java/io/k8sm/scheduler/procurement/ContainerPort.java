package io.k8sm.scheduler.procurement;

import java.util.Objects;

/**
 * A container port of a pod.
 *
 * @param name the port's name, may be empty
 * @param containerPort the port inside the container
 * @param hostPort the wanted host port; 0 = none (pod-private in fixed mode, any free port in
 *     wildcard mode)
 * @param protocol TCP, UDP or SCTP
 */
public record ContainerPort(String name, int containerPort, int hostPort, String protocol) {
    public ContainerPort {
        name = name == null ? "" : name;
        protocol = protocol == null || protocol.isEmpty() ? "TCP" : protocol;
        if (hostPort < 0 || hostPort > 65535) {
            throw new IllegalArgumentException("host port out of range: " + hostPort);
        }
        Objects.requireNonNull(protocol);
    }
}
