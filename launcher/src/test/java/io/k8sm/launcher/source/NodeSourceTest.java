package io.k8sm.launcher.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.k8sm.avro.NodeSnapshot;
import io.k8sm.avro.Taint;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What of a Kubernetes node reaches the scheduler through the {@code nodes} topic. */
class NodeSourceTest {

    @Test
    void aNodesCordonAndTaintsAreCarried() {
        Node node = new NodeBuilder()
                .withNewMetadata()
                .withName("agent-01")
                .endMetadata()
                .withNewSpec()
                .withUnschedulable(true)
                .addNewTaint()
                .withKey("dedicated")
                .withValue("gpu")
                .withEffect("NoSchedule")
                .endTaint()
                .addNewTaint()
                .withKey("maintenance")
                .withEffect("NoExecute")
                .withTimeAdded("2026-12-01T10:00:00Z")
                .endTaint()
                .endSpec()
                .build();

        NodeSnapshot s = NodeSource.from(node);

        assertTrue(s.getUnschedulable());
        assertEquals(
                List.of(
                        new Taint("dedicated", "gpu", "NoSchedule", null),
                        new Taint("maintenance", null, "NoExecute", Instant.parse("2026-12-01T10:00:00Z"))),
                s.getTaints());
    }

    @Test
    void aNodeWithoutSpecIsSchedulableAndUntainted() {
        NodeSnapshot s = NodeSource.from(
                new NodeBuilder().withNewMetadata().withName("n").endMetadata().build());
        assertFalse(s.getUnschedulable());
        assertTrue(s.getTaints().isEmpty());
    }
}
