package io.k8sm.scheduler.bench;

import io.k8sm.scheduler.procurement.AgentOffer;
import io.k8sm.scheduler.procurement.Cluster;
import io.k8sm.scheduler.procurement.PlacementEngine;
import io.k8sm.scheduler.procurement.PlacementPolicy;
import io.k8sm.scheduler.procurement.PodRequest;
import io.k8sm.scheduler.procurement.ProcurementConfig;
import java.util.List;
import java.util.Random;

/**
 * Prints placement quality of first-fit, bin-pack and Fenzo on the benchmark's workloads (one run
 * each).
 */
public final class QualityReport {
    private QualityReport() {}

    public static void main(String[] args) {
        ProcurementConfig config = ProcurementConfig.defaults();
        for (int agents : new int[] {1000, 5000}) {
            List<AgentOffer> offers = Workload.offers(new Random(42), agents, false, config);
            List<PodRequest> pods = Workload.pods(new Random(43), PlacementBenchmark.PODS, false, config);
            for (PlacementPolicy p : PlacementPolicy.values()) {
                var results = new PlacementEngine(p).placeAll(pods, Cluster.of(offers, config));
                System.out.printf(
                        "QUALITY %-9s %5d agents, %d pods: %s%n",
                        p.configName(), agents, pods.size(), Quality.of(results, offers));
            }
            var fenzo = FenzoAdapter.scheduler();
            try {
                var r = fenzo.scheduleOnce(FenzoAdapter.tasks(pods), FenzoAdapter.leases(offers));
                System.out.printf(
                        "QUALITY %-9s %5d agents, %d pods: %s%n",
                        "fenzo", agents, pods.size(), FenzoAdapter.quality(r, offers));
            } finally {
                fenzo.shutdown();
            }
        }
    }
}
