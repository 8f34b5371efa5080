package io.k8sm.scheduler.procurement;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Places pods on a {@link Cluster} by a {@link PlacementPolicy}. Stateless; the cluster carries the
 * ledger. Deterministic: the same offers (in the same order) and pods give the same placements.
 */
public final class PlacementEngine {
    /**
     * With a node selector whose rarest label is on fewer than 1/8 of the agents, those agents are
     * scanned directly.
     */
    private static final int SELECTOR_SCAN_FRACTION = 8;

    private final PlacementPolicy policy;

    public PlacementEngine(PlacementPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    /** The engine for the configured policy. */
    public static PlacementEngine of(ProcurementConfig config) {
        return new PlacementEngine(config.policy());
    }

    public PlacementPolicy policy() {
        return policy;
    }

    /**
     * Places one pod: on success the cluster's ledger loses what the pod takes (and gains our
     * executor on that agent) and the {@link Placement} says what; else a {@link Shortfall} says why,
     * and the ledger is unchanged.
     */
    public PlacementResult place(PodRequest pod, Cluster cluster) {
        PodNeeds n = cluster.needs(pod);
        int agent = n.podError == null ? choose(n, cluster) : -1;
        return agent < 0 ? cluster.shortfall(n) : cluster.commit(n, agent);
    }

    /** Places pods in order on the same ledger (leftovers of one placement serve the next). */
    public List<PlacementResult> placeAll(List<PodRequest> pods, Cluster cluster) {
        List<PlacementResult> out = new ArrayList<>(pods.size());
        for (PodRequest p : pods) {
            out.add(place(p, cluster));
        }
        return out;
    }

    private int choose(PodNeeds n, Cluster cluster) {
        if (n.roleIds.length == 0) {
            return -1;
        }
        int[] few = fewCandidates(n, cluster);
        if (n.pod.nodeAffinity().prefers() || cluster.hasSoftTaints() || (n.terms != null && n.terms.prefers())) {
            return chooseAmong(few == null ? cluster.allAgents() : few, n, cluster);
        }
        if (few != null) {
            return chooseAmong(few, n, cluster);
        }
        RoleSetIndex idx = cluster.index(n);
        if (policy == PlacementPolicy.FIRST_FIT) {
            for (int from = 0; ; ) {
                int i = idx.firstAtLeast(from, n.cpu, n.mem);
                if (i < 0 || cluster.check(n, i) == null) {
                    return i;
                }
                from = i + 1;
            }
        }
        for (int i = idx.nextByScore(-1, n.cpu, n.mem); ; i = idx.nextByScore(i, n.cpu, n.mem)) {
            if (i < 0 || cluster.check(n, i) == null) {
                return i;
            }
        }
    }

    /**
     * The only agents that can take the pod when they are few: those of its {@code spec.nodeName},
     * or those with the rarest label of its node selector when that label is on fewer than 1/{@value
     * #SELECTOR_SCAN_FRACTION} of the agents; null when the index should be walked instead.
     */
    private static int[] fewCandidates(PodNeeds n, Cluster cluster) {
        if (!n.pod.nodeName().isEmpty()) {
            return cluster.agentsOnNode(n.pod.nodeName());
        }
        if (n.selectorKeys.length == 0) {
            return null;
        }
        int[] rarest = null;
        for (int i = 0; i < n.selectorKeys.length; i++) {
            int[] l = cluster.agentsWithLabel(n.selectorKeys[i], n.selectorValues[i]);
            if (rarest == null || l.length < rarest.length) {
                rarest = l;
            }
        }
        return (long) rarest.length * SELECTOR_SCAN_FRACTION < cluster.agentCount() ? rarest : null;
    }

    /**
     * The choice among candidate agents (given in stable order): among those that fit, the ones with
     * the highest preference (node affinity and inter-pod affinity weights), among those the ones with the fewest PreferNoSchedule
     * taints the pod does not tolerate, and among those the policy's choice (first-fit: the first;
     * bin-pack: the best score).
     */
    private int chooseAmong(int[] candidates, PodNeeds n, Cluster cluster) {
        NodeAffinity affinity = n.pod.nodeAffinity();
        boolean prefers = affinity.prefers() || (n.terms != null && n.terms.prefers());
        boolean soft = cluster.hasSoftTaints();
        RoleSetIndex idx = policy == PlacementPolicy.BIN_PACK ? cluster.index(n) : null;
        int best = -1;
        long bestPreference = Long.MIN_VALUE;
        long bestDiscouraged = Long.MAX_VALUE;
        long bestScore = Long.MAX_VALUE;
        for (int i : candidates) {
            if (cluster.check(n, i) != null) {
                continue;
            }
            if (idx == null && !prefers && !soft) {
                return i;
            }
            AgentState a = cluster.agent(i);
            long preference = !prefers
                    ? 0
                    : affinity.preference(a.labels, a.nodeName) + (n.terms == null ? 0 : n.terms.preference(a.labels));
            long discouraged = soft ? n.pod.discouragedBy(a.taints) : 0;
            long score = idx == null ? 0 : idx.score(i);
            if (preference != bestPreference
                    ? preference > bestPreference
                    : discouraged != bestDiscouraged ? discouraged < bestDiscouraged : score < bestScore) {
                best = i;
                bestPreference = preference;
                bestDiscouraged = discouraged;
                bestScore = score;
            }
        }
        return best;
    }
}
