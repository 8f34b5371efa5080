package io.k8sm.scheduler.procurement;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The inter-pod terms of one pod against the pods already placed, resolved once per placement into
 * the topology domains each term allows or forbids, so that each agent is checked by label lookups.
 */
final class PodTermsFit {

    /** The domains (values of a term's topology key) where a pod the term selects is. */
    private record Domains(PodTerms.Term term, Set<String> values) {
        boolean has(Map<String, String> nodeLabels) {
            String v = nodeLabels.get(term.topologyKey());
            return v != null && values.contains(v);
        }
    }

    private final PodTerms pod;
    private final List<Domains> affinity = new ArrayList<>();
    private final List<Boolean> selfMatch = new ArrayList<>();
    private final List<Domains> anti = new ArrayList<>();

    /** Required anti-affinity terms of placed pods that select this pod: topology key → the domains they hold. */
    private final Map<String, Set<String>> forbiddenByOthers = new HashMap<>();

    private final List<Domains> preferred = new ArrayList<>();
    private final List<Integer> weights = new ArrayList<>();

    /** Per spread constraint: the selected pods per domain, and the fewest in any domain. */
    private record SpreadCounts(PodTerms.Spread spread, Map<String, Integer> counts, int fewest) {
        /** The skew the domain of a node would have with the pod placed there; -1 for a node without the key. */
        int skewWith(Map<String, String> nodeLabels) {
            String v = nodeLabels.get(spread.topologyKey());
            return v == null ? -1 : counts.getOrDefault(v, 0) + 1 - fewest;
        }
    }

    private final List<SpreadCounts> spreads = new ArrayList<>();

    private PodTermsFit(PodTerms pod) {
        this.pod = pod;
    }

    /**
     * @param domains the values a topology key has on the known nodes and this cycle's agents: with
     *     the placed pods' nodes, the domains a spread constraint counts
     */
    static PodTermsFit of(PodTerms pod, PlacedPods placed, Function<String, Set<String>> domains) {
        PodTermsFit f = new PodTermsFit(pod);
        for (PodTerms.Spread s : pod.spread()) {
            Map<String, Integer> counts = placed.counts(s, pod.namespace(), domains.apply(s.topologyKey()));
            int fewest =
                    counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
            if (s.minDomains() != null && counts.size() < s.minDomains()) {
                fewest = 0;
            }
            f.spreads.add(new SpreadCounts(s, counts, fewest));
        }
        for (PodTerms.Term t : pod.requiredAffinity()) {
            f.affinity.add(new Domains(t, placed.domainsSelectedBy(t, pod.namespace())));
            f.selfMatch.add(t.selects(pod.namespace(), pod.namespace(), pod.labels()));
        }
        for (PodTerms.Term t : pod.requiredAntiAffinity()) {
            f.anti.add(new Domains(t, placed.domainsSelectedBy(t, pod.namespace())));
        }
        for (PodTerms.Weighted w : pod.preferredAffinity()) {
            f.preferred.add(new Domains(w.term(), placed.domainsSelectedBy(w.term(), pod.namespace())));
            f.weights.add(w.weight());
        }
        for (PodTerms.Weighted w : pod.preferredAntiAffinity()) {
            f.preferred.add(new Domains(w.term(), placed.domainsSelectedBy(w.term(), pod.namespace())));
            f.weights.add(-w.weight());
        }
        f.forbiddenByOthers.putAll(placed.forbiddenFor(pod));
        return f;
    }

    /** Why an agent with these node labels breaks a required term, or null. */
    Fit.Miss check(Map<String, String> nodeLabels) {
        for (int i = 0; i < affinity.size(); i++) {
            Domains d = affinity.get(i);
            boolean firstOfItsKind = d.values().isEmpty()
                    && selfMatch.get(i)
                    && nodeLabels.containsKey(d.term().topologyKey());
            if (!d.has(nodeLabels) && !firstOfItsKind) {
                return new Fit.Miss(
                        Shortfall.Reason.POD_AFFINITY,
                        d.term().topologyKey(),
                        "without a pod the pod's affinity asks for in its "
                                + d.term().topologyKey());
            }
        }
        for (Domains d : anti) {
            if (d.has(nodeLabels)) {
                return new Fit.Miss(
                        Shortfall.Reason.POD_ANTI_AFFINITY,
                        d.term().topologyKey(),
                        "with a pod the pod's anti-affinity excludes in its "
                                + d.term().topologyKey());
            }
        }
        for (SpreadCounts s : spreads) {
            if (!s.spread().hard()) {
                continue;
            }
            int skew = s.skewWith(nodeLabels);
            if (skew < 0) {
                return new Fit.Miss(
                        Shortfall.Reason.TOPOLOGY_SPREAD,
                        s.spread().topologyKey(),
                        "without the label " + s.spread().topologyKey() + " the pod spreads over");
            }
            if (skew > s.spread().maxSkew()) {
                return new Fit.Miss(
                        Shortfall.Reason.TOPOLOGY_SPREAD,
                        s.spread().topologyKey(),
                        "whose " + s.spread().topologyKey() + " would exceed the pod's maxSkew "
                                + s.spread().maxSkew());
            }
        }
        for (Map.Entry<String, Set<String>> e : forbiddenByOthers.entrySet()) {
            String v = nodeLabels.get(e.getKey());
            if (v != null && e.getValue().contains(v)) {
                return new Fit.Miss(
                        Shortfall.Reason.POD_ANTI_AFFINITY,
                        e.getKey(),
                        "with a pod whose anti-affinity excludes this pod from its " + e.getKey());
            }
        }
        return null;
    }

    boolean prefers() {
        return pod.prefers();
    }

    /**
     * The preferred weights of the terms whose domain, on this node, has a selected pod (anti:
     * negative), less the skew each ScheduleAnyway spread constraint would have there.
     */
    long preference(Map<String, String> nodeLabels) {
        long score = 0;
        for (SpreadCounts s : spreads) {
            if (!s.spread().hard()) {
                int skew = s.skewWith(nodeLabels);
                score -= skew < 0 ? 1000 : skew;
            }
        }
        for (int i = 0; i < preferred.size(); i++) {
            if (preferred.get(i).has(nodeLabels)) {
                score += weights.get(i);
            }
        }
        return score;
    }
}
