package io.k8sm.scheduler.procurement;

import io.k8sm.contract.PodAnnotations;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a pod asks of an agent. Built by {@link #of} from the pod snapshot and the configuration.
 *
 * @param podKey {@code namespace/name}
 * @param containers the containers, limits resolved
 * @param nodeName the pod's {@code spec.nodeName}; empty when unset
 * @param nodeSelector the pod's node selector (a sorted copy)
 * @param roles the roles the pod may draw resources from, in order; empty = no usable role
 * @param portMapping fixed or wildcard
 * @param nodeAffinity the pod's node affinity ({@link NodeAffinity#NONE} when it has none)
 * @param tolerations the pod's tolerations of node taints
 * @param podTerms the pod's namespace, labels and inter-pod (anti-)affinity
 */
public record PodRequest(
        String podKey,
        List<ContainerRequest> containers,
        String nodeName,
        Map<String, String> nodeSelector,
        List<String> roles,
        PortMappingMode portMapping,
        NodeAffinity nodeAffinity,
        List<Toleration> tolerations,
        PodTerms podTerms) {

    /** Pod annotation: comma list of the roles a pod may use. */
    public static final String ROLES_ANNOTATION = PodAnnotations.ROLES;

    /** Pod annotation: {@code fixed} or {@code wildcard}. */
    public static final String PORT_MAPPING_ANNOTATION = PodAnnotations.PORT_MAPPING;

    public PodRequest {
        Objects.requireNonNull(podKey, "podKey");
        containers = List.copyOf(containers);
        nodeName = nodeName == null ? "" : nodeName;
        nodeSelector = nodeSelector == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(nodeSelector));
        roles = List.copyOf(roles);
        Objects.requireNonNull(portMapping, "portMapping");
        nodeAffinity = nodeAffinity == null ? NodeAffinity.NONE : nodeAffinity;
        tolerations = tolerations == null ? List.of() : List.copyOf(tolerations);
        podTerms = podTerms == null
                ? PodTerms.of(podKey.substring(0, Math.max(0, podKey.indexOf('/'))), Map.of())
                : podTerms;
    }

    /**
     * A pod request from the pod's parts: roles from the {@value #ROLES_ANNOTATION} annotation
     * (trimmed, de-duplicated, intersected with the framework's roles, order kept; without the
     * annotation the default pod roles), port mapping from {@value #PORT_MAPPING_ANNOTATION} (an
     * unknown value or none: the configured default).
     */
    public static PodRequest of(
            String podKey,
            List<ContainerRequest> containers,
            String nodeName,
            Map<String, String> nodeSelector,
            Map<String, String> annotations,
            ProcurementConfig config) {
        Map<String, String> ann = annotations == null ? Map.of() : annotations;
        return new PodRequest(
                podKey,
                containers,
                nodeName,
                nodeSelector,
                roles(ann.get(ROLES_ANNOTATION), config),
                PortMappingMode.parse(ann.get(PORT_MAPPING_ANNOTATION)).orElse(config.defaultPortMapping()),
                NodeAffinity.NONE,
                List.of(),
                null);
    }

    /** This request with another node affinity. */
    public PodRequest withNodeAffinity(NodeAffinity affinity) {
        return new PodRequest(
                podKey, containers, nodeName, nodeSelector, roles, portMapping, affinity, tolerations, podTerms);
    }

    /** This request with other tolerations. */
    public PodRequest withTolerations(List<Toleration> tols) {
        return new PodRequest(
                podKey, containers, nodeName, nodeSelector, roles, portMapping, nodeAffinity, tols, podTerms);
    }

    /** This request with other labels and inter-pod terms. */
    public PodRequest withPodTerms(PodTerms terms) {
        return new PodRequest(
                podKey, containers, nodeName, nodeSelector, roles, portMapping, nodeAffinity, tolerations, terms);
    }

    /** How many of these taints discourage the pod (PreferNoSchedule) without being tolerated. */
    long discouragedBy(List<Taint> taints) {
        long n = 0;
        for (Taint t : taints) {
            if (t.discourages() && !Toleration.anyTolerates(tolerations, t)) {
                n++;
            }
        }
        return n;
    }

    /** The roles named by a roles annotation value, filtered as {@link #of} describes. */
    public static List<String> roles(String annotationValue, ProcurementConfig config) {
        if (annotationValue == null) {
            return config.defaultPodRoles();
        }
        Set<String> framework = Set.copyOf(config.frameworkRoles());
        Set<String> seen = new LinkedHashSet<>();
        for (String r : annotationValue.split(",")) {
            String role = r.trim();
            if (!role.isEmpty() && framework.contains(role)) {
                seen.add(role);
            }
        }
        return List.copyOf(new ArrayList<>(seen));
    }

    /** Sum of the containers' cpu limits. */
    public double cpus() {
        double sum = 0;
        for (ContainerRequest c : containers) {
            sum += c.cpus();
        }
        return sum;
    }

    /** Sum of the containers' memory limits, MB. */
    public double memMb() {
        double sum = 0;
        for (ContainerRequest c : containers) {
            sum += c.memMb();
        }
        return sum;
    }
}
