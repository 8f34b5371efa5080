package io.k8sm.scheduler.procurement;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Small builders for offers and pods in tests. */
final class Fixtures {
    static final ProcurementConfig CONFIG = ProcurementConfig.defaults();

    private Fixtures() {}

    static OfferBuilder offer(String agentId) {
        return new OfferBuilder(agentId);
    }

    static PodBuilder pod(String key) {
        return new PodBuilder(key);
    }

    static final class OfferBuilder {
        private String offerId;
        private final String agentId;
        private String hostname;
        private final Map<String, Double> cpus = new LinkedHashMap<>();
        private final Map<String, Double> mem = new LinkedHashMap<>();
        private final Map<String, List<PortRange>> ports = new LinkedHashMap<>();
        private final List<Attribute> attributes = new ArrayList<>();
        private final List<String> executors = new ArrayList<>();

        OfferBuilder(String agentId) {
            this.agentId = agentId;
            this.offerId = "offer-" + agentId;
            this.hostname = "host-" + agentId;
        }

        OfferBuilder id(String id) {
            this.offerId = id;
            return this;
        }

        OfferBuilder host(String h) {
            this.hostname = h;
            return this;
        }

        OfferBuilder cpus(double v) {
            return cpus("*", v);
        }

        OfferBuilder cpus(String role, double v) {
            cpus.put(role, v);
            return this;
        }

        OfferBuilder mem(double v) {
            return mem("*", v);
        }

        OfferBuilder mem(String role, double v) {
            mem.put(role, v);
            return this;
        }

        OfferBuilder ports(int begin, int end) {
            return ports("*", begin, end);
        }

        OfferBuilder ports(String role, int begin, int end) {
            ports.computeIfAbsent(role, r -> new ArrayList<>()).add(PortRange.of(begin, end));
            return this;
        }

        OfferBuilder attribute(Attribute a) {
            attributes.add(a);
            return this;
        }

        OfferBuilder executor(String id) {
            executors.add(id);
            return this;
        }

        AgentOffer build() {
            return new AgentOffer(offerId, agentId, hostname, cpus, mem, ports, attributes, Set.copyOf(executors));
        }
    }

    static final class PodBuilder {
        private final String key;
        private final List<ContainerRequest> containers = new ArrayList<>();
        private String nodeName = "";
        private final Map<String, String> selector = new LinkedHashMap<>();
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private ProcurementConfig config = CONFIG;

        PodBuilder(String key) {
            this.key = key;
        }

        PodBuilder containerWithLimits(Double cpu, Double mem, ContainerPort... ports) {
            containers.add(ContainerRequest.withLimits("c" + containers.size(), cpu, mem, List.of(ports), config));
            return this;
        }

        PodBuilder container(double cpu, double mem, ContainerPort... ports) {
            return containerWithLimits(cpu, mem, ports);
        }

        PodBuilder nodeName(String n) {
            nodeName = n;
            return this;
        }

        PodBuilder selector(String k, String v) {
            selector.put(k, v);
            return this;
        }

        PodBuilder annotation(String k, String v) {
            annotations.put(k, v);
            return this;
        }

        PodBuilder config(ProcurementConfig c) {
            config = c;
            return this;
        }

        PodRequest build() {
            if (containers.isEmpty()) {
                container(0.5, 128);
            }
            return PodRequest.of(key, containers, nodeName, selector, annotations, config);
        }
    }

    static ContainerPort port(int containerPort, int hostPort) {
        return new ContainerPort("p" + containerPort, containerPort, hostPort, "TCP");
    }

    static Placement placed(PlacementResult r) {
        if (r instanceof Placement p) {
            return p;
        }
        throw new AssertionError("expected a placement, got " + ((Shortfall) r).message());
    }

    static Shortfall shortOf(PlacementResult r) {
        if (r instanceof Shortfall s) {
            return s;
        }
        throw new AssertionError("expected a shortfall, got a placement on " + ((Placement) r).agentId());
    }
}
