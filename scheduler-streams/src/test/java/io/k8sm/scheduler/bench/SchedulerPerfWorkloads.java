package io.k8sm.scheduler.bench;

import io.k8sm.scheduler.procurement.AgentOffer;
import io.k8sm.scheduler.procurement.Attribute;
import io.k8sm.scheduler.procurement.Cluster;
import io.k8sm.scheduler.procurement.ContainerRequest;
import io.k8sm.scheduler.procurement.NodeAffinity;
import io.k8sm.scheduler.procurement.Placement;
import io.k8sm.scheduler.procurement.PlacementEngine;
import io.k8sm.scheduler.procurement.PlacementPolicy;
import io.k8sm.scheduler.procurement.PlacementResult;
import io.k8sm.scheduler.procurement.PodRequest;
import io.k8sm.scheduler.procurement.PodTerms;
import io.k8sm.scheduler.procurement.PortRange;
import io.k8sm.scheduler.procurement.ProcurementConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * The workloads of kube-scheduler's {@code scheduler_perf} (SchedulingBasic, node affinity, pod
 * anti-affinity, topology spreading) on the placement core, single-threaded, and PreemptionBasic
 * through the state machine ({@link PreemptionWorkload}): placements/s, agents
 * used and pods left unplaced, beside kube-scheduler's published CI thresholds where the issue
 * gives one. Command: {@code ./mvnw -q -pl scheduler-streams -am -Pbench-semantics verify
 * -DskipTests [-Dbench.args="AGENTS PODS"]} (default 5000 10000).
 */
public final class SchedulerPerfWorkloads {

    private static final String ZONE = "k8s.mesosphere.io/attribute-zone";
    private static final ProcurementConfig CONFIG = ProcurementConfig.defaults();

    private SchedulerPerfWorkloads() {}

    private record Workload(String name, Integer kubeThreshold, IntFunction<PodRequest> pod) {}

    public static void main(String[] args) {
        int agents = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
        int pods = args.length > 1 ? Integer.parseInt(args[1]) : 10000;
        List<Workload> workloads = List.of(
                new Workload("SchedulingBasic", 680, i -> plain(i)),
                new Workload("SchedulingNodeAffinity", null, i -> plain(i).withNodeAffinity(zonesOneAndTwo())),
                new Workload("SchedulingPodAntiAffinity", null, i -> antiAffinity(i)),
                new Workload("TopologySpreading", null, i -> spread(i)));
        System.out.printf(
                "%-28s %8s %8s %12s %12s %10s %10s%n",
                "workload", "agents", "pods", "placements/s", "kube floor", "unplaced", "agents used");
        for (Workload w : workloads) {
            List<PodRequest> batch = new ArrayList<>(pods);
            for (int i = 0; i < pods; i++) {
                batch.add(w.pod().apply(i));
            }
            run(w, agents, batch, true); // warm-up
            run(w, agents, batch, false);
        }
        // scheduler_perf's PreemptionBasic uses 500 nodes; here through the state machine
        int preemptionAgents = Math.min(agents, 500);
        PreemptionWorkload.run(preemptionAgents, true);
        PreemptionWorkload.run(preemptionAgents, false);
    }

    private static void run(Workload w, int agents, List<PodRequest> batch, boolean warmUp) {
        Cluster cluster = Cluster.of(offers(agents), CONFIG);
        PlacementEngine engine = new PlacementEngine(PlacementPolicy.FIRST_FIT);
        long start = System.nanoTime();
        List<PlacementResult> results = engine.placeAll(batch, cluster);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (warmUp) {
            return;
        }
        int unplaced = 0;
        Set<String> used = new HashSet<>();
        for (PlacementResult r : results) {
            if (r instanceof Placement p) {
                used.add(p.agentId());
            } else {
                unplaced++;
            }
        }
        System.out.printf(
                "%-28s %8d %8d %12.0f %12s %10d %10d%n",
                w.name(),
                agents,
                batch.size(),
                (batch.size() - unplaced) / seconds,
                w.kubeThreshold() == null ? "n/a" : w.kubeThreshold().toString(),
                unplaced,
                used.size());
    }

    /** Agents of 4 cpus and 16 GiB in five zones, as scheduler_perf's default nodes. */
    private static List<AgentOffer> offers(int n) {
        List<AgentOffer> offers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            offers.add(new AgentOffer(
                    "o-" + i,
                    "a-" + i,
                    "node-" + i,
                    Map.of("*", 4.0),
                    Map.of("*", 16384.0),
                    Map.of("*", List.of(PortRange.of(31000, 31099))),
                    List.of(Attribute.text("zone", "z" + (i % 5))),
                    Set.of()));
        }
        return offers;
    }

    private static PodRequest plain(int i) {
        return PodRequest.of(
                "ns/pod-" + i,
                List.of(ContainerRequest.withLimits("c", 0.1, 128.0, List.of(), CONFIG)),
                null,
                Map.of(),
                Map.of(),
                CONFIG);
    }

    private static NodeAffinity zonesOneAndTwo() {
        return new NodeAffinity(
                List.of(new NodeAffinity.Term(
                        List.of(new NodeAffinity.Requirement(ZONE, "In", List.of("z1", "z2"))), List.of())),
                List.of());
    }

    /** Pods of one app, at most one per node ({@code kubernetes.io/hostname}). */
    private static PodRequest antiAffinity(int i) {
        PodTerms.Term sameApp = new PodTerms.Term(
                new PodTerms.Selector(Map.of("app", "anti"), List.of(), true), List.of(), AgentOffer.HOSTNAME_LABEL);
        return plain(i).withPodTerms(new PodTerms(
                "ns", Map.of("app", "anti"), List.of(), List.of(sameApp), List.of(), List.of(), List.of()));
    }

    /** Pods of one app spread over the zones with maxSkew 1. */
    private static PodRequest spread(int i) {
        PodTerms.Spread zones = new PodTerms.Spread(
                1, ZONE, true, new PodTerms.Selector(Map.of("app", "spread"), List.of(), true), null);
        return plain(i).withPodTerms(new PodTerms(
                "ns", Map.of("app", "spread"), List.of(), List.of(), List.of(), List.of(), List.of(zones)));
    }
}
