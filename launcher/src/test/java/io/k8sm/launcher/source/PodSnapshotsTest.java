package io.k8sm.launcher.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSchedulingGate;
import io.k8sm.avro.NodeAffinity;
import io.k8sm.avro.NodeSelectorRequirement;
import io.k8sm.avro.PodSnapshot;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What of a pod's spec reaches the scheduler through the {@code pods} topic. */
class PodSnapshotsTest {

    private static PodBuilder pod() {
        return new PodBuilder()
                .withNewMetadata()
                .withNamespace("ns")
                .withName("a")
                .withUid("u1")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("c")
                .withImage("busybox")
                .endContainer()
                .endSpec();
    }

    private static io.fabric8.kubernetes.api.model.NodeSelectorRequirement requirement(
            String key, String operator, List<String> values) {
        return new io.fabric8.kubernetes.api.model.NodeSelectorRequirement(key, operator, values);
    }

    @Test
    void nodeAffinityIsCarriedTermByTermWithItsOperatorsAndWeights() {
        Pod p = pod().editSpec()
                .withNewAffinity()
                .withNewNodeAffinity()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewNodeSelectorTerm()
                .addToMatchExpressions(requirement("rack", "In", List.of("r1", "r2")))
                .addToMatchFields(requirement("metadata.name", "NotIn", List.of("node-9")))
                .endNodeSelectorTerm()
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .addNewPreferredDuringSchedulingIgnoredDuringExecution()
                .withWeight(40)
                .withNewPreference()
                .addToMatchExpressions(requirement("disk", "Exists", null))
                .endPreference()
                .endPreferredDuringSchedulingIgnoredDuringExecution()
                .endNodeAffinity()
                .endAffinity()
                .endSpec()
                .build();

        NodeAffinity a = PodSnapshots.from(p).getNodeAffinity();

        assertEquals(1, a.getRequired().size());
        assertEquals(
                List.of(new NodeSelectorRequirement("rack", "In", List.of("r1", "r2"))),
                a.getRequired().get(0).getMatchExpressions());
        assertEquals(
                List.of(new NodeSelectorRequirement("metadata.name", "NotIn", List.of("node-9"))),
                a.getRequired().get(0).getMatchFields());
        assertEquals(40, a.getPreferred().get(0).getWeight());
        assertEquals(
                List.of(new NodeSelectorRequirement("disk", "Exists", List.of())),
                a.getPreferred().get(0).getPreference().getMatchExpressions());
    }

    @Test
    void aPodWithoutAffinityOrGatesCarriesNeither() {
        PodSnapshot s = PodSnapshots.from(pod().build());
        assertNull(s.getNodeAffinity());
        assertTrue(s.getSchedulingGates().isEmpty());
    }

    @Test
    void schedulingGatesAreCarriedByName() {
        Pod p = pod().editSpec()
                .addToSchedulingGates(new PodSchedulingGate("example.com/quota"))
                .addToSchedulingGates(new PodSchedulingGate("example.com/image"))
                .endSpec()
                .build();
        assertEquals(
                List.of("example.com/quota", "example.com/image"),
                PodSnapshots.from(p).getSchedulingGates());
    }

    @Test
    void tolerationsAreCarriedWithTheirSecondsAndEqualAsTheDefaultOperator() {
        Pod p = pod().editSpec()
                .addNewToleration()
                .withKey("dedicated")
                .withValue("gpu")
                .withEffect("NoSchedule")
                .endToleration()
                .addNewToleration()
                .withOperator("Exists")
                .withKey("maintenance")
                .withEffect("NoExecute")
                .withTolerationSeconds(60L)
                .endToleration()
                .endSpec()
                .build();
        assertEquals(
                List.of(
                        new io.k8sm.avro.Toleration("dedicated", "Equal", "gpu", "NoSchedule", null),
                        new io.k8sm.avro.Toleration("maintenance", "Exists", null, "NoExecute", 60L)),
                PodSnapshots.from(p).getTolerations());
    }

    @Test
    void interPodAffinityAndSpreadConstraintsAreCarried() {
        Pod p = pod().editMetadata()
                .addToLabels("app", "web")
                .endMetadata()
                .editSpec()
                .withNewAffinity()
                .withNewPodAntiAffinity()
                .addNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withNewLabelSelector()
                .addToMatchLabels("app", "web")
                .endLabelSelector()
                .withTopologyKey("kubernetes.io/hostname")
                .endRequiredDuringSchedulingIgnoredDuringExecution()
                .endPodAntiAffinity()
                .endAffinity()
                .addNewTopologySpreadConstraint()
                .withMaxSkew(2)
                .withTopologyKey("topology.kubernetes.io/zone")
                .withWhenUnsatisfiable("ScheduleAnyway")
                .withNewLabelSelector()
                .addToMatchLabels("app", "web")
                .endLabelSelector()
                .endTopologySpreadConstraint()
                .endSpec()
                .build();
        PodSnapshot s = PodSnapshots.from(p);
        var anti = s.getPodAntiAffinity().getRequired().get(0);
        assertEquals(java.util.Map.of("app", "web"), anti.getMatchLabels());
        assertEquals("kubernetes.io/hostname", anti.getTopologyKey());
        assertNull(s.getPodAffinity());
        var spread = s.getTopologySpreadConstraints().get(0);
        assertEquals(2, spread.getMaxSkew());
        assertEquals("ScheduleAnyway", spread.getWhenUnsatisfiable());
        assertEquals(java.util.Map.of("app", "web"), spread.getMatchLabels());
    }
}
