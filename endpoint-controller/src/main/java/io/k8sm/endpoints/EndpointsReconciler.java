package io.k8sm.endpoints;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.k8sm.contract.PodAnnotations;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The pure heart of the controller: one service and the pods of its namespace in, the Endpoints and
 * EndpointSlices it should have (plus the problems found on the way) out. No I/O, no clock, no
 * state: the same input gives an equal output, whatever the order of the pods.
 */
public final class EndpointsReconciler {

    /** Who manages a slice (the label Kubernetes defines for that). */
    public static final String SLICE_MANAGED_BY = "endpointslice.k8s.io/managed-by";

    /** The same marker on Endpoints objects, so only ours are ever deleted. */
    public static final String ENDPOINTS_MANAGED_BY = "endpoints.kubernetes.io/managed-by";

    public static final String CONTROLLER_NAME = "k8sm-endpoint-controller";

    /** The label tying a slice to its service. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    /** Kubernetes' default cap on endpoints per slice. */
    public static final int MAX_ENDPOINTS_PER_SLICE = 100;

    private EndpointsReconciler() {}

    /** True for services this controller writes endpoints for: a selector, and not ExternalName. */
    public static boolean manages(Service service) {
        if (service.getSpec() == null || "ExternalName".equals(service.getSpec().getType())) {
            return false;
        }
        Map<String, String> selector = service.getSpec().getSelector();
        return selector != null && !selector.isEmpty();
    }

