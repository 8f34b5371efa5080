package io.k8sm.endpoints;

import java.util.List;
import java.util.Map;

/** What an EndpointSlice says, in canonical form (see {@link EndpointsState}). */
public record SliceState(
        String namespace,
        String name,
        String addressType,
        Map<String, String> labels,
        Owner owner,
        List<PortSpec> ports,
        List<SliceEndpointSpec> endpoints) {
    public SliceState {
        labels = Map.copyOf(labels);
        ports = List.copyOf(ports);
        endpoints = List.copyOf(endpoints);
    }

    public String key() {
        return namespace + "/" + name;
    }
}
