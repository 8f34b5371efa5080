package io.k8sm.sandbox.mesos;

import io.k8sm.sandbox.mesos.SimulatedAgent.PortRange;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.mesos.v1.Protos.Resource;
import org.apache.mesos.v1.Protos.Value;

/** The cpus / mem / disk / ports quantities the simulator tracks per agent, offer and task. */
record SimResources(double cpus, double mem, double disk, List<PortRange> ports) {

    static final SimResources EMPTY = new SimResources(0, 0, 0, List.of());
    private static final double EPS = 1e-9;

    SimResources {
        ports = normalize(ports);
    }

    static SimResources of(SimulatedAgent a) {
        return new SimResources(a.cpus(), a.mem(), a.disk(), a.ports());
    }

    static SimResources fromProto(List<Resource> resources) {
        double cpus = 0, mem = 0, disk = 0;
        List<PortRange> ports = new ArrayList<>();
        for (Resource r : resources) {
            switch (r.getName()) {
                case "cpus" -> cpus += r.getScalar().getValue();
                case "mem" -> mem += r.getScalar().getValue();
                case "disk" -> disk += r.getScalar().getValue();
                case "ports" ->
                    r.getRanges().getRangeList().forEach(x -> ports.add(new PortRange(x.getBegin(), x.getEnd())));
                default -> {}
            }
        }
        return new SimResources(cpus, mem, disk, ports);
    }

    boolean isEmpty() {
        return cpus < EPS && mem < EPS && disk < EPS && ports.isEmpty();
    }

    SimResources plus(SimResources o) {
        List<PortRange> p = new ArrayList<>(ports);
        p.addAll(o.ports);
        return new SimResources(cpus + o.cpus, mem + o.mem, disk + o.disk, p);
    }

    /** This minus {@code o}, clamped at zero (ports: range subtraction). */
    SimResources minus(SimResources o) {
        List<PortRange> left = new ArrayList<>(ports);
        for (PortRange cut : o.ports) {
            List<PortRange> next = new ArrayList<>();
            for (PortRange r : left) {
                if (cut.end() < r.begin() || cut.begin() > r.end()) {
                    next.add(r);
                    continue;
                }
                if (cut.begin() > r.begin()) {
                    next.add(new PortRange(r.begin(), cut.begin() - 1));
                }
                if (cut.end() < r.end()) {
                    next.add(new PortRange(cut.end() + 1, r.end()));
                }
            }
            left = next;
        }
        return new SimResources(Math.max(0, cpus - o.cpus), Math.max(0, mem - o.mem), Math.max(0, disk - o.disk), left);
    }

    /** Whether {@code o} fits inside this. */
    boolean contains(SimResources o) {
        if (o.cpus > cpus + EPS || o.mem > mem + EPS || o.disk > disk + EPS) {
            return false;
        }
        for (PortRange want : o.ports) {
            boolean inside = ports.stream().anyMatch(r -> r.begin() <= want.begin() && want.end() <= r.end());
            if (!inside) {
                return false;
            }
        }
        return true;
    }

    /** The offer's resource list, as a master without RESERVATION_REFINEMENT renders it. */
    List<Resource> toProto(String resourceRole, String allocationRole) {
        List<Resource> out = new ArrayList<>();
        Resource.AllocationInfo alloc =
                Resource.AllocationInfo.newBuilder().setRole(allocationRole).build();
        for (String name : List.of("cpus", "mem", "disk")) {
            double v = switch (name) {
                case "cpus" -> cpus;
                case "mem" -> mem;
                default -> disk;
            };
            if (v > EPS) {
                out.add(Resource.newBuilder()
                        .setName(name)
                        .setType(Value.Type.SCALAR)
                        .setScalar(Value.Scalar.newBuilder().setValue(v))
                        .setRole(resourceRole)
                        .setAllocationInfo(alloc)
                        .build());
            }
        }
        if (!ports.isEmpty()) {
            Value.Ranges.Builder ranges = Value.Ranges.newBuilder();
            ports.forEach(r ->
                    ranges.addRange(Value.Range.newBuilder().setBegin(r.begin()).setEnd(r.end())));
            out.add(Resource.newBuilder()
                    .setName("ports")
                    .setType(Value.Type.RANGES)
                    .setRanges(ranges)
                    .setRole(resourceRole)
                    .setAllocationInfo(alloc)
                    .build());
        }
        return out;
    }

    private static List<PortRange> normalize(List<PortRange> in) {
        List<PortRange> sorted = new ArrayList<>(in);
        sorted.sort(Comparator.comparingLong(PortRange::begin));
        List<PortRange> out = new ArrayList<>();
        for (PortRange r : sorted) {
            if (!out.isEmpty() && out.get(out.size() - 1).end() + 1 >= r.begin()) {
                PortRange last = out.remove(out.size() - 1);
                out.add(new PortRange(last.begin(), Math.max(last.end(), r.end())));
            } else {
                out.add(r);
            }
        }
        return List.copyOf(out);
    }
}
