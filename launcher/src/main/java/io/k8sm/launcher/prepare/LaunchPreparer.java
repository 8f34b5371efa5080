package io.k8sm.launcher.prepare;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.k8sm.avro.CommandSpec;
import io.k8sm.avro.ExecutorSpec;
import io.k8sm.avro.ExecutorType;
import io.k8sm.avro.LaunchRequest;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.PortMapping;
import io.k8sm.avro.Protocol;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.Resource;
import io.k8sm.avro.TaskLaunch;
import io.k8sm.avro.TaskSpec;
import io.k8sm.contract.PodAnnotations;
import io.k8sm.contract.TaskLabels;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * {@code prepareTaskForLaunch}: the one place where the {@code k8s.mesosphere.io/bindingHost}
 * annotation is created. A pure function: no I/O, no clock; the input request and its pod snapshot
 * are never changed (every map and list of the result is a new one).
 *
 * <p>The launch is one Mesos task per pod (a LAUNCH operation) run by the task's custom executor
 * ({@code Spec.executorId}, with {@code Spec.executorResources}), whose data is the annotated pod
 * manifest; see the module README for why not a LAUNCH_GROUP.
 */
public final class LaunchPreparer {

    private static final KubernetesSerialization JSON = new KubernetesSerialization();

    private LaunchPreparer() {}

    /** The JSON mapper the launcher uses for manifests. */
    public static KubernetesSerialization json() {
        return JSON;
    }

