package io.k8sm.scheduler.topology;

import static io.k8sm.scheduler.testing.Given.label;
import static io.k8sm.scheduler.testing.Given.offer;
import static io.k8sm.scheduler.testing.Given.pod;
import static io.k8sm.scheduler.testing.Given.term;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.SchedulerEvent;
import io.k8sm.avro.SchedulerEventType;
import io.k8sm.scheduler.testing.SchedulerWorld;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A pod spec means what it means under kube-scheduler: one TopologyTestDriver scenario per rule
 * (issue 15). Agents' node labels are their Mesos attributes ({@code
 * k8s.mesosphere.io/attribute-<name>}) and {@code kubernetes.io/hostname}.
 */
class KubernetesSchedulingSemanticsTest {

    private static final String RACK = "k8s.mesosphere.io/attribute-rack";
    private static final String DISK = "k8s.mesosphere.io/attribute-disk";

    private final SchedulerWorld world = new SchedulerWorld();

    @AfterEach
    void close() {
        world.close();
    }

    /** Three agents in offer order: host-a (rack r1, hdd), host-b (rack r2, ssd), host-c (rack r3). */
    private void threeRacks() {
        world.offer(offer("oa", "host-a")
                        .attribute("rack", "r1")
                        .attribute("disk", "hdd")
                        .build())
                .offer(offer("ob", "host-b")
                        .attribute("rack", "r2")
                        .attribute("disk", "ssd")
                        .build())
                .offer(offer("oc", "host-c").attribute("rack", "r3").build());
    }

    private String hostOf(String podKey) {
        return world.taskOfPod(podKey).getSpec().getAssignedSlave();
    }

    @Test
    void requiredNodeAffinityPlacesThePodOnlyOnAMatchingAgent() {
        threeRacks();
        world.pod(pod("ns/a")
                .requiredAffinity(term(label(RACK, "In", "r2", "r3")))
                .build());
        assertEquals("host-b", hostOf("ns/a"));
    }

    @Test
    void requiredTermsAreOredAndTheRequirementsOfATermAnded() {
        threeRacks();
        // term 1 holds nowhere (r1 and ssd); term 2 holds on host-c only (a rack, no disk label)
        world.pod(pod("ns/a")
                .requiredAffinity(
                        term(label(RACK, "In", "r1"), label(DISK, "In", "ssd")),
                        term(label(RACK, "Exists"), label(DISK, "DoesNotExist")))
                .build());
        assertEquals("host-c", hostOf("ns/a"));
    }

    @Test
    void notInAdmitsAgentsWithoutTheLabel() {
        threeRacks();
        world.pod(pod("ns/a")
                .requiredAffinity(term(label(DISK, "NotIn", "hdd", "ssd")))
                .build());
        assertEquals("host-c", hostOf("ns/a"));
    }

    @Test
    void aPodWhoseRequiredAffinityNoAgentMeetsGetsFailedSchedulingNamingTheAffinity() {
        threeRacks();
        world.pod(pod("ns/a").requiredAffinity(term(label(RACK, "In", "r9"))).build());
        assertNull(world.taskOfPod("ns/a").getSpec());
        List<SchedulerEvent> failed = world.events(SchedulerEventType.FAILED_SCHEDULING);
        assertEquals(1, failed.size());
        assertTrue(
                failed.get(0).getMessage().contains("3 not matching the pod's required node affinity"),
                failed.get(0).getMessage());
    }

    @Test
    void anEmptyRequiredTermMatchesNoAgent() {
        threeRacks();
        world.pod(pod("ns/a").requiredAffinity(term()).build());
        assertNull(world.taskOfPod("ns/a").getSpec());
    }

    @Test
    void preferredNodeAffinityChoosesTheAgentWithTheLargestSumOfMatchingWeights() {
        threeRacks();
        // host-a matches weight 30, host-b 20 + 20 = 40, host-c nothing
        world.pod(pod("ns/a")
                .preferredAffinity(30, term(label(DISK, "In", "hdd")))
                .preferredAffinity(20, term(label(DISK, "In", "ssd")))
                .preferredAffinity(20, term(label(RACK, "In", "r2")))
                .build());
        assertEquals("host-b", hostOf("ns/a"));
    }

    @Test
    void aPreferenceNeverOverridesARequirementOrWhatFits() {
        world.offer(offer("oa", "host-a").attribute("rack", "r1").build())
                .offer(offer("ob", "host-b").attribute("rack", "r2").cpus(0.5).build())
                .offer(offer("oc", "host-c").attribute("rack", "r3").build());
        // host-b is preferred but too small; host-a is excluded by the requirement
        world.pod(pod("ns/a")
                .container(2, 128)
                .requiredAffinity(term(label(RACK, "NotIn", "r1")))
                .preferredAffinity(100, term(label(RACK, "In", "r2")))
                .build());
        assertEquals("host-c", hostOf("ns/a"));
    }

    @Test
    void equalPreferencesFallBackToThePolicysOrder() {
        threeRacks();
        world.pod(pod("ns/a")
                .preferredAffinity(10, term(label(RACK, "In", "r2", "r3")))
                .build());
        assertEquals("host-b", hostOf("ns/a")); // first-fit: the first of the two preferred agents
    }

    @Test
    void requiredAffinityToAZoneMatchesTheAgentsMesosFaultDomain() {
        world.offer(offer("oa", "host-a").domain("eu-1", "eu-1a").build())
                .offer(offer("ob", "host-b").domain("eu-1", "eu-1b").build())
                .offer(offer("oc", "host-c").build());
        world.pod(pod("ns/a")
                .requiredAffinity(term(
                        label("topology.kubernetes.io/region", "In", "eu-1"),
                        label("topology.kubernetes.io/zone", "NotIn", "eu-1a")))
                .build());
        assertEquals("host-b", hostOf("ns/a"));
    }

    @Test
    void aGatedPodIsNotQueuedUntilEveryGateIsRemoved() {
        world.offer(offer("oa", "host-a").build());
        world.pod(pod("ns/a").gates("example.com/quota", "example.com/image").build());
        world.pod(pod("ns/a")
                .resourceVersion("2")
                .gates("example.com/quota", "example.com/image")
                .build());
        world.pod(pod("ns/a").resourceVersion("3").gates("example.com/image").build());
        assertNull(world.taskOfPod("ns/a"));
        assertTrue(world.launches.isEmpty());
        List<SchedulerEvent> gated = world.events(SchedulerEventType.GATED);
        assertEquals(2, gated.size(), "one event per set of gates: " + gated);
        assertEquals(
                "waiting for scheduling gates [example.com/image]", gated.get(1).getMessage());

        world.pod(pod("ns/a").resourceVersion("4").build());
        assertEquals("host-a", hostOf("ns/a"));
        assertEquals(1, world.launches.size());
    }
}
