package io.k8sm.endpoints;

import io.k8sm.contract.PodAnnotations;
import java.util.Comparator;
import java.util.Objects;

/** One endpoint port: the service port's name, the port to dial, its protocol. */
public record PortSpec(String name, int port, String protocol, String appProtocol) {

    static final Comparator<PortSpec> ORDER = Comparator.comparing((PortSpec p) -> Objects.toString(p.name(), ""))
            .thenComparing(p -> Objects.toString(p.protocol(), ""))
            .thenComparingInt(PortSpec::port)
            .thenComparing(p -> Objects.toString(p.appProtocol(), ""));

    public PortSpec {
        name = name == null ? "" : name;
        protocol = PodAnnotations.normalizeProtocol(protocol);
    }
}
