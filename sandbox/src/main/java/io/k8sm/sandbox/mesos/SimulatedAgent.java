package io.k8sm.sandbox.mesos;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One simulated Mesos agent: its total resources, attributes and the roles it offers to.
 *
 * <p>{@code roles} lists the allocation roles this agent's resources may be offered to; {@code "*"}
 * means any role of the framework, and the resources are then unreserved (resource role {@code
 * "*"}). Any other role means the resources are statically reserved for that role (resource role =
 * that role). Attributes whose value parses as a number become SCALAR attributes, others TEXT.
 * {@code domain} is the agent's fault domain, offered as {@code Offer.domain}; null when it has none.
 */
public record SimulatedAgent(
        String id,
        String hostname,
        double cpus,
        double mem,
        double disk,
        List<PortRange> ports,
        Map<String, String> attributes,
        List<String> roles,
        Domain domain) {

    public SimulatedAgent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(hostname, "hostname");
        ports = List.copyOf(ports);
        attributes = Map.copyOf(attributes);
        roles = roles.isEmpty() ? List.of("*") : List.copyOf(roles);
    }

    /** An agent without a fault domain. */
    public SimulatedAgent(
            String id,
            String hostname,
            double cpus,
            double mem,
            double disk,
            List<PortRange> ports,
            Map<String, String> attributes,
            List<String> roles) {
        this(id, hostname, cpus, mem, disk, ports, attributes, roles, null);
    }

    /** This agent in a fault domain. */
    public SimulatedAgent withDomain(String region, String zone) {
        return new SimulatedAgent(id, hostname, cpus, mem, disk, ports, attributes, roles, new Domain(region, zone));
    }

    /** A Mesos fault domain: region and zone names. */
    public record Domain(String region, String zone) {
        public Domain {
            Objects.requireNonNull(region, "region");
            Objects.requireNonNull(zone, "zone");
        }
    }

    /** An agent with unreserved resources, two port ranges and no attributes. */
    public static SimulatedAgent of(String id, String hostname, double cpus, double mem) {
        return new SimulatedAgent(
                id,
                hostname,
                cpus,
                mem,
                10_000,
                List.of(new PortRange(31000, 31099), new PortRange(32000, 32099)),
                Map.of(),
                List.of("*"));
    }

    /** An inclusive range of ports, as Mesos' {@code Value.Range}. */
    public record PortRange(long begin, long end) {
        public PortRange {
            if (end < begin) {
                throw new IllegalArgumentException("empty port range " + begin + "-" + end);
            }
        }
    }
}
