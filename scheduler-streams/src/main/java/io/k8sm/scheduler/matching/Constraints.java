package io.k8sm.scheduler.matching;

import io.k8sm.avro.NodeSelectorRequirement;
import io.k8sm.avro.NodeSelectorTerm;
import io.k8sm.avro.NodeSnapshot;
import io.k8sm.avro.PodAffinityTerm;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.WeightedPodAffinityTerm;
import io.k8sm.contract.NodeNames;
import io.k8sm.scheduler.procurement.NodeAffinity;
import io.k8sm.scheduler.procurement.PodTerms;
import io.k8sm.scheduler.procurement.Taint;
import io.k8sm.scheduler.procurement.Toleration;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kubernetes placement constraints of the Avro snapshots in procurement's terms: a pod's node
 * affinity and tolerations, a node's taints and cordon. Pure.
 */
public final class Constraints {

    private Constraints() {}

    /** The pod's node affinity; {@link NodeAffinity#NONE} when it has none. */
    public static NodeAffinity nodeAffinity(io.k8sm.avro.NodeAffinity a) {
        if (a == null) {
            return NodeAffinity.NONE;
        }
        List<NodeAffinity.Term> required = null;
        if (a.getRequired() != null) {
            required = a.getRequired().stream().map(Constraints::term).toList();
        }
        List<NodeAffinity.Preference> preferred = a.getPreferred().stream()
                .map(p -> new NodeAffinity.Preference(p.getWeight(), term(p.getPreference())))
                .toList();
        return new NodeAffinity(required, preferred);
    }

    private static NodeAffinity.Term term(NodeSelectorTerm t) {
        return new NodeAffinity.Term(requirements(t.getMatchExpressions()), requirements(t.getMatchFields()));
    }

    private static List<NodeAffinity.Requirement> requirements(List<NodeSelectorRequirement> rs) {
        return rs.stream()
                .map(r -> new NodeAffinity.Requirement(r.getKey(), r.getOperator(), r.getValues()))
                .toList();
    }

    public static List<Toleration> tolerations(List<io.k8sm.avro.Toleration> ts) {
        return ts.stream()
                .map(t -> new Toleration(
                        t.getKey(), t.getOperator(), t.getValue(), t.getEffect(), t.getTolerationSeconds()))
                .toList();
    }

    /** Whether the pod has inter-pod affinity, anti-affinity or topology spread constraints. */
    public static boolean hasPodTerms(PodSnapshot pod) {
        return pod.getPodAffinity() != null
                || pod.getPodAntiAffinity() != null
                || !pod.getTopologySpreadConstraints().isEmpty();
    }

    /** The pod as other pods' terms see it (namespace, labels) and its own inter-pod terms. */
    public static PodTerms podTerms(PodSnapshot pod) {
        io.k8sm.avro.PodAffinity a = pod.getPodAffinity();
        io.k8sm.avro.PodAffinity anti = pod.getPodAntiAffinity();
        return new PodTerms(
                pod.getNamespace(),
                pod.getLabels(),
                a == null ? List.of() : terms(a.getRequired()),
                anti == null ? List.of() : terms(anti.getRequired()),
                a == null ? List.of() : weighted(a.getPreferred()),
                anti == null ? List.of() : weighted(anti.getPreferred()),
                pod.getTopologySpreadConstraints().stream()
                        .map(c -> new PodTerms.Spread(
                                c.getMaxSkew(),
                                c.getTopologyKey(),
                                !"ScheduleAnyway".equals(c.getWhenUnsatisfiable()),
                                new PodTerms.Selector(
                                        c.getMatchLabels(), requirements(c.getMatchExpressions()), c.getHasSelector()),
                                c.getMinDomains()))
                        .toList());
    }

    private static List<PodTerms.Term> terms(List<PodAffinityTerm> ts) {
        return ts.stream().map(Constraints::term).toList();
    }

    private static List<PodTerms.Weighted> weighted(List<WeightedPodAffinityTerm> ws) {
        return ws.stream()
                .map(w -> new PodTerms.Weighted(w.getWeight(), term(w.getTerm())))
                .toList();
    }

    private static PodTerms.Term term(PodAffinityTerm t) {
        return new PodTerms.Term(
                new PodTerms.Selector(t.getMatchLabels(), requirements(t.getMatchExpressions()), t.getHasSelector()),
                t.getNamespaces(),
                t.getTopologyKey());
    }

    /** The Kubernetes node name of a Mesos hostname; the hostname itself when it cannot be encoded. */
    public static String nodeName(String hostname) {
        try {
            return NodeNames.toNodeName(hostname);
        } catch (IllegalArgumentException e) {
            return hostname;
        }
    }

    /** The node's taints, its cordon ({@code spec.unschedulable}) as {@link Taint#UNSCHEDULABLE}. */
    public static List<Taint> taints(NodeSnapshot node) {
        List<Taint> taints = new ArrayList<>();
        for (io.k8sm.avro.Taint t : node.getTaints()) {
            taints.add(new Taint(t.getKey(), t.getValue(), t.getEffect()));
        }
        if (node.getUnschedulable()) {
            taints.add(Taint.UNSCHEDULABLE);
        }
        return taints;
    }
}