    /**
     * Prepares the launch of a request's task.
     *
     * @param request the scheduler's launch request (task with Spec, pod snapshot with manifest)
     * @param executorCommand the command starting the custom executor
     * @throws LaunchRejectedException when the request cannot be turned into a launch (the message
     *     says why)
     */
    public static PreparedLaunch prepareTaskForLaunch(LaunchRequest request, String executorCommand)
            throws LaunchRejectedException {
        Objects.requireNonNull(request, "request");
        String taskId = request.getTaskId();
        RegistryTask task = request.getTask();
        PodSnapshot snapshot = request.getPod();
        if (taskId == null || taskId.isBlank()) {
            throw new LaunchRejectedException("launch request without a task id");
        }
        if (snapshot == null) {
            throw new LaunchRejectedException("launch request for task " + taskId + " carries no pod");
        }
        String podKey = snapshot.getNamespace() + "/" + snapshot.getName();
        if (task == null || task.getSpec() == null) {
            throw new LaunchRejectedException(
                    "task " + taskId + " of pod " + podKey + " has no spec (it was never placed)");
        }
        TaskSpec spec = task.getSpec();
        if (blank(spec.getAssignedSlave()) || blank(spec.getAgentId())) {
            throw new LaunchRejectedException("task "
                    + taskId
                    + " has no assigned agent (agentId '"
                    + spec.getAgentId()
                    + "', assignedSlave '"
                    + spec.getAssignedSlave()
                    + "')");
        }
        List<String> offerIds = new ArrayList<>(spec.getOfferIds());
        if (offerIds.isEmpty() && !blank(task.getOfferId())) {
            offerIds.add(task.getOfferId());
        }
        if (offerIds.isEmpty()) {
            throw new LaunchRejectedException("task " + taskId + " holds no offer");
        }
        if (!blank(snapshot.getNodeName()) && !snapshot.getNodeName().equals(spec.getAssignedSlave())) {
            throw new LaunchRejectedException("pod "
                    + podKey
                    + " is already bound to node "
                    + snapshot.getNodeName()
                    + ", not "
                    + spec.getAssignedSlave());
        }
        Pod manifest = parseManifest(snapshot, podKey);
        List<Container> containers = manifest.getSpec().getContainers();

        Map<String, String> added = new LinkedHashMap<>();
        added.put(PodAnnotations.BINDING_HOST, spec.getAssignedSlave());
        added.put(PodAnnotations.TASK_ID, taskId);
        added.put(PodAnnotations.SLAVE_ID, spec.getAgentId());
        added.put(PodAnnotations.OFFER_ID, blank(task.getOfferId()) ? offerIds.get(0) : task.getOfferId());
        added.put(PodAnnotations.EXECUTOR_ID, spec.getExecutorId());

        // Host ports: validated against the manifest, written into the manifest's copy and the new
        // snapshot.
        Map<Integer, Map<Integer, Integer>> hostPorts = new HashMap<>();
        for (PortMapping m : spec.getPortMap()) {
            ContainerPort port = portOf(containers, m, podKey);
            if (m.getHostPort() <= 0 || m.getHostPort() > 65535) {
                throw new LaunchRejectedException("port map of pod "
                        + podKey
                        + " gives container "
                        + m.getContainerName()
                        + " port "
                        + m.getContainerPort()
                        + " the invalid host port "
                        + m.getHostPort());
            }
            port.setHostPort(m.getHostPort());
            hostPorts
                    .computeIfAbsent(m.getContainerIndex(), k -> new HashMap<>())
                    .put(m.getPortIndex(), m.getHostPort());
            Protocol proto = m.getProtocol() == null ? Protocol.TCP : m.getProtocol();
            added.put(PodAnnotations.port(proto, m.getContainerPort()), Integer.toString(m.getHostPort()));
            String name = !blank(m.getPortName()) ? m.getPortName() : port.getName();
            if (!blank(name)) {
                added.put(PodAnnotations.portName(proto, name), Integer.toString(m.getHostPort()));
            }
        }

        Map<String, String> manifestAnnotations = new LinkedHashMap<>();
        if (manifest.getMetadata().getAnnotations() != null) {
            manifestAnnotations.putAll(manifest.getMetadata().getAnnotations());
        }
        manifestAnnotations.putAll(added);
        manifest.getMetadata().setAnnotations(manifestAnnotations);
        String annotatedJson = JSON.asJson(manifest);

        Map<String, String> snapshotAnnotations = new HashMap<>(snapshot.getAnnotations());
        snapshotAnnotations.putAll(added);
        List<io.k8sm.avro.Container> snapshotContainers = new ArrayList<>();
        for (int ci = 0; ci < snapshot.getContainers().size(); ci++) {
            io.k8sm.avro.Container c = io.k8sm.avro.Container.newBuilder(
                            snapshot.getContainers().get(ci))
                    .build();
            List<io.k8sm.avro.ContainerPort> ports = new ArrayList<>();
            for (int pi = 0; pi < c.getPorts().size(); pi++) {
                io.k8sm.avro.ContainerPort p = io.k8sm.avro.ContainerPort.newBuilder(
                                c.getPorts().get(pi))
                        .build();
                Integer hp = hostPorts.getOrDefault(ci, Map.of()).get(pi);
                if (hp != null) {
                    p.setHostPort(hp);
                }
                ports.add(p);
            }
            c.setPorts(ports);
            snapshotContainers.add(c);
        }
        PodSnapshot annotated = PodSnapshot.newBuilder(snapshot)
                .setAnnotations(snapshotAnnotations)
                .setContainers(snapshotContainers)
                .setLabels(new HashMap<>(snapshot.getLabels()))
                .setNodeSelector(new HashMap<>(snapshot.getNodeSelector()))
                .setManifest(annotatedJson)
                .build();

        ExecutorSpec executor = ExecutorSpec.newBuilder()
                .setExecutorId(spec.getExecutorId())
                .setType(ExecutorType.CUSTOM)
                .setResources(copy(spec.getExecutorResources()))
                .setCommand(CommandSpec.newBuilder()
                        .setValue(executorCommand)
                        .setShell(true)
                        .build())
                .build();
        Map<String, String> labels = new HashMap<>();
        labels.put(TaskLabels.NAMESPACE, snapshot.getNamespace());
        labels.put(TaskLabels.NAME, snapshot.getName());
        labels.put(TaskLabels.UID, snapshot.getUid());
        TaskLaunch launch = TaskLaunch.newBuilder()
                .setTaskId(taskId)
                .setName(snapshot.getName() + "." + snapshot.getNamespace() + ".pod")
                .setAgentId(spec.getAgentId())
                .setResources(copy(spec.getResources()))
                .setExecutor(executor)
                .setContainerImage(null)
                .setData(ByteBuffer.wrap(annotatedJson.getBytes(StandardCharsets.UTF_8)))
                .setLabels(labels)
                .setLimits(limits(snapshot, spec))
                .build();
        return new PreparedLaunch(
                taskId, spec.getAgentId(), offerIds, spec.getAssignedSlave(), annotated, added, annotatedJson, launch);
    }

