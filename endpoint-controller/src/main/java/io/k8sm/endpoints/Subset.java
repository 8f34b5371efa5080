package io.k8sm.endpoints;

import java.util.List;

/** An Endpoints subset: every address in it serves every port in it. */
public record Subset(List<Address> ready, List<Address> notReady, List<PortSpec> ports) {
    public Subset {
        ready = List.copyOf(ready);
        notReady = List.copyOf(notReady);
        ports = List.copyOf(ports);
    }
}
