package io.k8sm.launcher.source;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
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
                Map<String, Quantity> requests =
                        c.getResources() == null || c.getResources().getRequests() == null
                                ? Map.of()
                                : c.getResources().getRequests();
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
                        .setCpuLimit(cores(limits.get("cpu")))
                        .setMemLimitBytes(bytes(limits.get("memory")))
                        .setCpuRequest(cores(requests.get("cpu")))
                        .setMemRequestBytes(bytes(requests.get("memory")))
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
                .setNodeAffinity(spec == null ? null : PodConstraints.nodeAffinity(spec.getAffinity()))
                .setPodAffinity(spec == null ? null : PodConstraints.podAffinity(spec.getAffinity()))
                .setPodAntiAffinity(spec == null ? null : PodConstraints.podAntiAffinity(spec.getAffinity()))
                .setSchedulingGates(PodConstraints.schedulingGates(spec))
                .setTopologySpreadConstraints(PodConstraints.spread(spec))
                .setTolerations(spec == null ? new ArrayList<>() : PodConstraints.tolerations(spec.getTolerations()))
                .setPriority(spec == null ? null : spec.getPriority())
                .build();
    }

    private static Double cores(Quantity q) {
        return q == null ? null : Quantity.getAmountInBytes(q).doubleValue();
    }

    private static Long bytes(Quantity q) {
        return q == null ? null : Quantity.getAmountInBytes(q).longValue();
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
