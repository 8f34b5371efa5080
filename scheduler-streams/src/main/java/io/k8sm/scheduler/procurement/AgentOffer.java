package io.k8sm.scheduler.procurement;

import io.k8sm.contract.NodeLabels;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One Mesos offer, reduced to what procurement needs. All maps are keyed by role and are sorted
 * copies.
 *
 * @param offerId the offer id
 * @param agentId the agent (slave) id
 * @param hostname the agent's hostname (becomes {@code Spec.assignedSlave})
 * @param cpus offered cpus per role
 * @param memMb offered mem (MB) per role
 * @param ports offered port ranges per role, several ranges per role allowed (sorted)
 * @param attributes the agent's attributes
 * @param executorIds ids of the executors already running on the agent
 * @param region the region of the agent's Mesos fault domain; null when it has none
 * @param zone the zone of the agent's Mesos fault domain; null when it has none
 */
public record AgentOffer(
        String offerId,
        String agentId,
        String hostname,
        Map<String, Double> cpus,
        Map<String, Double> memMb,
        Map<String, List<PortRange>> ports,
        List<Attribute> attributes,
        Set<String> executorIds,
        String region,
        String zone) {

    /** Label prefix of Mesos attributes turned into node labels. */
    public static final String ATTRIBUTE_LABEL_PREFIX = NodeLabels.ATTRIBUTE_PREFIX;

    /** The hostname label. */
    public static final String HOSTNAME_LABEL = NodeLabels.HOSTNAME;

    public AgentOffer {
        Objects.requireNonNull(offerId, "offerId");
        Objects.requireNonNull(agentId, "agentId");
        Objects.requireNonNull(hostname, "hostname");
        cpus = Collections.unmodifiableMap(new TreeMap<>(cpus));
        memMb = Collections.unmodifiableMap(new TreeMap<>(memMb));
        TreeMap<String, List<PortRange>> p = new TreeMap<>();
        ports.forEach((role, ranges) -> {
            List<PortRange> sorted = new ArrayList<>(ranges);
            Collections.sort(sorted);
            p.put(role, List.copyOf(sorted));
        });
        ports = Collections.unmodifiableMap(p);
        attributes = List.copyOf(attributes);
        executorIds = Collections.unmodifiableSet(new TreeSet<>(executorIds));
    }

    /** An offer of an agent without a fault domain. */
    public AgentOffer(
            String offerId,
            String agentId,
            String hostname,
            Map<String, Double> cpus,
            Map<String, Double> memMb,
            Map<String, List<PortRange>> ports,
            List<Attribute> attributes,
            Set<String> executorIds) {
        this(offerId, agentId, hostname, cpus, memMb, ports, attributes, executorIds, null, null);
    }

    /**
     * The node labels of the offering agent: {@value #HOSTNAME_LABEL}, one per text or scalar
     * attribute, and {@code topology.kubernetes.io/region} and {@code zone} of its fault domain.
     */
    public Map<String, String> labels() {
        TreeMap<String, String> labels = new TreeMap<>();
        for (Attribute a : attributes) {
            if (a.isLabel()) {
                labels.put(ATTRIBUTE_LABEL_PREFIX + a.name(), a.value());
            }
        }
        labels.put(HOSTNAME_LABEL, hostname);
        if (region != null) {
            labels.put(NodeLabels.REGION, region);
        }
        if (zone != null) {
            labels.put(NodeLabels.ZONE, zone);
        }
        return Collections.unmodifiableMap(labels);
    }
}
