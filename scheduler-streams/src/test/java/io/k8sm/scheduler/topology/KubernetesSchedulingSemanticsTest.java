package io.k8sm.scheduler.topology;

import static io.k8sm.scheduler.testing.Given.label;
import static io.k8sm.scheduler.testing.Given.launcher;
import static io.k8sm.scheduler.testing.Given.node;
import static io.k8sm.scheduler.testing.Given.offer;
import static io.k8sm.scheduler.testing.Given.pod;
import static io.k8sm.scheduler.testing.Given.status;
import static io.k8sm.scheduler.testing.Given.term;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.Kill;
import io.k8sm.avro.LauncherEventType;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.RegistryTaskState;
import io.k8sm.avro.SchedulerEvent;
import io.k8sm.avro.SchedulerEventType;
import io.k8sm.avro.TaskState;
import io.k8sm.scheduler.testing.Given.PodBuilder;
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

    // ----- taints and tolerations (issue 15.3)

    @Test
    void aPodIsNotPlacedOnANodeWithANoScheduleTaintItDoesNotTolerate() {
        world.node(node("host-a").taint("dedicated", "gpu", "NoSchedule").build());
        world.offer(offer("oa", "host-a").build()).offer(offer("ob", "host-b").build());
        world.pod(pod("ns/a").build());
        assertEquals("host-b", hostOf("ns/a"));
    }

    @Test
    void aPodThatFitsOnlyATaintedNodeGetsFailedSchedulingNamingTheTaint() {
        world.node(node("host-a").taint("dedicated", "gpu", "NoSchedule").build());
        world.offer(offer("oa", "host-a").build());
        world.pod(pod("ns/a").build());
        assertNull(world.taskOfPod("ns/a").getSpec());
        String message =
                world.events(SchedulerEventType.FAILED_SCHEDULING).get(0).getMessage();
        assertTrue(message.contains("1 with untolerated taint dedicated=gpu:NoSchedule"), message);
    }

    @Test
    void aPodThatToleratesTheTaintMayBePlacedThere() {
        world.node(node("host-a").taint("dedicated", "gpu", "NoSchedule").build());
        world.pod(pod("ns/a")
                .toleration("dedicated", "Equal", "gpu", "NoSchedule", null)
                .build());
        world.pod(pod("ns/b")
                .toleration("dedicated", "Equal", "cpu", "NoSchedule", null)
                .build());
        world.pod(pod("ns/c").toleration(null, "Exists", null, null, null).build());
        world.offer(offer("oa", "host-a").build()).offer(offer("ob", "host-b").build());
        assertEquals("host-a", hostOf("ns/a"));
        assertEquals("host-b", hostOf("ns/b"), "another value is not tolerated");
        assertEquals("host-a", hostOf("ns/c"), "Exists without a key tolerates every taint");
    }

    @Test
    void aCordonedNodeTakesNoNewPodsUnlessTheyTolerateUnschedulable() {
        world.node(node("host-a").cordoned().build());
        world.offer(offer("oa", "host-a").build()).offer(offer("ob", "host-b").build());
        world.pod(pod("ns/a").build());
        world.pod(pod("ns/b")
                .toleration("node.kubernetes.io/unschedulable", "Exists", null, "NoSchedule", null)
                .build());
        assertEquals("host-b", hostOf("ns/a"));
        assertEquals("host-a", hostOf("ns/b"));
    }

    @Test
    void aPreferNoScheduleTaintMakesItsAgentTheLastChoice() {
        world.node(node("host-a").taint("spot", "", "PreferNoSchedule").build());
        world.offer(offer("oa", "host-a").build())
                .offer(offer("ob", "host-b").cpus(1).build());
        world.pod(pod("ns/a").build()); // host-b fits: preferred over the tainted host-a
        world.pod(pod("ns/b").container(2, 128).build()); // only host-a fits: placed there all the same
        assertEquals("host-b", hostOf("ns/a"));
        assertEquals("host-a", hostOf("ns/b"));
    }

    @Test
    void aNodeWhoseTaintIsRemovedTakesPodsAgain() {
        world.node(node("host-a").taint("dedicated", "gpu", "NoSchedule").build());
        world.node(node("host-a").build());
        world.offer(offer("oa", "host-a").build());
        world.pod(pod("ns/a").build());
        assertEquals("host-a", hostOf("ns/a"));
    }

    @Test
    void aPodThatATaintKeptWaitingIsPlacedAsSoonAsTheTaintIsRemoved() {
        world.node(node("host-a").taint("dedicated", "gpu", "NoSchedule").build());
        world.offer(offer("oa", "host-a").build());
        world.pod(pod("ns/a").build());
        assertTrue(world.launches.isEmpty(), "the taint keeps it off host-a: it backs off");

        world.node(node("host-a").build()); // untainted, at the same instant: no backoff has passed

        assertEquals("host-a", hostOf("ns/a"));
    }

    @Test
    void anUncordonedNodeTakesTheWaitingPodAtOnce() {
        world.node(node("host-a").cordoned().build());
        world.offer(offer("oa", "host-a").build());
        world.pod(pod("ns/a").build());
        assertTrue(world.launches.isEmpty());

        world.node(node("host-a").build());

        assertEquals("host-a", hostOf("ns/a"));
    }

    /** The pod runs on host-a: placed, launched, TASK_RUNNING. */
    private RegistryTask runningOnHostA(PodBuilder pod) {
        world.offer(offer("oa", "host-a").build()).pod(pod.build());
        RegistryTask t = world.taskOfPod("ns/a");
        world.launcher(launcher(t.getId(), "ns/a", LauncherEventType.LAUNCHED, null));
        world.status(status(t.getId(), TaskState.TASK_RUNNING).build());
        assertEquals(RegistryTaskState.RUNNING, world.taskOfPod("ns/a").getState());
        world.clearOutputs();
        return t;
    }

    private boolean evicted(RegistryTask t) {
        boolean killed =
                world.calls(Kill.class).stream().anyMatch(k -> k.getTaskId().equals(t.getId()));
        boolean deleted = world.actions.stream().anyMatch(a -> a.getPodKey().equals("ns/a"));
        boolean event = !world.events(SchedulerEventType.EVICTED).isEmpty();
        assertEquals(killed, deleted, "the task is killed exactly when the pod is deleted");
        assertEquals(killed, event, "an EVICTED event exactly when evicted");
        return killed;
    }

    @Test
    void aNoExecuteTaintEvictsARunningPodThatDoesNotTolerateIt() {
        RegistryTask t = runningOnHostA(pod("ns/a"));
        world.node(node("host-a").taint("maintenance", "", "NoExecute").build());
        assertTrue(evicted(t));
        assertTrue(world.events(SchedulerEventType.EVICTED).get(0).getMessage().contains("maintenance:NoExecute"));
    }

    @Test
    void tolerationSecondsDelaysTheEvictionByThatLong() {
        RegistryTask t = runningOnHostA(pod("ns/a").toleration("maintenance", "Exists", null, "NoExecute", 60L));
        world.node(node("host-a").taint("maintenance", "", "NoExecute").build());
        world.advance(59_000);
        assertFalse(evicted(t));
        world.advance(1_000);
        assertTrue(evicted(t));
    }

    @Test
    void aPodThatToleratesNoExecuteForEverStaysAndANoScheduleTaintEvictsNobody() {
        RegistryTask t = runningOnHostA(pod("ns/a").toleration("maintenance", "Exists", null, "NoExecute", null));
        world.node(node("host-a")
                .taint("maintenance", "", "NoExecute")
                .taint("dedicated", "gpu", "NoSchedule")
                .build());
        world.advance(3_600_000);
        assertFalse(evicted(t));
    }

    // ----- priority (issue 15.5)

    @Test
    void higherPriorityPodsArePlacedFirstAndFifoWithinAPriority() {
        // all four wait (no offers), then one offer with room for two
        world.pod(pod("ns/low").container(1, 128).build());
        world.pod(pod("ns/default").container(1, 128).build());
        world.pod(pod("ns/high-1").priority(1000).container(1, 128).build());
        world.pod(pod("ns/high-2").priority(1000).container(1, 128).build());
        world.offer(offer("oa", "host-a").cpus(2.5).build());
        assertEquals(
                List.of("ns/high-1", "ns/high-2"),
                world.launches.stream().map(l -> l.getTask().getPodKey()).toList());
    }

    // ----- inter-pod affinity and anti-affinity (issue 15.2)

    private PodBuilder replica(String key) {
        return pod(key).podLabel("app", "web").antiAffinityTo("app", "web", RACK);
    }

    /**
     * Agent {@code host} on {@code rack}: its node (as the launcher registers it, with the attribute
     * label: where placed pods' domains come from) and an offer.
     */
    private void agentOnRack(String host, String rack) {
        world.node(node(host).label(RACK, rack).build());
        world.offer(offer("o-" + host, host).attribute("rack", rack).cpus(8).build());
    }

    @Test
    void requiredAntiAffinityKeepsReplicasOnDistinctRacks() {
        world.pod(replica("ns/web-1").build()).pod(replica("ns/web-2").build());
        agentOnRack("host-a", "r1"); // web-1 here; web-2 not: same rack
        agentOnRack("host-b", "r1"); // web-2 not here either
        agentOnRack("host-c", "r2");
        assertEquals("host-a", hostOf("ns/web-1"));
        assertEquals("host-c", hostOf("ns/web-2"));

        world.pod(replica("ns/web-3").build());
        agentOnRack("host-d", "r2");
        agentOnRack("host-e", "r3");
        assertEquals("host-e", hostOf("ns/web-3"));
    }

    @Test
    void aReplicaWithNoRackLeftGetsFailedSchedulingNamingTheAntiAffinity() {
        agentOnRack("host-a", "r1");
        world.pod(replica("ns/web-1").build());
        agentOnRack("host-b", "r1");
        world.pod(replica("ns/web-2").build());
        assertEquals("host-a", hostOf("ns/web-1"));
        assertNull(world.taskOfPod("ns/web-2").getSpec());
        List<SchedulerEvent> failed = world.events(SchedulerEventType.FAILED_SCHEDULING);
        String message = failed.get(failed.size() - 1).getMessage();
        assertTrue(message.contains("1 with a pod the pod's anti-affinity excludes in its " + RACK), message);
    }

    @Test
    void requiredPodAffinityPlacesThePodInTheZoneOfThePodItFollows() {
        String zone = "topology.kubernetes.io/zone";
        world.node(node("host-b").label(zone, "eu-b").build());
        world.offer(offer("oa", "host-a").domain("eu", "eu-a").build())
                .offer(offer("ob", "host-b").domain("eu", "eu-b").build());
        world.pod(pod("ns/cache")
                .podLabel("app", "cache")
                .requiredAffinity(term(label(zone, "In", "eu-b")))
                .build());
        assertEquals("host-b", hostOf("ns/cache"));
        world.offer(offer("oa2", "host-a2").domain("eu", "eu-a").build())
                .offer(offer("ob2", "host-b2").domain("eu", "eu-b").build());
        world.pod(pod("ns/web").affinityTo("app", "cache", zone).build());
        assertEquals("host-b2", hostOf("ns/web"));
    }

    @Test
    void theFirstPodOfAGroupWhoseAffinitySelectsItselfMayGoAnywhere() {
        world.offer(offer("oa", "host-a").attribute("rack", "r1").build());
        world.pod(
                pod("ns/a").podLabel("app", "db").affinityTo("app", "db", RACK).build());
        world.pod(pod("ns/b")
                .affinityTo("app", "db", "k8s.mesosphere.io/attribute-none")
                .build());
        assertEquals("host-a", hostOf("ns/a"));
        assertNull(world.taskOfPod("ns/b").getSpec(), "no pod it follows, and it does not select itself");
    }

    @Test
    void antiAffinityOnlySelectsPodsInTheTermsNamespaces() {
        world.offer(offer("oa", "host-a").attribute("rack", "r1").cpus(8).build());
        world.pod(pod("other/web-1").podLabel("app", "web").build());
        world.offer(offer("ob", "host-b").attribute("rack", "r1").build());
        world.pod(replica("ns/web-2").build());
        assertEquals("host-b", hostOf("ns/web-2"), "the pod of namespace other is not selected");
    }

    // ----- topology spread (issue 15.4)

    @Test
    void aSpreadConstraintCountsThePodsPlacedInEarlierRoundsPerDomain() {
        for (String p : List.of("ns/s-1", "ns/s-2")) {
            world.pod(pod(p).podLabel("app", "s")
                    .spread(1, RACK, "DoNotSchedule", "app", "s")
                    .build());
        }
        world.node(node("host-b").label(RACK, "r2").build()); // rack r2 is known before it offers
        agentOnRack("host-a", "r1"); // s-1 and s-2 both fit here, but s-2 would make r1 2 against r2's 0
        agentOnRack("host-b", "r2");
        assertEquals("host-a", hostOf("ns/s-1"));
        assertEquals("host-b", hostOf("ns/s-2"));
        world.pod(pod("ns/s-3")
                .podLabel("app", "s")
                .spread(1, RACK, "DoNotSchedule", "app", "s")
                .build());
        agentOnRack("host-c", "r1");
        assertEquals("host-c", hostOf("ns/s-3"), "r1 1, r2 1: either rack keeps the skew at 1");
    }

    // ----- requests and limits (issue 15.6)

    @Test
    void aPodIsPlacedByItsRequestsNotItsLimits() {
        world.offer(offer("oa", "host-a").cpus(2).mem(1024).build());
        world.pod(pod("ns/bursty").containerWithRequests(1, 3, 256, 2048).build());
        assertEquals("host-a", hostOf("ns/bursty"));
        double cpus = world.taskOfPod("ns/bursty").getSpec().getResources().stream()
                .filter(r -> r.getName().equals("cpus"))
                .mapToDouble(r -> r.getScalar())
                .sum();
        assertEquals(1.0, cpus, "the task is given its request");
    }

    @Test
    void aContainerWithoutRequestsRequestsItsLimits() {
        world.offer(offer("oa", "host-a").cpus(2).build());
        world.pod(pod("ns/a").container(3, 128).build());
        assertNull(world.taskOfPod("ns/a").getSpec(), "3 cpus requested (its limit) on 2");
    }

    // ----- gangs (issue 15.7)

    private PodBuilder member(String key, String gang, int min, double cpus) {
        return pod(key).annotation("k8s.mesosphere.io/gang", gang)
                .annotation("k8s.mesosphere.io/gang-min-count", Integer.toString(min))
                .container(cpus, 128);
    }

    @Test
    void aGangIsPlacedAllOrNothing() {
        world.offer(offer("oa", "host-a").cpus(4).build()); // room for one member only
        world.pod(member("ns/t-1", "train", 3, 2).build())
                .pod(member("ns/t-2", "train", 3, 2).build())
                .pod(member("ns/t-3", "train", 3, 2).build());
        assertTrue(world.launches.isEmpty(), "no member launched alone");
        List<SchedulerEvent> failed = world.events(SchedulerEventType.FAILED_SCHEDULING);
        String last = failed.get(failed.size() - 1).getMessage();
        assertTrue(last.contains("gang ns/train: 1 of its minimum 3 members fit together"), last);

        world.offer(offer("ob", "host-b").cpus(8).build()); // now the three fit: placed in one round
        assertEquals(3, world.launches.size());
        assertEquals(
                List.of("ns/t-1", "ns/t-2", "ns/t-3"),
                world.launches.stream()
                        .map(l -> l.getTask().getPodKey())
                        .sorted()
                        .toList());
    }

    @Test
    void whatABrokenGangWouldHaveHeldGoesToThePodsBehindIt() {
        world.pod(member("ns/g-1", "pair", 2, 3).build())
                .pod(member("ns/g-2", "pair", 2, 3).build());
        world.pod(pod("ns/solo").container(3, 128).build());
        world.offer(offer("oa", "host-a").cpus(4).build());
        assertEquals(
                List.of("ns/solo"),
                world.launches.stream().map(l -> l.getTask().getPodKey()).toList());
    }

    // ----- preemption (issue 15.5)

    /** The pod runs on the host: an offer of exactly its size (and the executor's), placed, launched, RUNNING. */
    private RegistryTask runningOn(String host, PodBuilder pod, String podKey, double cpus) {
        world.offer(offer("o-" + podKey, host).cpus(cpus + 0.25).mem(256).build());
        world.pod(pod.container(cpus, 128).build());
        RegistryTask t = world.taskOfPod(podKey);
        assertEquals(host, hostOf(podKey), podKey + " placed on " + host);
        world.launcher(launcher(t.getId(), podKey, LauncherEventType.LAUNCHED, null));
        world.status(status(t.getId(), TaskState.TASK_RUNNING).build());
        return t;
    }

    private List<String> preempted() {
        return world.events(SchedulerEventType.PREEMPTED).stream()
                .map(SchedulerEvent::getPodKey)
                .sorted()
                .toList();
    }

    /** Each victim's task killed and pod deleted, and nobody else's. */
    private void assertKilledAndDeleted(List<RegistryTask> victims) {
        assertEquals(
                victims.stream().map(RegistryTask::getId).sorted().toList(),
                world.calls(Kill.class).stream().map(Kill::getTaskId).sorted().toList());
        assertEquals(
                victims.stream().map(RegistryTask::getPodKey).sorted().toList(),
                world.actions.stream().map(a -> a.getPodKey()).sorted().toList());
    }

    @Test
    void preemptionEvictsTheFewestLowestPriorityPods() {
        runningOn("host-a", pod("ns/small-1").priority(10), "ns/small-1", 1);
        runningOn("host-a", pod("ns/small-2").priority(10), "ns/small-2", 1);
        RegistryTask big = runningOn("host-b", pod("ns/big").priority(10), "ns/big", 2);
        runningOn("host-c", pod("ns/important").priority(500), "ns/important", 2);
        world.clearOutputs();

        world.pod(pod("ns/urgent").priority(1000).container(2, 128).build());

        assertTrue(world.launches.isEmpty(), "nothing fits until the victims are gone");
        assertEquals(List.of("ns/big"), preempted(), "one victim on host-b beats two on host-a");
        assertKilledAndDeleted(List.of(big));
        SchedulerEvent nominated = world.events(SchedulerEventType.NOMINATED).get(0);
        assertEquals("ns/urgent", nominated.getPodKey());
        assertEquals("host-b", nominated.getHost());
        assertTrue(
                world.events(SchedulerEventType.PREEMPTED).get(0).getMessage().contains("preempted by ns/urgent"));
    }

    @Test
    void amongAgentsWithAsManyVictimsTheLowestPriorityOnesArePreempted() {
        runningOn("host-a", pod("ns/mid").priority(50), "ns/mid", 2);
        RegistryTask low = runningOn("host-b", pod("ns/low").priority(5), "ns/low", 2);
        world.clearOutputs();

        world.pod(pod("ns/urgent").priority(1000).container(2, 128).build());

        assertEquals(List.of("ns/low"), preempted());
        assertKilledAndDeleted(List.of(low));
    }

    @Test
    void onlyPodsOfStrictlyLowerPriorityArePreempted() {
        runningOn("host-a", pod("ns/peer-a").priority(1000), "ns/peer-a", 2);
        runningOn("host-b", pod("ns/peer-b").priority(1000), "ns/peer-b", 2);
        world.clearOutputs();

        world.pod(pod("ns/urgent").priority(1000).container(2, 128).build());

        assertEquals(List.of(), preempted());
        assertTrue(world.calls(Kill.class).isEmpty());
        assertEquals(
                1, world.events(SchedulerEventType.FAILED_SCHEDULING).size(), "it waits, as any pod that fits nowhere");
    }

    @Test
    void theNominatedAgentIsHeldForThePreemptorAndItIsPlacedThereWhenTheRoomIsOffered() {
        runningOn("host-b", pod("ns/big").priority(10), "ns/big", 2);
        world.clearOutputs();
        world.pod(pod("ns/urgent").priority(1000).container(2, 128).build());
        assertEquals(List.of("ns/big"), preempted());
        world.pod(pod("ns/late").container(1, 128).build()); // fits half of what comes back

        world.offer(offer("freed-1", "host-b").cpus(1).mem(128).build());
        assertTrue(world.launches.isEmpty(), "host-b is held for ns/urgent: ns/late does not take half of it");
        // the rest, with room for the executor again (the agent's last task of ours is gone)
        world.offer(offer("freed-2", "host-b").cpus(1.25).mem(128).build());

        assertEquals(
                List.of("ns/urgent"),
                world.launches.stream().map(l -> l.getTask().getPodKey()).toList());
        assertEquals("host-b", hostOf("ns/urgent"));
    }

    @Test
    void anAgentHeldForOnePreemptorIsNotChosenForTheNext() {
        runningOn("host-a", pod("ns/a-1").priority(1), "ns/a-1", 1);
        runningOn("host-a", pod("ns/a-2").priority(1), "ns/a-2", 1);
        runningOn("host-b", pod("ns/b-1").priority(1), "ns/b-1", 1);
        runningOn("host-b", pod("ns/b-2").priority(1), "ns/b-2", 1);
        world.clearOutputs();

        world.pod(pod("ns/urgent-1").priority(1000).container(1, 128).build());
        world.pod(pod("ns/urgent-2").priority(1000).container(1, 128).build());

        assertEquals(
                List.of("host-a", "host-b"),
                world.events(SchedulerEventType.NOMINATED).stream()
                        .map(SchedulerEvent::getHost)
                        .toList(),
                "what host-a frees is urgent-1's: urgent-2 makes room on host-b");
        assertEquals(2, preempted().size(), "one victim each");
    }

    @Test
    void preemptionHonoursTheNodeSelectorOfThePreemptor() {
        world.node(node("host-a").label(DISK, "ssd").build());
        world.node(node("host-b").label(DISK, "hdd").build());
        runningOn("host-a", pod("ns/a-1").priority(1), "ns/a-1", 1);
        RegistryTask a2 = runningOn("host-a", pod("ns/a-2").priority(1), "ns/a-2", 1);
        RegistryTask a1 = world.taskOfPod("ns/a-1");
        runningOn("host-b", pod("ns/b-1").priority(1), "ns/b-1", 2);
        world.clearOutputs();

        world.pod(pod("ns/urgent")
                .priority(1000)
                .selector(DISK, "ssd")
                .container(2, 128)
                .build());

        assertEquals(List.of("ns/a-1", "ns/a-2"), preempted(), "only host-a has the label; two victims there");
        assertKilledAndDeleted(List.of(a1, a2));
    }
}
