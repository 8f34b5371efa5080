package io.k8sm.launcher.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.k8sm.avro.Attribute;
import io.k8sm.avro.Offer;
import io.k8sm.avro.ValueType;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A restarted launcher does not rewrite the nodes it wrote before. The long chaos run's launcher,
 * killed every 20-30 s, spent each life rewriting every agent's node (five API calls each, one
 * offer at a time) and never reached the bindings and pod status behind those offers: 15 minutes
 * without a launch or a Running pod.
 */
@EnableKubernetesMockClient(crud = true)
class NodeRegistrarRestartTest {

    KubernetesClient client;

    private static Offer offer(String rack) {
        return Offer.newBuilder()
                .setId("offer-1")
                .setFrameworkId("fw")
                .setAgentId("agent-1-S0")
                .setHostname("agent-01")
                .setUrl("http://10.0.0.7:5051/slave(1)")
                .setAttributes(List.of(Attribute.newBuilder()
                        .setName("rack")
                        .setType(ValueType.TEXT)
                        .setText(rack)
                        .build()))
                .build();
    }

    private String version() {
        return client.nodes().withName("agent-01").get().getMetadata().getResourceVersion();
    }

    @Test
    void aRestartedRegistrarLeavesAnUpToDateNodeUnwritten() {
        new NodeRegistrar(client, Clock.systemUTC()).onOffer(offer("r1"));
        String written = version();

        new NodeRegistrar(client, Clock.systemUTC()).onOffer(offer("r1"));

        assertEquals(written, version());
    }

    @Test
    void aNodeTheInformerShowsUpToDateIsNotWrittenAgain() {
        new NodeRegistrar(client, Clock.systemUTC()).onOffer(offer("r1"));
        Node seen = client.nodes().withName("agent-01").get();
        client.nodes().withName("agent-01").delete(); // only the informer's copy says it exists

        new NodeRegistrar(client, Clock.systemUTC(), name -> name.equals("agent-01") ? seen : null)
                .onOffer(offer("r1"));

        assertNull(client.nodes().withName("agent-01").get());
    }

    @Test
    void aRestartedRegistrarStillWritesANodeWhoseAgentChanged() {
        new NodeRegistrar(client, Clock.systemUTC()).onOffer(offer("r1"));
        String written = version();

        new NodeRegistrar(client, Clock.systemUTC()).onOffer(offer("r2"));

        assertNotEquals(written, version());
        assertEquals(
                "r2",
                client.nodes()
                        .withName("agent-01")
                        .get()
                        .getMetadata()
                        .getLabels()
                        .get("k8s.mesosphere.io/attribute-rack"));
    }

    @Test
    void aRestartedRegistrarMakesANotReadyNodeReadyAgain() {
        NodeRegistrar before = new NodeRegistrar(client, Clock.systemUTC());
        before.onOffer(offer("r1"));
        before.onAgentLost("agent-1-S0", "agent-01");
        String lost = version();

        new NodeRegistrar(client, Clock.systemUTC()).onOffer(offer("r1"));

        assertNotEquals(lost, version());
        assertEquals(
                "True",
                client.nodes().withName("agent-01").get().getStatus().getConditions().stream()
                        .filter(c -> "Ready".equals(c.getType()))
                        .findFirst()
                        .orElseThrow()
                        .getStatus());
    }
}
