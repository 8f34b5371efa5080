package io.k8sm.launcher.source;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodSchedulingGate;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * A pod spec's placement constraints in the terms of the {@code pods} topic: node affinity,
 * inter-pod (anti-)affinity, tolerations, scheduling gates. Pure.
 */
final class PodConstraints {

    private PodConstraints() {}

    static List<io.k8sm.avro.Toleration> tolerations(List<Toleration> ts) {
        List<io.k8sm.avro.Toleration> out = new ArrayList<>();
        for (Toleration t : orEmpty(ts)) {
            out.add(new io.k8sm.avro.Toleration(
                    t.getKey(),
                    t.getOperator() == null || t.getOperator().isEmpty() ? "Equal" : t.getOperator(),
                    t.getValue(),
                    t.getEffect(),
                    t.getTolerationSeconds()));
        }
        return out;
    }

    /** The pod's node affinity in the snapshot's terms; null when it has none. */
    static io.k8sm.avro.NodeAffinity nodeAffinity(Affinity affinity) {
        NodeAffinity a = affinity == null ? null : affinity.getNodeAffinity();
        if (a == null) {
            return null;
        }
        NodeSelector required = a.getRequiredDuringSchedulingIgnoredDuringExecution();
        List<io.k8sm.avro.PreferredSchedulingTerm> preferred = new ArrayList<>();
        for (PreferredSchedulingTerm p : orEmpty(a.getPreferredDuringSchedulingIgnoredDuringExecution())) {
            preferred.add(new io.k8sm.avro.PreferredSchedulingTerm(
                    p.getWeight() == null ? 0 : p.getWeight(), term(p.getPreference())));
        }
        return new io.k8sm.avro.NodeAffinity(
                required == null
                        ? null
                        : orEmpty(required.getNodeSelectorTerms()).stream()
                                .map(PodConstraints::term)
                                .toList(),
                preferred);
    }

    private static io.k8sm.avro.NodeSelectorTerm term(NodeSelectorTerm t) {
        return t == null
                ? new io.k8sm.avro.NodeSelectorTerm(List.of(), List.of())
                : new io.k8sm.avro.NodeSelectorTerm(
                        requirements(t.getMatchExpressions()), requirements(t.getMatchFields()));
    }

    private static List<io.k8sm.avro.NodeSelectorRequirement> requirements(List<NodeSelectorRequirement> rs) {
        List<io.k8sm.avro.NodeSelectorRequirement> out = new ArrayList<>();
        for (NodeSelectorRequirement r : orEmpty(rs)) {
            out.add(new io.k8sm.avro.NodeSelectorRequirement(
                    r.getKey() == null ? "" : r.getKey(),
                    r.getOperator() == null ? "" : r.getOperator(),
                    new ArrayList<>(orEmpty(r.getValues()))));
        }
        return out;
    }

    static List<String> schedulingGates(PodSpec spec) {
        List<String> gates = new ArrayList<>();
        if (spec != null) {
            for (PodSchedulingGate g : orEmpty(spec.getSchedulingGates())) {
                gates.add(g.getName() == null ? "" : g.getName());
            }
        }
        return gates;
    }

    private static <T> List<T> orEmpty(List<T> l) {
        return l == null ? List.of() : l;
    }

    static io.k8sm.avro.PodAffinity podAffinity(Affinity affinity) {
        var a = affinity == null ? null : affinity.getPodAffinity();
        return a == null
                ? null
                : podAffinity(
                        a.getRequiredDuringSchedulingIgnoredDuringExecution(),
                        a.getPreferredDuringSchedulingIgnoredDuringExecution());
    }

    static io.k8sm.avro.PodAffinity podAntiAffinity(Affinity affinity) {
        var a = affinity == null ? null : affinity.getPodAntiAffinity();
        return a == null
                ? null
                : podAffinity(
                        a.getRequiredDuringSchedulingIgnoredDuringExecution(),
                        a.getPreferredDuringSchedulingIgnoredDuringExecution());
    }

    private static io.k8sm.avro.PodAffinity podAffinity(
            List<PodAffinityTerm> required, List<WeightedPodAffinityTerm> preferred) {
        List<io.k8sm.avro.WeightedPodAffinityTerm> weighted = new ArrayList<>();
        for (WeightedPodAffinityTerm w : orEmpty(preferred)) {
            weighted.add(new io.k8sm.avro.WeightedPodAffinityTerm(
                    w.getWeight() == null ? 0 : w.getWeight(), podTerm(w.getPodAffinityTerm())));
        }
        return new io.k8sm.avro.PodAffinity(
                orEmpty(required).stream().map(PodConstraints::podTerm).toList(), weighted);
    }

    static List<io.k8sm.avro.TopologySpreadConstraint> spread(PodSpec spec) {
        List<io.k8sm.avro.TopologySpreadConstraint> out = new ArrayList<>();
        for (TopologySpreadConstraint c :
                spec == null ? List.<TopologySpreadConstraint>of() : orEmpty(spec.getTopologySpreadConstraints())) {
            LabelSelector sel = c.getLabelSelector();
            out.add(new io.k8sm.avro.TopologySpreadConstraint(
                    c.getMaxSkew() == null ? 1 : c.getMaxSkew(),
                    c.getTopologyKey() == null ? "" : c.getTopologyKey(),
                    c.getWhenUnsatisfiable() == null ? "DoNotSchedule" : c.getWhenUnsatisfiable(),
                    matchLabels(sel),
                    expressions(sel),
                    sel != null,
                    c.getMinDomains()));
        }
        return out;
    }

    private static java.util.Map<String, String> matchLabels(LabelSelector sel) {
        return sel == null || sel.getMatchLabels() == null ? new HashMap<>() : new HashMap<>(sel.getMatchLabels());
    }

    private static List<io.k8sm.avro.NodeSelectorRequirement> expressions(LabelSelector sel) {
        List<io.k8sm.avro.NodeSelectorRequirement> expressions = new ArrayList<>();
        if (sel != null) {
            for (LabelSelectorRequirement r : orEmpty(sel.getMatchExpressions())) {
                expressions.add(new io.k8sm.avro.NodeSelectorRequirement(
                        r.getKey() == null ? "" : r.getKey(),
                        r.getOperator() == null ? "" : r.getOperator(),
                        new ArrayList<>(orEmpty(r.getValues()))));
            }
        }
        return expressions;
    }

    private static io.k8sm.avro.PodAffinityTerm podTerm(PodAffinityTerm t) {
        LabelSelector sel = t == null ? null : t.getLabelSelector();
        return new io.k8sm.avro.PodAffinityTerm(
                matchLabels(sel),
                expressions(sel),
                sel != null,
                t == null ? new ArrayList<>() : new ArrayList<>(orEmpty(t.getNamespaces())),
                t == null || t.getTopologyKey() == null ? "" : t.getTopologyKey());
    }
}
