package io.k8sm.scheduler.bench;

import io.k8sm.scheduler.procurement.AgentOffer;
import io.k8sm.scheduler.procurement.Attribute;
import io.k8sm.scheduler.procurement.ContainerPort;
import io.k8sm.scheduler.procurement.ContainerRequest;
import io.k8sm.scheduler.procurement.PodRequest;
import io.k8sm.scheduler.procurement.PortRange;
import io.k8sm.scheduler.procurement.ProcurementConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Seeded synthetic workloads: heterogeneous agents (4-32 cpus, 2-4 GB per cpu, one or two port
 * ranges, rack/zone attributes, some with our executor) and pods of 1-2 containers (0.1-2 cpus,
 * 64-2048 MB, some wildcard host ports). The "rich" variant adds what only tests need: roles, node
 * selectors, node names and fixed host ports.
 */
public final class Workload {
    private static final double[] CPUS = {0.1, 0.25, 0.5, 1, 2};
    private static final double[] MEMS = {64, 128, 256, 512, 1024, 2048};
    private static final int[] AGENT_CPUS = {4, 8, 16, 32};

    private Workload() {}

    public static List<AgentOffer> offers(Random rnd, int agents, boolean rich, ProcurementConfig config) {
        List<AgentOffer> out = new ArrayList<>(agents);
        for (int i = 0; i < agents; i++) {
            double cpus = AGENT_CPUS[rnd.nextInt(AGENT_CPUS.length)];
            double mem = cpus * (2048 + 1024 * rnd.nextInt(3));
            Map<String, Double> c = new HashMap<>();
            Map<String, Double> m = new HashMap<>();
            Map<String, List<PortRange>> p = new HashMap<>();
            List<PortRange> ranges = new ArrayList<>();
            ranges.add(PortRange.of(31000, 31000 + rnd.nextInt(20)));
            if (rnd.nextBoolean()) {
                ranges.add(PortRange.of(32000, 32000 + rnd.nextInt(50)));
            }
            if (rich && rnd.nextInt(4) == 0) {
                c.put("prod", cpus / 2);
                m.put("prod", mem / 2);
                c.put("*", cpus / 2);
                m.put("*", mem / 2);
                p.put("prod", List.of(PortRange.of(8000, 8010)));
            } else {
                c.put("*", cpus);
                m.put("*", mem);
            }
            p.put("*", ranges);
            List<Attribute> attrs = List.of(
                    Attribute.text("rack", "r" + rnd.nextInt(rich ? 10 : 40)),
                    Attribute.scalar("zone", rnd.nextInt(3)));
            // benchmark agents all run our executor already, so that Fenzo (which knows no executors)
            // asks the same
            Set<String> executors = !rich || rnd.nextInt(3) == 0 ? Set.of(config.executorId()) : Set.of();
            String id = String.format("agent-%05d", i);
            out.add(new AgentOffer("offer-" + i, id, "host-" + i, c, m, p, attrs, executors));
        }
        return out;
    }

    public static List<PodRequest> pods(Random rnd, int count, boolean rich, ProcurementConfig config) {
        List<PodRequest> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int containers = 1 + (rnd.nextInt(4) == 0 ? 1 : 0);
            List<ContainerRequest> cs = new ArrayList<>();
            for (int k = 0; k < containers; k++) {
                List<ContainerPort> ports = new ArrayList<>();
                if (rnd.nextInt(5) == 0) {
                    ports.add(new ContainerPort("http", 8080, 0, "TCP"));
                }
                if (rich && rnd.nextInt(20) == 0) {
                    ports.add(new ContainerPort("fixed", 9090, 31000 + rnd.nextInt(25), "TCP"));
                }
                Double cpu = rich && rnd.nextInt(10) == 0 ? null : CPUS[rnd.nextInt(CPUS.length)];
                Double mem = rich && rnd.nextInt(10) == 0 ? null : MEMS[rnd.nextInt(MEMS.length)];
                cs.add(ContainerRequest.withLimits("c" + k, cpu, mem, ports, config));
            }
            Map<String, String> selector = new HashMap<>();
            Map<String, String> annotations = new HashMap<>();
            String nodeName = "";
            if (rich) {
                int r = rnd.nextInt(20);
                if (r == 0) {
                    selector.put("k8s.mesosphere.io/attribute-rack", "r" + rnd.nextInt(10));
                } else if (r == 1) {
                    selector.put("k8s.mesosphere.io/attribute-zone", Integer.toString(rnd.nextInt(3)));
                } else if (r == 2) {
                    nodeName = "host-" + rnd.nextInt(300);
                } else if (r == 3) {
                    annotations.put(PodRequest.ROLES_ANNOTATION, "prod,*");
                } else if (r == 4) {
                    annotations.put(PodRequest.ROLES_ANNOTATION, "prod");
                } else if (r == 5) {
                    annotations.put(PodRequest.PORT_MAPPING_ANNOTATION, "fixed");
                }
            }
            out.add(PodRequest.of(String.format("ns/pod-%05d", i), cs, nodeName, selector, annotations, config));
        }
        return out;
    }
}