    /** True when the pod is in the service's namespace and carries every label of its selector. */
    public static boolean selects(Service service, Pod pod) {
        if (!Objects.equals(
                service.getMetadata().getNamespace(), pod.getMetadata().getNamespace())) {
            return false;
        }
        Map<String, String> labels = pod.getMetadata().getLabels();
        Map<String, String> selector = service.getSpec().getSelector();
        if (labels == null || selector == null) {
            return false;
        }
        for (Map.Entry<String, String> e : selector.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    /**
     * The desired Endpoints and slices of a service.
     *
     * @param service a service for which {@link #manages} holds
     * @param pods candidate pods; those the selector does not pick are ignored
     * @param mode host-port or vanilla addresses and ports
     */
    public static Desired desired(Service service, Collection<Pod> pods, EndpointsMode mode) {
        String ns = service.getMetadata().getNamespace();
        String name = service.getMetadata().getName();
        String key = ns + "/" + name;
        Owner owner = new Owner(name, service.getMetadata().getUid());
        boolean publishNotReady = Boolean.TRUE.equals(service.getSpec().getPublishNotReadyAddresses());
        List<ServicePort> servicePorts = service.getSpec().getPorts() == null
                ? List.of()
                : service.getSpec().getPorts();

        List<Entry> entries = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        for (Pod pod : pods) {
            if (!selects(service, pod) || !eligible(pod)) {
                continue;
            }
            String ip = mode == EndpointsMode.HOSTPORT
                    ? pod.getStatus().getHostIP()
                    : pod.getStatus().getPodIP();
            if (ip == null || ip.isBlank()) {
                continue;
            }
            List<PortSpec> ports = new ArrayList<>(servicePorts.size());
            for (ServicePort sp : servicePorts) {
                PortSpec resolved = resolve(pod, sp, mode, problems);
                if (resolved != null) {
                    ports.add(resolved);
                }
            }
            if (!servicePorts.isEmpty() && ports.isEmpty()) {
                continue; // every port failed and was reported: an address without ports would be wrong
            }
            ports.sort(PortSpec.ORDER);
            boolean ready = publishNotReady || isReady(pod);
            entries.add(new Entry(address(pod, ip, name), ready, List.copyOf(ports)));
        }

        Map<String, String> epLabels = new TreeMap<>(labelsOf(service));
        epLabels.put(ENDPOINTS_MANAGED_BY, CONTROLLER_NAME);
        EndpointsState endpoints = new EndpointsState(ns, name, epLabels, owner, pack(entries));

        Map<String, String> sliceLabels = new TreeMap<>(labelsOf(service));
        sliceLabels.put(SERVICE_NAME_LABEL, name);
        sliceLabels.put(SLICE_MANAGED_BY, CONTROLLER_NAME);
        List<SliceState> slices = EndpointSlices.slices(ns, name, owner, sliceLabels, entries);
        problems.sort(Comparator.comparing(Problem::identity));
        return new Desired(key, endpoints, slices, problems);
    }

    /** An address with its ports and readiness, before grouping. */
    record Entry(Address address, boolean ready, List<PortSpec> ports) {}

    /** Groups entries into subsets, one per distinct port list, everything sorted. */
    static List<Subset> pack(List<Entry> entries) {
        Map<List<PortSpec>, List<Entry>> byPorts = new TreeMap<>(EndpointSlices.PORT_LIST_ORDER);
        for (Entry e : entries) {
            byPorts.computeIfAbsent(e.ports(), k -> new ArrayList<>()).add(e);
        }
        List<Subset> subsets = new ArrayList<>(byPorts.size());
        byPorts.forEach((ports, group) -> {
            List<Address> ready = group.stream()
                    .filter(Entry::ready)
                    .map(Entry::address)
                    .distinct()
                    .sorted(Address.ORDER)
                    .toList();
            List<Address> notReady = group.stream()
                    .filter(e -> !e.ready())
                    .map(Entry::address)
                    .distinct()
                    .sorted(Address.ORDER)
                    .toList();
            subsets.add(new Subset(ready, notReady, ports));
        });
        return subsets;
    }

    /** Not being deleted and not finished. */
    static boolean eligible(Pod pod) {
        if (pod.getMetadata().getDeletionTimestamp() != null || pod.getStatus() == null) {
            return false;
        }
        String phase = pod.getStatus().getPhase();
        return !"Succeeded".equals(phase) && !"Failed".equals(phase);
    }

    static boolean isReady(Pod pod) {
        List<PodCondition> conditions = pod.getStatus().getConditions();
        if (conditions == null) {
            return false;
        }
        for (PodCondition c : conditions) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    private static Address address(Pod pod, String ip, String serviceName) {
        var meta = pod.getMetadata();
        String hostname = null;
        if (pod.getSpec() != null
                && pod.getSpec().getHostname() != null
                && !pod.getSpec().getHostname().isEmpty()
                && serviceName.equals(pod.getSpec().getSubdomain())) {
            hostname = pod.getSpec().getHostname();
        }
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        return new Address(
                ip,
                node,
                hostname,
                new TargetRef(meta.getNamespace(), meta.getName(), meta.getUid(), meta.getResourceVersion()));
    }

    /** The endpoint port of one service port on one pod, or null with a problem recorded. */
    private static PortSpec resolve(Pod pod, ServicePort sp, EndpointsMode mode, List<Problem> problems) {
        String protocol = PodAnnotations.normalizeProtocol(sp.getProtocol());
        IntOrString target = sp.getTargetPort();
        String portLabel = sp.getName() == null || sp.getName().isEmpty() ? String.valueOf(sp.getPort()) : sp.getName();
        String targetName = null;
        int targetNumber;
        if (target == null
                || (target.getIntVal() == null
                        && (target.getStrVal() == null || target.getStrVal().isEmpty()))) {
            targetNumber = sp.getPort();
        } else if (target.getIntVal() != null) {
            targetNumber = target.getIntVal();
        } else if (target.getStrVal().chars().allMatch(Character::isDigit)) {
            targetNumber = Integer.parseInt(target.getStrVal());
        } else {
            targetName = target.getStrVal();
            targetNumber = -1;
        }

        ContainerPort named = targetName == null ? null : findNamedPort(pod, targetName, protocol);
        if (mode == EndpointsMode.VANILLA) {
            if (targetName == null) {
                return new PortSpec(sp.getName(), targetNumber, protocol, sp.getAppProtocol());
            }
            if (named == null) {
                problems.add(problem(
                        Problem.UNRESOLVED_TARGET_PORT,
                        pod,
                        portLabel,
                        "name=" + targetName,
                        "pod "
                                + podKey(pod)
                                + " has no container port named '"
                                + targetName
                                + "' ("
                                + protocol
                                + ") for service port "
                                + portLabel
                                + "; no endpoint for that port"));
                return null;
            }
            return new PortSpec(sp.getName(), named.getContainerPort(), protocol, sp.getAppProtocol());
        }

        Map<String, String> annotations = pod.getMetadata().getAnnotations() == null
                ? Map.of()
                : pod.getMetadata().getAnnotations();
        List<String> tried = new ArrayList<>(2);
        if (targetName != null) {
            // The container port's protocol decides the annotation; the service port's is the fallback.
            String proto = named != null ? PodAnnotations.normalizeProtocol(named.getProtocol()) : protocol;
            tried.add(PodAnnotations.portName(proto, targetName));
            if (named != null && named.getContainerPort() != null) {
                tried.add(PodAnnotations.port(proto, named.getContainerPort()));
            }
        } else {
            tried.add(PodAnnotations.port(protocol, targetNumber));
        }
        for (String annotation : tried) {
            String value = annotations.get(annotation);
            if (value == null) {
                continue;
            }
            int hostPort = PodAnnotations.parseHostPort(value);
            if (hostPort < 0) {
                problems.add(problem(
                        Problem.MALFORMED_ANNOTATION,
                        pod,
                        portLabel,
                        annotation + "=" + value,
                        "pod "
                                + podKey(pod)
                                + " annotation "
                                + annotation
                                + "='"
                                + value
                                + "' is not a host port (1-65535) for service port "
                                + portLabel
                                + "; no endpoint for that port"));
                return null;
            }
            return new PortSpec(sp.getName(), hostPort, protocol, sp.getAppProtocol());
        }
        problems.add(problem(
                Problem.MISSING_ANNOTATION,
                pod,
                portLabel,
                String.join(" or ", tried),
                "pod "
                        + podKey(pod)
                        + " has no host port annotation "
                        + String.join(" or ", tried)
                        + " for service port "
                        + portLabel
                        + " (target port "
                        + (targetName != null ? targetName : String.valueOf(targetNumber))
                        + "/"
                        + protocol
                        + "); no endpoint for that port"));
        return null;
    }

    /** The container port of that name, preferring one of the service port's protocol. */
    private static ContainerPort findNamedPort(Pod pod, String name, String protocol) {
        if (pod.getSpec() == null || pod.getSpec().getContainers() == null) {
            return null;
        }
        ContainerPort any = null;
        for (Container c : pod.getSpec().getContainers()) {
            if (c.getPorts() == null) {
                continue;
            }
            for (ContainerPort p : c.getPorts()) {
                if (name.equals(p.getName())) {
                    if (PodAnnotations.normalizeProtocol(p.getProtocol()).equals(protocol)) {
                        return p;
                    }
                    any = any == null ? p : any;
                }
            }
        }
        return any;
    }

    private static Problem problem(String reason, Pod pod, String port, String detail, String message) {
        return new Problem(reason, podKey(pod), pod.getMetadata().getUid(), port, detail, message);
    }

    static String podKey(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    private static Map<String, String> labelsOf(Service s) {
        Map<String, String> l = s.getMetadata().getLabels();
        return l == null ? Map.of() : l;
    }
}
