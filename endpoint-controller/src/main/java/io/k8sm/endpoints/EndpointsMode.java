package io.k8sm.endpoints;

import java.util.Locale;

/** How an endpoint address and port are chosen for a pod. */
public enum EndpointsMode {
    /** Address = the pod's host IP, port = the Mesos host port from the pod's port annotations. */
    HOSTPORT,
    /** Address = the pod IP, port = the container port: what Kubernetes' own controller writes. */
    VANILLA;

    /** The configuration spelling, {@code hostport} or {@code vanilla}. */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static EndpointsMode parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
