package io.k8sm.scheduler.matching;

import io.k8sm.avro.NodeSelectorRequirement;
import io.k8sm.avro.NodeSelectorTerm;
import io.k8sm.avro.NodeSnapshot;
import io.k8sm.scheduler.procurement.NodeAffinity;
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
