package io.k8sm.scheduler.bench;

import com.netflix.fenzo.ConstraintEvaluator;
import com.netflix.fenzo.SchedulingResult;
import com.netflix.fenzo.TaskRequest;
import com.netflix.fenzo.TaskScheduler;
import com.netflix.fenzo.VMAssignmentResult;
import com.netflix.fenzo.VMTaskFitnessCalculator;
import com.netflix.fenzo.VirtualMachineLease;
import com.netflix.fenzo.plugins.BinPackingFitnessCalculators;
import io.k8sm.scheduler.procurement.AgentOffer;
import io.k8sm.scheduler.procurement.ContainerRequest;
import io.k8sm.scheduler.procurement.PodRequest;
import io.k8sm.scheduler.procurement.PortRange;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.mesos.Protos;

/**
 * The same offers and pods as Fenzo leases and task requests, and a Fenzo scheduler with cpu+mem
 * bin packing.
 */
public final class FenzoAdapter {
    private FenzoAdapter() {}

    /**
     * A fresh scheduler: cpu+mem bin packing, Fenzo's default "good enough" (it evaluates every
     * agent).
     */
    public static TaskScheduler scheduler() {
        return new TaskScheduler.Builder()
                .withLeaseOfferExpirySecs(3600)
                .withLeaseRejectAction(lease -> {})
                .withFitnessCalculator(BinPackingFitnessCalculators.cpuMemBinPacker)
                .build();
    }

    public static List<VirtualMachineLease> leases(List<AgentOffer> offers) {
        long now = System.currentTimeMillis();
        List<VirtualMachineLease> out = new ArrayList<>(offers.size());
        for (AgentOffer o : offers) {
            List<VirtualMachineLease.Range> ranges = new ArrayList<>();
            for (List<PortRange> rs : o.ports().values()) {
                for (PortRange r : rs) {
                    ranges.add(new VirtualMachineLease.Range(r.begin(), r.end()));
                }
            }
            double cpus =
                    o.cpus().values().stream().mapToDouble(Double::doubleValue).sum();
            double mem =
                    o.memMb().values().stream().mapToDouble(Double::doubleValue).sum();
            out.add(new Lease(o.offerId(), o.agentId(), o.hostname(), cpus, mem, List.copyOf(ranges), now));
        }
        return out;
    }

    public static List<TaskRequest> tasks(List<PodRequest> pods) {
        List<TaskRequest> out = new ArrayList<>(pods.size());
        for (PodRequest p : pods) {
            int ports = 0;
            for (ContainerRequest c : p.containers()) {
                ports += c.ports().size();
            }
            out.add(new Task(p.podKey(), p.cpus(), p.memMb(), ports));
        }
        return out;
    }

    /** Quality of a Fenzo result, measured like ours. */
    public static Quality quality(SchedulingResult result, List<AgentOffer> offers) {
        Map<String, AgentOffer> byHost = new java.util.HashMap<>();
        offers.forEach(o -> byHost.put(o.hostname(), o));
        int placed = 0;
        double usedCpu = 0;
        double usedMem = 0;
        double capCpu = 0;
        double capMem = 0;
        for (VMAssignmentResult vm : result.getResultMap().values()) {
            AgentOffer o = byHost.get(vm.getHostname());
            capCpu +=
                    o.cpus().values().stream().mapToDouble(Double::doubleValue).sum();
            capMem +=
                    o.memMb().values().stream().mapToDouble(Double::doubleValue).sum();
            for (var t : vm.getTasksAssigned()) {
                placed++;
                usedCpu += t.getRequest().getCPUs();
                usedMem += t.getRequest().getMemory();
            }
        }
        return new Quality(placed, result.getResultMap().size(), usedCpu / capCpu, usedMem / capMem);
    }

    private record Lease(
            String id,
            String vmId,
            String host,
            double cpus,
            double mem,
            List<VirtualMachineLease.Range> ranges,
            long offeredTime)
            implements VirtualMachineLease {
        @Override
        public String getId() {
            return id;
        }

        @Override
        public long getOfferedTime() {
            return offeredTime;
        }

        @Override
        public String hostname() {
            return host;
        }

        @Override
        public String getVMID() {
            return vmId;
        }

        @Override
        public double cpuCores() {
            return cpus;
        }

        @Override
        public double memoryMB() {
            return mem;
        }

        @Override
        public double networkMbps() {
            return 0;
        }

        @Override
        public double diskMB() {
            return 0;
        }

        @Override
        public List<Range> portRanges() {
            return ranges;
        }

        @Override
        public Protos.Offer getOffer() {
            return null;
        }

        @Override
        public Map<String, Protos.Attribute> getAttributeMap() {
            return java.util.Collections.emptyMap(); // Fenzo looks up null keys: Map.of() would throw
        }

        @Override
        public Double getScalarValue(String name) {
            return null;
        }

        @Override
        public Map<String, Double> getScalarValues() {
            return java.util.Collections.emptyMap();
        }
    }

    private static final class Task implements TaskRequest {
        private final String id;
        private final double cpus;
        private final double mem;
        private final int ports;
        private AssignedResources assigned;

        Task(String id, double cpus, double mem, int ports) {
            this.id = id;
            this.cpus = cpus;
            this.mem = mem;
            this.ports = ports;
        }

        @Override
        public String getId() {
            return id;
        }

        @Override
        public String taskGroupName() {
            return "pods";
        }

        @Override
        public double getCPUs() {
            return cpus;
        }

        @Override
        public double getMemory() {
            return mem;
        }

        @Override
        public double getNetworkMbps() {
            return 0;
        }

        @Override
        public double getDisk() {
            return 0;
        }

        @Override
        public int getPorts() {
            return ports;
        }

        @Override
        public Map<String, Double> getScalarRequests() {
            return null;
        }

        @Override
        public Map<String, NamedResourceSetRequest> getCustomNamedResources() {
            return java.util.Collections.emptyMap();
        }

        @Override
        public List<? extends ConstraintEvaluator> getHardConstraints() {
            return null;
        }

        @Override
        public List<? extends VMTaskFitnessCalculator> getSoftConstraints() {
            return null;
        }

        @Override
        public void setAssignedResources(AssignedResources assignedResources) {
            this.assigned = assignedResources;
        }

        @Override
        public AssignedResources getAssignedResources() {
            return assigned;
        }
    }
}
