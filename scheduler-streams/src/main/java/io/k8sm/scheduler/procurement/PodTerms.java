package io.k8sm.scheduler.procurement;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What other pods see of a pod, and what it asks of them: its namespace and labels, and its
 * inter-pod affinity and anti-affinity ({@code spec.affinity.podAffinity}, {@code podAntiAffinity})
 * as the Kubernetes API defines them. Pure and immutable.
 *
 * @param namespace the pod's namespace
 * @param labels the pod's labels
 * @param requiredAffinity terms that must each hold: the node's domain has a pod the term selects
 * @param requiredAntiAffinity terms that must each hold: the node's domain has no pod the term selects
 * @param preferredAffinity weighted terms: a node whose domain has a selected pod gains the weight
 * @param preferredAntiAffinity weighted terms: a node whose domain has a selected pod loses the weight
 * @param spread topology spread constraints ({@code spec.topologySpreadConstraints})
 */
public record PodTerms(
        String namespace,
        Map<String, String> labels,
        List<Term> requiredAffinity,
        List<Term> requiredAntiAffinity,
        List<Weighted> preferredAffinity,
        List<Weighted> preferredAntiAffinity,
        List<Spread> spread) {

    /**
     * A label selector: every {@code matchLabels} pair and every expression must hold; a term without
     * a selector ({@code present} false) selects no pod.
     */
    public record Selector(
            Map<String, String> matchLabels, List<NodeAffinity.Requirement> expressions, boolean present) {
        public Selector {
            matchLabels = Collections.unmodifiableMap(new TreeMap<>(matchLabels));
            expressions = List.copyOf(expressions);
        }

        boolean matches(Map<String, String> podLabels) {
            if (!present) {
                return false;
            }
            for (Map.Entry<String, String> e : matchLabels.entrySet()) {
                if (!e.getValue().equals(podLabels.get(e.getKey()))) {
                    return false;
                }
            }
            for (NodeAffinity.Requirement r : expressions) {
                if (!r.holds(podLabels.get(r.key()))) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * One term: the pods {@code selector} selects in {@code namespaces} (empty: the namespace of the
     * pod that has the term), and the node label whose value is the topology domain.
     */
    public record Term(Selector selector, List<String> namespaces, String topologyKey) {
        public Term {
            Objects.requireNonNull(selector, "selector");
            namespaces = List.copyOf(namespaces);
            Objects.requireNonNull(topologyKey, "topologyKey");
        }

        /** Whether the term of a pod in {@code ownNamespace} selects a pod of that namespace and those labels. */
        boolean selects(String ownNamespace, String namespace, Map<String, String> podLabels) {
            boolean inNamespace =
                    namespaces.isEmpty() ? ownNamespace.equals(namespace) : namespaces.contains(namespace);
            return inNamespace && selector.matches(podLabels);
        }
    }

    /**
     * A topology spread constraint: among the domains (values of {@code topologyKey}), the pods of
     * the pod's namespace that {@code selector} selects may differ by at most {@code maxSkew}.
     *
     * @param hard DoNotSchedule (a fit rule); false: ScheduleAnyway (a preference)
     * @param minDomains with fewer domains than this the fewest counts as 0; null when unset
     */
    public record Spread(int maxSkew, String topologyKey, boolean hard, Selector selector, Integer minDomains) {
        public Spread {
            Objects.requireNonNull(topologyKey, "topologyKey");
            Objects.requireNonNull(selector, "selector");
        }
    }

    /** A weighted term. */
    public record Weighted(int weight, Term term) {
        public Weighted {
            Objects.requireNonNull(term, "term");
        }
    }

    public PodTerms {
        Objects.requireNonNull(namespace, "namespace");
        labels = Collections.unmodifiableMap(new TreeMap<>(labels));
        requiredAffinity = List.copyOf(requiredAffinity);
        requiredAntiAffinity = List.copyOf(requiredAntiAffinity);
        preferredAffinity = List.copyOf(preferredAffinity);
        preferredAntiAffinity = List.copyOf(preferredAntiAffinity);
        spread = List.copyOf(spread);
    }

    /** A pod of that namespace and labels without inter-pod terms. */
    public static PodTerms of(String namespace, Map<String, String> labels) {
        return new PodTerms(namespace, labels, List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** Whether the pod has any inter-pod term or spread constraint. */
    public boolean any() {
        return !requiredAffinity.isEmpty()
                || !requiredAntiAffinity.isEmpty()
                || !preferredAffinity.isEmpty()
                || !preferredAntiAffinity.isEmpty()
                || !spread.isEmpty();
    }

    /** Whether the pod prefers some domains over others. */
    boolean prefers() {
        return !preferredAffinity.isEmpty()
                || !preferredAntiAffinity.isEmpty()
                || spread.stream().anyMatch(s -> !s.hard());
    }

    /**
     * A pod that runs (or was placed this cycle) and the labels of its node, for the terms of the pods
     * still to place.
     */
    public record Placed(PodTerms pod, Map<String, String> nodeLabels) {
        public Placed {
            Objects.requireNonNull(pod, "pod");
            nodeLabels = Map.copyOf(nodeLabels);
        }
    }
}
