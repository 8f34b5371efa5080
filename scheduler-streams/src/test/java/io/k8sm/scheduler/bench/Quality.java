package io.k8sm.scheduler.bench;

import io.k8sm.scheduler.procurement.AgentOffer;
import io.k8sm.scheduler.procurement.Placement;
import io.k8sm.scheduler.procurement.PlacementResult;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Placement quality: pods placed, agents used, and cpu/mem utilisation of the used agents (what
 * pods and executors took / what those agents offered).
 */
public record Quality(int placed, int agentsUsed, double cpuUtilisation, double memUtilisation) {

    public static Quality of(List<PlacementResult> results, List<AgentOffer> offers) {
        Map<String, double[]> capacity = new HashMap<>();
        for (AgentOffer o : offers) {
            double[] c = capacity.computeIfAbsent(o.agentId(), k -> new double[2]);
            c[0] += o.cpus().values().stream().mapToDouble(Double::doubleValue).sum();
            c[1] += o.memMb().values().stream().mapToDouble(Double::doubleValue).sum();
        }
        Map<String, double[]> used = new HashMap<>();
        int placed = 0;
        for (PlacementResult r : results) {
            if (r instanceof Placement p) {
                placed++;
                double[] u = used.computeIfAbsent(p.agentId(), k -> new double[2]);
                u[0] += p.totalCpus()
                        + p.executorCpus().stream().mapToDouble(x -> x.amount()).sum();
                u[1] += p.totalMemMb()
                        + p.executorMemMb().stream()
                                .mapToDouble(x -> x.amount())
                                .sum();
            }
        }
        double uc = 0;
        double um = 0;
        double cc = 0;
        double cm = 0;
        for (var e : used.entrySet()) {
            uc += e.getValue()[0];
            um += e.getValue()[1];
            cc += capacity.get(e.getKey())[0];
            cm += capacity.get(e.getKey())[1];
        }
        return new Quality(placed, used.size(), cc == 0 ? 0 : uc / cc, cm == 0 ? 0 : um / cm);
    }

    @Override
    public String toString() {
        return String.format(
                "placed %d, agents used %d, cpu utilisation %.1f%%, mem utilisation %.1f%%",
                placed, agentsUsed, 100 * cpuUtilisation, 100 * memUtilisation);
    }
}
