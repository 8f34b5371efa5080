package io.k8sm.endpoints;

import java.util.Comparator;
import java.util.Objects;

/** One endpoint address: the IP to dial, the pod's node and optional hostname, the pod. */
public record Address(String ip, String nodeName, String hostname, TargetRef pod) {

    static final Comparator<Address> ORDER = Comparator.comparing(Address::ip)
            .thenComparing(a -> a.pod() == null ? "" : Objects.toString(a.pod().name(), ""))
            .thenComparing(a -> Objects.toString(a.nodeName(), ""))
            .thenComparing(a -> Objects.toString(a.hostname(), ""));
}
