package io.k8sm.scheduler.procurement;

import java.util.ArrayList;
import java.util.List;

/**
 * The policies by their definition, without any index: every pod checks every agent. The reference
 * the indexed {@link PlacementEngine} must agree with.
 */
final class NaivePlacement {
    private final PlacementPolicy policy;

    NaivePlacement(PlacementPolicy policy) {
        this.policy = policy;
    }

    List<PlacementResult> placeAll(List<PodRequest> pods, Cluster cluster) {
        List<PlacementResult> out = new ArrayList<>();
        for (PodRequest pod : pods) {
            PodNeeds n = cluster.needs(pod);
            int best = -1;
            double bestFree = Double.MAX_VALUE;
            for (int i = 0; i < cluster.agentCount(); i++) {
                if (cluster.check(n, i) != null) {
                    continue;
                }
                if (policy == PlacementPolicy.FIRST_FIT) {
                    best = i;
                    break;
                }
                double free = freeAfter(cluster, n, cluster.agent(i));
                if (free < bestFree) {
                    best = i;
                    bestFree = free;
                }
            }
            out.add(best < 0 ? cluster.shortfall(n) : cluster.commit(n, best));
        }
        return out;
    }

    /**
     * Free cpu/refCpu + free mem/refMem in the pod's roles after placing it (and our executor if
     * absent).
     */
    private static double freeAfter(Cluster c, PodNeeds n, AgentState a) {
        double cpu = 0;
        double mem = 0;
        for (int r : n.roleSet) {
            cpu += a.cpu[r];
            mem += a.mem[r];
        }
        cpu -= n.cpu;
        mem -= n.mem;
        if (!a.executorPresent) {
            cpu -= c.execCpu;
            mem -= c.execMem;
        }
        return cpu / c.refCpu + mem / c.refMem;
    }
}
