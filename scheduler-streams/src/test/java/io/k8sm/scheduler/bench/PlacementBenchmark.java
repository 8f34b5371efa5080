package io.k8sm.scheduler.bench;

import com.netflix.fenzo.SchedulingResult;
import com.netflix.fenzo.TaskRequest;
import com.netflix.fenzo.TaskScheduler;
import com.netflix.fenzo.VirtualMachineLease;
import io.k8sm.scheduler.procurement.AgentOffer;
import io.k8sm.scheduler.procurement.Cluster;
import io.k8sm.scheduler.procurement.PlacementEngine;
import io.k8sm.scheduler.procurement.PlacementPolicy;
import io.k8sm.scheduler.procurement.PlacementResult;
import io.k8sm.scheduler.procurement.PodRequest;
import io.k8sm.scheduler.procurement.ProcurementConfig;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Placement throughput: 10,000 pending pods placed in one cycle on 1,000 or 5,000 agents, by our
 * engine (first-fit, bin-pack; single thread) and by Fenzo (cpu+mem bin packer; its own thread pool
 * of one thread per core). One invocation = the whole batch; the score is per placement, so
 * placements/s = 1 / score. Quality (agents used, utilisation) is printed at the end of each trial.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@OperationsPerInvocation(PlacementBenchmark.PODS)
@Warmup(iterations = 5)
@Measurement(iterations = 10)
@Fork(2)
public class PlacementBenchmark {
    static final int PODS = 10_000;
    static final ProcurementConfig CONFIG = ProcurementConfig.defaults();

    @State(Scope.Benchmark)
    public static class World {
        @Param({"1000", "5000"})
        public int agents;

        List<AgentOffer> offers;
        List<PodRequest> pods;
        List<VirtualMachineLease> leases;
        List<TaskRequest> tasks;

        @Setup(Level.Trial)
        public void build() {
            offers = Workload.offers(new Random(42), agents, false, CONFIG);
            pods = Workload.pods(new Random(43), PODS, false, CONFIG);
            leases = FenzoAdapter.leases(offers);
            tasks = FenzoAdapter.tasks(pods);
        }
    }

    /** A fresh ledger per invocation (building it is not measured). */
    @State(Scope.Thread)
    public static class Ledger {
        Cluster cluster;
        List<PlacementResult> last;
        String policy;

        @Setup(Level.Invocation)
        public void fresh(World w) {
            cluster = Cluster.of(w.offers, CONFIG);
        }

        @TearDown(Level.Trial)
        public void report(World w) {
            if (last != null) {
                System.out.printf("%nQUALITY %s agents=%d: %s%n", policy, w.agents, Quality.of(last, w.offers));
            }
        }
    }

    /** A fresh Fenzo scheduler per invocation (building it is not measured). */
    @State(Scope.Thread)
    public static class Fenzo {
        TaskScheduler scheduler;
        SchedulingResult last;

        @Setup(Level.Invocation)
        public void fresh() {
            scheduler = FenzoAdapter.scheduler();
        }

        @TearDown(Level.Invocation)
        public void stop() {
            scheduler.shutdown();
        }

        @TearDown(Level.Trial)
        public void report(World w) {
            if (last != null) {
                System.out.printf("%nQUALITY fenzo agents=%d: %s%n", w.agents, FenzoAdapter.quality(last, w.offers));
            }
        }
    }

    private static final PlacementEngine FIRST_FIT = new PlacementEngine(PlacementPolicy.FIRST_FIT);
    private static final PlacementEngine BIN_PACK = new PlacementEngine(PlacementPolicy.BIN_PACK);

    @Benchmark
    public List<PlacementResult> firstFit(World w, Ledger l) {
        l.policy = "first-fit";
        return l.last = FIRST_FIT.placeAll(w.pods, l.cluster);
    }

    @Benchmark
    public List<PlacementResult> binPack(World w, Ledger l) {
        l.policy = "bin-pack";
        return l.last = BIN_PACK.placeAll(w.pods, l.cluster);
    }

    @Benchmark
    public SchedulingResult fenzo(World w, Fenzo f) {
        return f.last = f.scheduler.scheduleOnce(w.tasks, w.leases);
    }
}
