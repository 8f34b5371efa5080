package io.k8sm.scheduler.matching;

import io.k8sm.avro.NodeSnapshot;
import io.k8sm.avro.Offer;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.TaskSpec;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Matching queued pods to live offers. The state machine knows no fit logic: it hands the pods (in
 * queue order), the live offers (in arrival order) and the Kubernetes nodes of the offering agents
 * (for their taints and cordon) to a matcher and applies the answer. The
 * production matcher is {@link ProcurementMatcher} over the procurement
 * package.
 */
public interface Matcher {

    Result match(List<PodSnapshot> pods, List<Offer> offers, Context context);

    /**
     * What a matcher may look up beyond the pods and offers.
     *
     * @param nodes the latest Kubernetes node snapshot of a node name, or null (an agent without a
     *     node snapshot has no taints)
     * @param running the pods placed before this round that still hold their agent, with the
     *     agent's hostname (asked for only when a pod's inter-pod terms need them)
     * @param allNodes every Kubernetes node known (asked for only when a pod spreads: the domains it
     *     spreads over)
     */
    record Context(
            Function<String, NodeSnapshot> nodes,
            Supplier<List<Running>> running,
            Supplier<List<NodeSnapshot>> allNodes) {
        /** No nodes and no running pods. */
        public static final Context NONE = new Context(name -> null, List::of, List::of);
    }

    /** A pod placed before this round, on the agent of that hostname. */
    record Running(PodSnapshot pod, String hostname) {}

    /**
     * A pod placed on one agent's offers with the spec it was given (AssignedSlave = the agent's
     * hostname, offerIds = the offers drawn on, first one first).
     */
    record Placed(String podKey, List<String> offerIds, TaskSpec spec) {
        public Placed {
            offerIds = List.copyOf(offerIds);
            if (offerIds.isEmpty()) {
                throw new IllegalArgumentException("a placement draws on at least one offer");
            }
        }
    }

    /**
     * @param placed the pods placed, in queue order
     * @param shortfalls for each pod not placed, what was short (a message for FAILED_SCHEDULING)
     */
    record Result(List<Placed> placed, Map<String, String> shortfalls) {
        public Result {
            placed = List.copyOf(placed);
            shortfalls = Map.copyOf(shortfalls);
        }
    }
}
