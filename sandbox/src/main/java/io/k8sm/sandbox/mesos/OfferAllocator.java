package io.k8sm.sandbox.mesos;

import io.k8sm.sandbox.mesos.MasterState.AgentState;
import io.k8sm.sandbox.mesos.MasterState.Framework;
import io.k8sm.sandbox.mesos.MasterState.OfferRec;
import java.util.ArrayList;
import java.util.List;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The allocator: one offer per agent with free resources, for the framework's first unsuppressed role
 * it may use, unless the agent is filtered (decline/accept refuse_seconds); recovering declined offers
 * and rescinding outstanding ones. Loop thread only.
 */
final class OfferAllocator {
    private static final Logger LOG = LoggerFactory.getLogger(MesosMasterSimulator.class);

    private final MasterState m;

    OfferAllocator(MasterState m) {
        this.m = m;
    }

    // ------------------------------------------------------------------ offers (loop thread)

    void allocate() {
        Framework f = m.framework;
        if (f == null || f.stream == null) {
            return;
        }
        long now = System.nanoTime();
        List<Offer> batch = new ArrayList<>();
        for (AgentState a : m.agents.values()) {
            if (a.removed
                    || f.offers.values().stream().anyMatch(o -> o.agentId().equals(a.agent.id()))) {
                continue;
            }
            Long until = f.filterUntilNanos.get(a.agent.id());
            if (until != null && until - now > 0) {
                continue;
            }
            f.filterUntilNanos.remove(a.agent.id());
            String role = f.roles.stream()
                    .filter(r -> !f.suppressed.contains(r))
                    .filter(r ->
                            a.agent.roles().contains("*") || a.agent.roles().contains(r))
                    .findFirst()
                    .orElse(null);
            if (role == null) {
                continue;
            }
            SimResources free = SimResources.of(a.agent).minus(a.used);
            if (free.cpus() <= 0 && free.mem() <= 0) {
                continue;
            }
            String resourceRole = a.agent.roles().contains("*") ? "*" : role;
            String offerId = m.masterId + "-O" + m.offerSeq.incrementAndGet();
            Offer.Builder offer = Offer.newBuilder()
                    .setId(OfferID.newBuilder().setValue(offerId))
                    .setFrameworkId(FrameworkID.newBuilder().setValue(f.id))
                    .setAgentId(AgentID.newBuilder().setValue(a.agent.id()))
                    .setHostname(a.agent.hostname())
                    .setUrl(org.apache.mesos.v1.Protos.URL
                            .newBuilder()
                            .setScheme("http")
                            .setAddress(org.apache.mesos.v1.Protos.Address.newBuilder()
                                    .setHostname(a.agent.hostname())
                                    .setIp(a.ip)
                                    .setPort(5051))
                            .setPath("/slave(1)"))
                    .setAllocationInfo(org.apache.mesos.v1.Protos.Resource.AllocationInfo.newBuilder()
                            .setRole(role))
                    .addAllResources(free.toProto(resourceRole, role));
            a.agent.attributes().forEach((k, v) -> offer.addAttributes(attribute(k, v)));
            if (a.agent.domain() != null) {
                offer.setDomain(org.apache.mesos.v1.Protos.DomainInfo.newBuilder()
                        .setFaultDomain(org.apache.mesos.v1.Protos.DomainInfo.FaultDomain.newBuilder()
                                .setRegion(org.apache.mesos.v1.Protos.DomainInfo.FaultDomain.RegionInfo.newBuilder()
                                        .setName(a.agent.domain().region()))
                                .setZone(org.apache.mesos.v1.Protos.DomainInfo.FaultDomain.ZoneInfo.newBuilder()
                                        .setName(a.agent.domain().zone()))));
            }
            a.executors.stream()
                    .sorted()
                    .forEach(e -> offer.addExecutorIds(ExecutorID.newBuilder().setValue(e)));
            f.offers.put(offerId, new OfferRec(offerId, a.agent.id(), free));
            batch.add(offer.build());
        }
        if (!batch.isEmpty()) {
            m.send(Event.newBuilder()
                    .setType(Event.Type.OFFERS)
                    .setOffers(Event.Offers.newBuilder().addAllOffers(batch))
                    .build());
        }
    }

    static Attribute attribute(String name, String value) {
        Attribute.Builder b = Attribute.newBuilder().setName(name);
        try {
            double d = Double.parseDouble(value);
            return b.setType(Value.Type.SCALAR)
                    .setScalar(Value.Scalar.newBuilder().setValue(d))
                    .build();
        } catch (NumberFormatException e) {
            return b.setType(Value.Type.TEXT)
                    .setText(Value.Text.newBuilder().setValue(value))
                    .build();
        }
    }

    void recoverOffer(String offerId, double refuseSeconds) {
        OfferRec o = m.framework.offers.remove(offerId);
        if (o != null && refuseSeconds > 0) {
            m.framework.filterUntilNanos.put(o.agentId(), System.nanoTime() + (long) (refuseSeconds * 1e9));
        }
    }

    void rescind(String offerId) {
        if (m.framework.offers.remove(offerId) != null) {
            m.send(Event.newBuilder()
                    .setType(Event.Type.RESCIND)
                    .setRescind(Event.Rescind.newBuilder()
                            .setOfferId(OfferID.newBuilder().setValue(offerId)))
                    .build());
        }
    }

    void rescindAll() {
        if (m.framework != null) {
            new ArrayList<>(m.framework.offers.keySet()).forEach(this::rescind);
        }
    }
}