    /**
     * Mesos 1.10 resource limits from the pod's container limits: {@code cpus} (cores) and {@code mem}
     * (MB) when every container sets that limit and their sum is above what the task was given (its
     * requests); otherwise none, and the task is held to what it was given.
     */
    static Map<String, Double> limits(PodSnapshot pod, TaskSpec spec) {
        Map<String, Double> limits = new TreeMap<>();
        double cpuLimit = 0;
        double memLimitMb = 0;
        boolean allCpu = !pod.getContainers().isEmpty();
        boolean allMem = allCpu;
        for (io.k8sm.avro.Container c : pod.getContainers()) {
            allCpu &= c.getCpuLimit() != null;
            allMem &= c.getMemLimitBytes() != null;
            cpuLimit += c.getCpuLimit() == null ? 0 : c.getCpuLimit();
            memLimitMb += c.getMemLimitBytes() == null ? 0 : c.getMemLimitBytes() / (1024.0 * 1024.0);
        }
        if (allCpu && cpuLimit > given(spec, "cpus")) {
            limits.put("cpus", cpuLimit);
        }
        if (allMem && memLimitMb > given(spec, "mem")) {
            limits.put("mem", memLimitMb);
        }
        return limits;
    }

    private static double given(TaskSpec spec, String resource) {
        double sum = 0;
        for (Resource r : spec.getResources()) {
            if (resource.equals(r.getName()) && r.getScalar() != null) {
                sum += r.getScalar();
            }
        }
        return sum;
    }

    private static Pod parseManifest(PodSnapshot snapshot, String podKey) throws LaunchRejectedException {
        if (blank(snapshot.getManifest())) {
            throw new LaunchRejectedException("pod " + podKey + " has no manifest in its snapshot");
        }
        Pod pod;
        try {
            pod = JSON.unmarshal(snapshot.getManifest(), Pod.class);
            if (pod == null || (pod.getKind() != null && !"Pod".equals(pod.getKind()))) {
                throw new LaunchRejectedException("the manifest of pod "
                        + podKey
                        + " is not a Pod but "
                        + (pod == null ? "nothing" : pod.getKind()));
            }
        } catch (LaunchRejectedException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new LaunchRejectedException(
                    "the manifest of pod " + podKey + " cannot be read: " + e.getMessage(), e);
        }
        if (pod.getMetadata() == null
                || !snapshot.getName().equals(pod.getMetadata().getName())
                || !snapshot.getNamespace()
                        .equals(Objects.requireNonNullElse(
                                pod.getMetadata().getNamespace(), snapshot.getNamespace()))) {
            throw new LaunchRejectedException("the manifest of pod "
                    + podKey
                    + " names another pod ("
                    + (pod.getMetadata() == null
                            ? "no metadata"
                            : pod.getMetadata().getNamespace() + "/"
                                    + pod.getMetadata().getName())
                    + ")");
        }
        if (pod.getSpec() == null
                || pod.getSpec().getContainers() == null
                || pod.getSpec().getContainers().isEmpty()) {
            throw new LaunchRejectedException("the manifest of pod " + podKey + " has no containers");
        }
        return pod;
    }

    private static ContainerPort portOf(List<Container> containers, PortMapping m, String podKey)
            throws LaunchRejectedException {
        if (m.getContainerIndex() < 0 || m.getContainerIndex() >= containers.size()) {
            throw new LaunchRejectedException("port map of pod "
                    + podKey
                    + " names container #"
                    + m.getContainerIndex()
                    + " ("
                    + m.getContainerName()
                    + "); the pod has "
                    + containers.size());
        }
        Container c = containers.get(m.getContainerIndex());
        List<ContainerPort> ports = c.getPorts() == null ? List.of() : c.getPorts();
        if (m.getPortIndex() < 0 || m.getPortIndex() >= ports.size()) {
            throw new LaunchRejectedException("port map of pod "
                    + podKey
                    + " names port #"
                    + m.getPortIndex()
                    + " of container "
                    + c.getName()
                    + ", which has "
                    + ports.size());
        }
        ContainerPort p = ports.get(m.getPortIndex());
        if (!Objects.equals(p.getContainerPort(), m.getContainerPort())) {
            throw new LaunchRejectedException("port map of pod "
                    + podKey
                    + " expects container port "
                    + m.getContainerPort()
                    + " at "
                    + c.getName()
                    + "#"
                    + m.getPortIndex()
                    + ", the manifest has "
                    + p.getContainerPort());
        }
        return p;
    }

    private static List<Resource> copy(List<Resource> resources) {
        List<Resource> out = new ArrayList<>(resources.size());
        for (Resource r : resources) {
            out.add(Resource.newBuilder(r).build());
        }
        return out;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
