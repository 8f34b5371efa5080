package io.k8sm.launcher.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.k8sm.avro.FaultDomain;
import io.k8sm.avro.Offer;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node carries its agent's fault domain as the well-known region and zone labels, kept current. */
@EnableKubernetesMockClient(crud = true)
class NodeLabelsFromTheAgentTest {

    KubernetesClient client;

    private static Offer offer(FaultDomain domain) {
        return Offer.newBuilder()
                .setId("offer-1")
                .setFrameworkId("fw")
                .setAgentId("agent-1-S0")
                .setHostname("agent-01")
                .setDomain(domain)
                .build();
    }

    private Map<String, String> labels() {
        return client.nodes().withName("agent-01").get().getMetadata().getLabels();
    }

    @Test
    void theAgentsFaultDomainBecomesTheRegionAndZoneLabels() {
        new NodeRegistrar(client, Clock.systemUTC()).onOffer(offer(new FaultDomain("eu-1", "eu-1b")));
        assertEquals("eu-1", labels().get("topology.kubernetes.io/region"));
        assertEquals("eu-1b", labels().get("topology.kubernetes.io/zone"));
    }

    @Test
    void aZoneTheAgentNoLongerHasIsRemovedFromItsNode() {
        NodeRegistrar registrar = new NodeRegistrar(client, Clock.systemUTC());
        registrar.onOffer(offer(new FaultDomain("eu-1", "eu-1b")));
        new NodeRegistrar(client, Clock.systemUTC()).onOffer(offer(null));
        assertFalse(labels().containsKey("topology.kubernetes.io/zone"), labels().toString());
        assertFalse(labels().containsKey("topology.kubernetes.io/region"), labels().toString());
    }
}
