package io.k8sm.scheduler.procurement;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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

    /** Required anti-affinity terms of placed pods that select this pod, with the domain they hold. */
    private final List<String[]> forbiddenByOthers = new ArrayList<>();

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
     * @param agentLabels the node labels of the agents of this cycle: with the placed pods' nodes,
     *     the domains a spread constraint counts
     */
    static PodTermsFit of(PodTerms pod, List<PodTerms.Placed> placed, List<Map<String, String>> agentLabels) {
        PodTermsFit f = new PodTermsFit(pod);
        for (PodTerms.Spread s : pod.spread()) {
            f.spreads.add(counts(pod, s, placed, agentLabels));
        }
        for (PodTerms.Term t : pod.requiredAffinity()) {
            f.affinity.add(domains(pod, t, placed));
            f.selfMatch.add(t.selects(pod.namespace(), pod.namespace(), pod.labels()));
        }
        for (PodTerms.Term t : pod.requiredAntiAffinity()) {
            f.anti.add(domains(pod, t, placed));
        }
        for (PodTerms.Weighted w : pod.preferredAffinity()) {
            f.preferred.add(domains(pod, w.term(), placed));
            f.weights.add(w.weight());
        }
        for (PodTerms.Weighted w : pod.preferredAntiAffinity()) {
            f.preferred.add(domains(pod, w.term(), placed));
            f.weights.add(-w.weight());
        }
        for (PodTerms.Placed p : placed) {
            for (PodTerms.Term t : p.pod().requiredAntiAffinity()) {
                String v = p.nodeLabels().get(t.topologyKey());
                if (v != null && t.selects(p.pod().namespace(), pod.namespace(), pod.labels())) {
                    f.forbiddenByOthers.add(new String[] {t.topologyKey(), v});
                }
            }
        }
        return f;
    }

    private static SpreadCounts counts(
            PodTerms pod, PodTerms.Spread s, List<PodTerms.Placed> placed, List<Map<String, String>> agentLabels) {
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (Map<String, String> labels : agentLabels) {
            String v = labels.get(s.topologyKey());
            if (v != null) {
                counts.putIfAbsent(v, 0);
            }
        }
        for (PodTerms.Placed p : placed) {
            String v = p.nodeLabels().get(s.topologyKey());
            if (v == null) {
                continue;
            }
            boolean selected = p.pod().namespace().equals(pod.namespace())
                    && s.selector().matches(p.pod().labels());
            counts.merge(v, selected ? 1 : 0, Integer::sum);
        }
        int fewest = counts.values().stream().mapToInt(Integer::intValue).min().orElse(0);
        if (s.minDomains() != null && counts.size() < s.minDomains()) {
            fewest = 0;
        }
        return new SpreadCounts(s, counts, fewest);
    }

    private static Domains domains(PodTerms pod, PodTerms.Term t, List<PodTerms.Placed> placed) {
        Set<String> values = new HashSet<>();
        for (PodTerms.Placed p : placed) {
            String v = p.nodeLabels().get(t.topologyKey());
            if (v != null
                    && t.selects(pod.namespace(), p.pod().namespace(), p.pod().labels())) {
                values.add(v);
            }
        }
        return new Domains(t, values);
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
        for (String[] kv : forbiddenByOthers) {
            if (kv[1].equals(nodeLabels.get(kv[0]))) {
                return new Fit.Miss(
                        Shortfall.Reason.POD_ANTI_AFFINITY,
                        kv[0],
                        "with a pod whose anti-affinity excludes this pod from its " + kv[0]);
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
