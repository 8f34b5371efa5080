package io.k8sm.scheduler.procurement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The pods running or placed in this cycle, as inter-pod terms see them: grouped by namespace and
 * labels (replicas share both, so a selector is evaluated once per group, not once per pod), and
 * the required anti-affinity terms they hold, each distinct term once with the domains its pods are
 * in. Not thread-safe: one per cycle, inside its {@link Cluster}.
 */
final class PlacedPods {

    private record Group(String namespace, Map<String, String> labels) {}

    private record AntiTerm(String namespace, PodTerms.Term term) {}

    private final Map<Group, List<Map<String, String>>> nodesByGroup = new LinkedHashMap<>();
    private final Map<AntiTerm, Set<String>> antiDomains = new LinkedHashMap<>();

    /** Per group and topology key asked for: the domains its pods are in, kept up to date as pods are added. */
    private final Map<Group, Map<String, Set<String>>> domainsByGroup = new HashMap<>();

    void add(PodTerms.Placed p) {
        Group group = new Group(p.pod().namespace(), p.pod().labels());
        nodesByGroup.computeIfAbsent(group, g -> new ArrayList<>()).add(p.nodeLabels());
        domainsByGroup.getOrDefault(group, Map.of()).forEach((key, values) -> {
            String v = p.nodeLabels().get(key);
            if (v != null) {
                values.add(v);
            }
        });
        for (PodTerms.Term t : p.pod().requiredAntiAffinity()) {
            String v = p.nodeLabels().get(t.topologyKey());
            if (v != null) {
                antiDomains
                        .computeIfAbsent(new AntiTerm(p.pod().namespace(), t), k -> new HashSet<>())
                        .add(v);
            }
        }
    }

    boolean hasAntiTerms() {
        return !antiDomains.isEmpty();
    }

    /** The domains (values of the term's topology key) holding a pod the term of a pod in {@code ownNamespace} selects. */
    Set<String> domainsSelectedBy(PodTerms.Term t, String ownNamespace) {
        List<Set<String>> selected = new ArrayList<>();
        nodesByGroup.forEach((g, nodes) -> {
            if (t.selects(ownNamespace, g.namespace(), g.labels())) {
                selected.add(domainsOf(g, nodes, t.topologyKey()));
            }
        });
        if (selected.size() == 1) {
            return java.util.Collections.unmodifiableSet(selected.get(0));
        }
        Set<String> values = new HashSet<>();
        selected.forEach(values::addAll);
        return values;
    }

    private Set<String> domainsOf(Group g, List<Map<String, String>> nodes, String key) {
        return domainsByGroup.computeIfAbsent(g, x -> new HashMap<>()).computeIfAbsent(key, k -> {
            Set<String> values = new HashSet<>();
            for (Map<String, String> n : nodes) {
                String v = n.get(k);
                if (v != null) {
                    values.add(v);
                }
            }
            return values;
        });
    }

    /** Topology key → the domains a placed pod's required anti-affinity keeps this pod out of. */
    Map<String, Set<String>> forbiddenFor(PodTerms pod) {
        Map<String, Set<String>> forbidden = new HashMap<>();
        antiDomains.forEach((a, domains) -> {
            if (a.term().selects(a.namespace(), pod.namespace(), pod.labels())) {
                forbidden
                        .computeIfAbsent(a.term().topologyKey(), k -> new HashSet<>())
                        .addAll(domains);
            }
        });
        return forbidden;
    }

    /** Per domain of the constraint's key: how many placed pods of the namespace it selects (0 included). */
    Map<String, Integer> counts(PodTerms.Spread s, String namespace, Set<String> domains) {
        Map<String, Integer> counts = new HashMap<>();
        for (String v : domains) {
            counts.put(v, 0);
        }
        nodesByGroup.forEach((g, nodes) -> {
            boolean selected = g.namespace().equals(namespace) && s.selector().matches(g.labels());
            for (Map<String, String> n : nodes) {
                String v = n.get(s.topologyKey());
                if (v != null) {
                    counts.merge(v, selected ? 1 : 0, Integer::sum);
                }
            }
        });
        return counts;
    }
}
