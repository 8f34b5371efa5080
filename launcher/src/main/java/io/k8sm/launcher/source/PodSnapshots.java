package io.k8sm.launcher.source;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSchedulingGate;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.k8sm.avro.Container;
import io.k8sm.avro.PodPhase;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.Protocol;
import io.k8sm.launcher.prepare.LaunchPreparer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Kubernetes pod → {@link PodSnapshot} (the Avro fields plus the full manifest JSON). Pure. */
public final class PodSnapshots {
    private PodSnapshots() {}

    public static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    public static PodSnapshot from(Pod pod) {
        var meta = pod.getMetadata();
        var spec = pod.getSpec();
        var status = pod.getStatus();
        List<Container> containers = new ArrayList<>();
        if (spec != null && spec.getContainers() != null) {
            for (var c : spec.getContainers()) {
                Map<String, Quantity> limits =
                        c.getResources() == null || c.getResources().getLimits() == null
                                ? Map.of()
                                : c.getResources().getLimits();
                List<io.k8sm.avro.ContainerPort> ports = new ArrayList<>();
                if (c.getPorts() != null) {
                    for (ContainerPort p : c.getPorts()) {
                        ports.add(io.k8sm.avro.ContainerPort.newBuilder()
                                .setName(p.getName())
                                .setContainerPort(p.getContainerPort() == null ? 0 : p.getContainerPort())
                                .setHostPort(p.getHostPort() == null ? 0 : p.getHostPort())
                                .setProtocol(protocol(p.getProtocol()))
                                .build());
                    }
                }
                containers.add(Container.newBuilder()
                        .setName(c.getName())
                        .setImage(c.getImage())
                        .setCpuLimit(
                                limits.containsKey("cpu")
                                        ? Quantity.getAmountInBytes(limits.get("cpu"))
                                                .doubleValue()
                                        : null)
                        .setMemLimitBytes(
                                limits.containsKey("memory")
                                        ? Quantity.getAmountInBytes(limits.get("memory"))
                                                .longValue()
                                        : null)
                        .setPorts(ports)
                        .build());
            }
        }
        return PodSnapshot.newBuilder()
                .setUid(meta.getUid() == null ? "" : meta.getUid())
                .setNamespace(meta.getNamespace())
                .setName(meta.getName())
                .setResourceVersion(meta.getResourceVersion() == null ? "" : meta.getResourceVersion())
                .setSchedulerName(spec == null ? null : spec.getSchedulerName())
                .setLabels(copy(meta.getLabels()))
                .setAnnotations(copy(meta.getAnnotations()))
                .setNodeName(spec == null || blank(spec.getNodeName()) ? null : spec.getNodeName())
                .setNodeSelector(spec == null ? new HashMap<>() : copy(spec.getNodeSelector()))
                .setContainers(containers)
                .setPhase(status == null ? null : phase(status.getPhase()))
                .setHostIP(status == null ? null : status.getHostIP())
                .setPodIP(status == null ? null : status.getPodIP())
                .setReady(isReady(pod))
                .setDeletionTimestamp(
                        blank(meta.getDeletionTimestamp()) ? null : Instant.parse(meta.getDeletionTimestamp()))
                .setManifest(LaunchPreparer.json().asJson(pod))
                .setNodeAffinity(spec == null ? null : nodeAffinity(spec.getAffinity()))
                .setSchedulingGates(schedulingGates(spec))
                .setTolerations(spec == null ? new ArrayList<>() : tolerations(spec.getTolerations()))
                .build();
    }

    private static List<io.k8sm.avro.Toleration> tolerations(List<Toleration> ts) {
        List<io.k8sm.avro.Toleration> out = new ArrayList<>();
        for (Toleration t : orEmpty(ts)) {
            out.add(new io.k8sm.avro.Toleration(
                    t.getKey(),
                    t.getOperator() == null || t.getOperator().isEmpty() ? "Equal" : t.getOperator(),
                    t.getValue(),
                    t.getEffect(),
                    t.getTolerationSeconds()));
        }
        return out;
    }

    /** The pod's node affinity in the snapshot's terms; null when it has none. */
    static io.k8sm.avro.NodeAffinity nodeAffinity(Affinity affinity) {
        NodeAffinity a = affinity == null ? null : affinity.getNodeAffinity();
        if (a == null) {
            return null;
        }
        NodeSelector required = a.getRequiredDuringSchedulingIgnoredDuringExecution();
        List<io.k8sm.avro.PreferredSchedulingTerm> preferred = new ArrayList<>();
        for (PreferredSchedulingTerm p : orEmpty(a.getPreferredDuringSchedulingIgnoredDuringExecution())) {
            preferred.add(new io.k8sm.avro.PreferredSchedulingTerm(
                    p.getWeight() == null ? 0 : p.getWeight(), term(p.getPreference())));
        }
        return new io.k8sm.avro.NodeAffinity(
                required == null
                        ? null
                        : orEmpty(required.getNodeSelectorTerms()).stream()
                                .map(PodSnapshots::term)
                                .toList(),
                preferred);
    }

    private static io.k8sm.avro.NodeSelectorTerm term(NodeSelectorTerm t) {
        return t == null
                ? new io.k8sm.avro.NodeSelectorTerm(List.of(), List.of())
                : new io.k8sm.avro.NodeSelectorTerm(
                        requirements(t.getMatchExpressions()), requirements(t.getMatchFields()));
    }

    private static List<io.k8sm.avro.NodeSelectorRequirement> requirements(List<NodeSelectorRequirement> rs) {
        List<io.k8sm.avro.NodeSelectorRequirement> out = new ArrayList<>();
        for (NodeSelectorRequirement r : orEmpty(rs)) {
            out.add(new io.k8sm.avro.NodeSelectorRequirement(
                    r.getKey() == null ? "" : r.getKey(),
                    r.getOperator() == null ? "" : r.getOperator(),
                    new ArrayList<>(orEmpty(r.getValues()))));
        }
        return out;
    }

    private static List<String> schedulingGates(PodSpec spec) {
        List<String> gates = new ArrayList<>();
        if (spec != null) {
            for (PodSchedulingGate g : orEmpty(spec.getSchedulingGates())) {
                gates.add(g.getName() == null ? "" : g.getName());
            }
        }
        return gates;
    }

    private static <T> List<T> orEmpty(List<T> l) {
        return l == null ? List.of() : l;
    }

    static boolean isReady(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition c : pod.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    private static PodPhase phase(String phase) {
        if (phase == null) {
            return null;
        }
        for (PodPhase p : PodPhase.values()) {
            if (p.name().equals(phase)) {
                return p;
            }
        }
        return PodPhase.Unknown;
    }

    private static Protocol protocol(String p) {
        if (p == null) {
            return Protocol.TCP;
        }
        return switch (p) {
            case "UDP" -> Protocol.UDP;
            case "SCTP" -> Protocol.SCTP;
            default -> Protocol.TCP;
        };
    }

    private static Map<String, String> copy(Map<String, String> m) {
        return m == null ? new HashMap<>() : new HashMap<>(m);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
