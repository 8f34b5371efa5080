package io.k8sm.scheduler.procurement;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The topology domains of a cycle: the values a node label (a topology key) has on the known
 * Kubernetes nodes and on the cycle's agents, computed once per key until the agents change.
 */
final class TopologyDomains {
    private List<Map<String, String>> knownNodes = List.of();
    private final Map<String, Set<String>> byKey = new HashMap<>();

    /** The labels of every known node, beyond the cycle's agents. */
    void know(List<Map<String, String>> nodeLabels) {
        knownNodes = List.copyOf(nodeLabels);
        byKey.clear();
    }

    /** The agents changed. */
    void forget() {
        byKey.clear();
    }

    Set<String> of(String key, List<AgentState> agents) {
        return byKey.computeIfAbsent(key, k -> {
            Set<String> values = new HashSet<>();
            for (Map<String, String> labels : knownNodes) {
                if (labels.get(k) != null) {
                    values.add(labels.get(k));
                }
            }
            for (AgentState a : agents) {
                if (a.labels.get(k) != null) {
                    values.add(a.labels.get(k));
                }
            }
            return values;
        });
    }
}
