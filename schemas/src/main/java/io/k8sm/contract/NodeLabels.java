package io.k8sm.contract;

/**
 * The labels and annotations of the Kubernetes node the launcher registers for each Mesos agent,
 * which the scheduler matches pod node selectors against.
 */
public final class NodeLabels {

    /** The well-known Kubernetes hostname label: the agent's hostname. */
    public static final String HOSTNAME = "kubernetes.io/hostname";

    /** The well-known Kubernetes region label: the region of the agent's Mesos fault domain. */
    public static final String REGION = "topology.kubernetes.io/region";

    /** The well-known Kubernetes zone label: the zone of the agent's Mesos fault domain. */
    public static final String ZONE = "topology.kubernetes.io/zone";

    /**
     * The taint of a node whose agent Mesos reports unreachable (a task of it TASK_UNREACHABLE), as
     * Kubernetes' node lifecycle controller names it; effect NoExecute: a pod that does not tolerate
     * it is evicted, one that does for {@code tolerationSeconds} (300 s by the DefaultTolerationSeconds
     * admission plugin) that long after.
     */
    public static final String UNREACHABLE_TAINT = "node.kubernetes.io/unreachable";

    /** Prefix of the labels made from the agent's text and scalar Mesos attributes. */
    public static final String ATTRIBUTE_PREFIX = PodAnnotations.PREFIX + "attribute-";

    /** Node annotation: the Mesos agent id the node was registered for. */
    public static final String AGENT_ID = PodAnnotations.PREFIX + "agentId";

    /**
     * Node annotation: the agent's hostname exactly as Mesos knows it (the node's name is {@link
     * NodeNames#toNodeName} of it, which differs for hostnames that are not valid node names).
     */
    public static final String MESOS_HOSTNAME = PodAnnotations.PREFIX + "hostname";

    private NodeLabels() {}

    /** {@code k8s.mesosphere.io/attribute-<name>}. */
    public static String attribute(String name) {
        return ATTRIBUTE_PREFIX + name;
    }

    /** True when the label is one made from a Mesos attribute. */
    public static boolean isAttribute(String label) {
        return label != null && label.startsWith(ATTRIBUTE_PREFIX);
    }

    /** True when the launcher keeps the label in step with the agent's offers (an attribute, the region or zone). */
    public static boolean isFromAgent(String label) {
        return isAttribute(label) || REGION.equals(label) || ZONE.equals(label);
    }
}
