package io.k8sm.launcher;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.k8sm.avro.LaunchRequest;
import io.k8sm.avro.PortMapping;
import io.k8sm.avro.Protocol;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.RegistryTaskState;
import io.k8sm.avro.Resource;
import io.k8sm.avro.TaskFlags;
import io.k8sm.avro.TaskSpec;
import io.k8sm.avro.ValueType;
import io.k8sm.launcher.source.PodSnapshots;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Pods and launch requests for the tests. */
final class Fixtures {
    static final String NS = "default";

    private Fixtures() {}

    /** A pod of ours: one container "web" with ports 8080/TCP (named http) and 53/UDP. */
    static Pod pod(String name, String uid) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(NS)
                .withUid(uid)
                .addToAnnotations("team", "blue")
                .addToLabels("app", "web")
                .endMetadata()
                .withNewSpec()
                .withSchedulerName("k8sm")
                .addNewContainer()
                .withName("web")
                .withImage("nginx")
                .addNewPort()
                .withName("http")
                .withContainerPort(8080)
                .withProtocol("TCP")
                .endPort()
                .addNewPort()
                .withContainerPort(53)
                .withProtocol("UDP")
                .endPort()
                .endContainer()
                .endSpec()
                .build();
    }

    static Resource scalar(String name, double v) {
        return Resource.newBuilder()
                .setName(name)
                .setType(ValueType.SCALAR)
                .setScalar(v)
                .build();
    }

    static TaskSpec spec(String agentId, String host, List<String> offerIds) {
        return TaskSpec.newBuilder()
                .setAgentId(agentId)
                .setAssignedSlave(host)
                .setResources(List.of(scalar("cpus", 0.25), scalar("mem", 64)))
                .setPortMap(List.of(
                        PortMapping.newBuilder()
                                .setContainerIndex(0)
                                .setPortIndex(0)
                                .setContainerName("web")
                                .setContainerPort(8080)
                                .setHostPort(31000)
                                .setProtocol(Protocol.TCP)
                                .setPortName("http")
                                .build(),
                        PortMapping.newBuilder()
                                .setContainerIndex(0)
                                .setPortIndex(1)
                                .setContainerName("web")
                                .setContainerPort(53)
                                .setHostPort(31001)
                                .setProtocol(Protocol.UDP)
                                .build()))
                .setRoles(List.of("*"))
                .setExecutorId("k8sm-executor")
                .setExecutorResources(List.of(scalar("cpus", 0.25), scalar("mem", 128)))
                .setOfferIds(offerIds)
                .build();
    }

    static LaunchRequest request(String taskId, Pod pod, TaskSpec spec) {
        RegistryTask task = RegistryTask.newBuilder()
                .setId(taskId)
                .setPodKey(NS + "/" + pod.getMetadata().getName())
                .setPodUid(pod.getMetadata().getUid())
                .setState(RegistryTaskState.PENDING)
                .setFlags(new TaskFlags(false, false, false))
                .setSpec(spec)
                .setOfferId(spec == null ? null : spec.getOfferIds().get(0))
                .setCreateTime(Instant.EPOCH)
                .setUpdateTime(Instant.EPOCH)
                .build();
        return new LaunchRequest(taskId, task, PodSnapshots.from(pod));
    }

    static LaunchRequest request(String taskId, Pod pod) {
        return request(taskId, pod, spec("agent-1", "host-1", List.of("offer-1")));
    }

    static Map<String, String> map(String... kv) {
        java.util.Map<String, String> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }
}
