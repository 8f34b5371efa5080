package io.k8sm.endpoints;

import java.util.Comparator;
import java.util.Objects;

/** One endpoint of a slice (conditions: ready = serving = {@code ready}, terminating = false). */
public record SliceEndpointSpec(String address, boolean ready, String nodeName, String hostname, TargetRef pod) {

    static final Comparator<SliceEndpointSpec> ORDER = Comparator.comparing(SliceEndpointSpec::address)
            .thenComparing(e -> e.pod() == null ? "" : Objects.toString(e.pod().name(), ""))
            .thenComparing(e -> Objects.toString(e.nodeName(), ""))
            .thenComparing(e -> Objects.toString(e.hostname(), ""))
            .thenComparing(SliceEndpointSpec::ready);
}
