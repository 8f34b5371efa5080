package io.k8sm.endpoints;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointAddressBuilder;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.EndpointSubsetBuilder;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.EndpointsBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Between the canonical states and fabric8's objects. Reading an object keeps only what this
 * controller writes (no resourceVersion, uid, timestamps, managedFields, annotations), so equal
 * states mean nothing to write; writing one starts from the current object to keep what others set.
 */
public final class KubeObjects {

    private KubeObjects() {}

    // ---- Endpoints

    public static EndpointsState fromEndpoints(Endpoints e) {
        ObjectMeta m = e.getMetadata();
        List<EndpointsReconciler.Entry> entries = new ArrayList<>();
        for (EndpointSubset s : nullToEmpty(e.getSubsets())) {
            List<PortSpec> ports = new ArrayList<>();
            for (EndpointPort p : nullToEmpty(s.getPorts())) {
                ports.add(new PortSpec(
                        p.getName(), p.getPort() == null ? 0 : p.getPort(), p.getProtocol(), p.getAppProtocol()));
            }
            ports.sort(PortSpec.ORDER);
            List<PortSpec> frozen = List.copyOf(ports);
            for (EndpointAddress a : nullToEmpty(s.getAddresses())) {
                entries.add(new EndpointsReconciler.Entry(address(a), true, frozen));
            }
            for (EndpointAddress a : nullToEmpty(s.getNotReadyAddresses())) {
                entries.add(new EndpointsReconciler.Entry(address(a), false, frozen));
            }
        }
        return new EndpointsState(
                m.getNamespace(), m.getName(), labels(m), owner(m), EndpointsReconciler.pack(entries));
    }

    /** The object to write: {@code base} (the current object, or null to create) with our state. */
    public static Endpoints toEndpoints(EndpointsState s, Endpoints base) {
        EndpointsBuilder b = base == null ? new EndpointsBuilder() : new EndpointsBuilder(base);
        b.editOrNewMetadata()
                .withNamespace(s.namespace())
                .withName(s.name())
                .withLabels(new TreeMap<>(s.labels()))
                .withOwnerReferences(ownerReferences(s.owner()))
                .endMetadata();
        List<EndpointSubset> subsets = new ArrayList<>(s.subsets().size());
        for (Subset sub : s.subsets()) {
            subsets.add(new EndpointSubsetBuilder()
                    .withAddresses(sub.ready().stream()
                            .map(KubeObjects::endpointAddress)
                            .toList())
                    .withNotReadyAddresses(sub.notReady().stream()
                            .map(KubeObjects::endpointAddress)
                            .toList())
                    .withPorts(sub.ports().stream()
                            .map(p -> new EndpointPort(p.appProtocol(), emptyToNull(p.name()), p.port(), p.protocol()))
                            .toList())
                    .build());
        }
        return b.withSubsets(subsets).build();
    }

    // ---- EndpointSlices

    public static SliceState fromSlice(EndpointSlice e) {
        ObjectMeta m = e.getMetadata();
        List<PortSpec> ports = new ArrayList<>();
        for (var p : nullToEmpty(e.getPorts())) {
            ports.add(new PortSpec(
                    p.getName(), p.getPort() == null ? 0 : p.getPort(), p.getProtocol(), p.getAppProtocol()));
        }
        ports.sort(PortSpec.ORDER);
        List<SliceEndpointSpec> eps = new ArrayList<>();
        for (Endpoint ep : nullToEmpty(e.getEndpoints())) {
            boolean ready = ep.getConditions() == null
                    || ep.getConditions().getReady() == null
                    || ep.getConditions().getReady();
            for (String address : nullToEmpty(ep.getAddresses())) {
                eps.add(new SliceEndpointSpec(
                        address, ready, ep.getNodeName(), ep.getHostname(), targetRef(ep.getTargetRef())));
            }
        }
        eps.sort(SliceEndpointSpec.ORDER);
        return new SliceState(m.getNamespace(), m.getName(), e.getAddressType(), labels(m), owner(m), ports, eps);
    }

    public static EndpointSlice toSlice(SliceState s, EndpointSlice base) {
        EndpointSliceBuilder b = base == null ? new EndpointSliceBuilder() : new EndpointSliceBuilder(base);
        b.editOrNewMetadata()
                .withNamespace(s.namespace())
                .withName(s.name())
                .withLabels(new TreeMap<>(s.labels()))
                .withOwnerReferences(ownerReferences(s.owner()))
                .endMetadata();
        b.withAddressType(s.addressType());
        b.withPorts(s.ports().stream()
                .map(p -> new io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort(
                        p.appProtocol(), emptyToNull(p.name()), p.port(), p.protocol()))
                .toList());
        List<Endpoint> eps = new ArrayList<>(s.endpoints().size());
        for (SliceEndpointSpec ep : s.endpoints()) {
            eps.add(new EndpointBuilder()
                    .withAddresses(ep.address())
                    .withNewConditions()
                    .withReady(ep.ready())
                    .withServing(ep.ready())
                    .withTerminating(false)
                    .endConditions()
                    .withNodeName(ep.nodeName())
                    .withHostname(ep.hostname())
                    .withTargetRef(objectReference(ep.pod()))
                    .build());
        }
        return b.withEndpoints(eps).build();
    }

    // ---- pieces

    private static Address address(EndpointAddress a) {
        return new Address(a.getIp(), a.getNodeName(), a.getHostname(), targetRef(a.getTargetRef()));
    }

    private static EndpointAddress endpointAddress(Address a) {
        return new EndpointAddressBuilder()
                .withIp(a.ip())
                .withNodeName(a.nodeName())
                .withHostname(a.hostname())
                .withTargetRef(objectReference(a.pod()))
                .build();
    }

    private static TargetRef targetRef(ObjectReference r) {
        return r == null ? null : new TargetRef(r.getNamespace(), r.getName(), r.getUid(), r.getResourceVersion());
    }

    private static ObjectReference objectReference(TargetRef t) {
        return t == null
                ? null
                : new ObjectReferenceBuilder()
                        .withKind("Pod")
                        .withNamespace(t.namespace())
                        .withName(t.name())
                        .withUid(t.uid())
                        .withResourceVersion(t.resourceVersion())
                        .build();
    }

    private static List<OwnerReference> ownerReferences(Owner o) {
        return o == null
                ? List.of()
                : List.of(new OwnerReferenceBuilder()
                        .withApiVersion("v1")
                        .withKind("Service")
                        .withName(o.name())
                        .withUid(o.uid())
                        .withController(true)
                        .withBlockOwnerDeletion(true)
                        .build());
    }

    private static Owner owner(ObjectMeta m) {
        return nullToEmpty(m.getOwnerReferences()).stream()
                .filter(r -> "Service".equals(r.getKind()) && Boolean.TRUE.equals(r.getController()))
                .min(Comparator.comparing(OwnerReference::getName))
                .map(r -> new Owner(r.getName(), r.getUid()))
                .orElse(null);
    }

    private static Map<String, String> labels(ObjectMeta m) {
        return m.getLabels() == null ? Map.of() : m.getLabels();
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    private static <T> List<T> nullToEmpty(List<T> l) {
        return l == null ? List.of() : l;
    }
}
