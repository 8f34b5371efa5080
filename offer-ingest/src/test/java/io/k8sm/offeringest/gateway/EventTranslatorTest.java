package io.k8sm.offeringest.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.k8sm.avro.FaultDomain;
import org.apache.mesos.v1.Protos;
import org.junit.jupiter.api.Test;

/** What of a Mesos offer reaches the {@code offers} topic. */
class EventTranslatorTest {

    private static Protos.Offer.Builder offer() {
        return Protos.Offer.newBuilder()
                .setId(Protos.OfferID.newBuilder().setValue("o1"))
                .setFrameworkId(Protos.FrameworkID.newBuilder().setValue("fw"))
                .setAgentId(Protos.AgentID.newBuilder().setValue("a1"))
                .setHostname("agent-01");
    }

    @Test
    void theOfferingAgentsFaultDomainIsCarriedAsRegionAndZone() {
        Protos.Offer o = offer().setDomain(Protos.DomainInfo.newBuilder()
                        .setFaultDomain(Protos.DomainInfo.FaultDomain.newBuilder()
                                .setRegion(Protos.DomainInfo.FaultDomain.RegionInfo.newBuilder()
                                        .setName("eu-1"))
                                .setZone(Protos.DomainInfo.FaultDomain.ZoneInfo.newBuilder()
                                        .setName("eu-1b"))))
                .build();
        assertEquals(new FaultDomain("eu-1", "eu-1b"), EventTranslator.offer(o).getDomain());
    }

    @Test
    void anAgentWithoutAFaultDomainHasNone() {
        assertNull(EventTranslator.offer(offer().build()).getDomain());
    }
}
