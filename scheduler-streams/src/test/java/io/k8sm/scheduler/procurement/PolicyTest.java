package io.k8sm.scheduler.procurement;

import static io.k8sm.scheduler.procurement.Fixtures.CONFIG;
import static io.k8sm.scheduler.procurement.Fixtures.offer;
import static io.k8sm.scheduler.procurement.Fixtures.placed;
import static io.k8sm.scheduler.procurement.Fixtures.pod;
import static io.k8sm.scheduler.procurement.Fixtures.port;
import static io.k8sm.scheduler.procurement.Fixtures.shortOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PolicyTest {

    private static List<AgentOffer> fourAgents() {
        return List.of(
                offer("a").cpus(8).mem(8192).build(),
                offer("b").cpus(2).mem(2048).build(),
                offer("c").cpus(4).mem(4096).build(),
                offer("d").cpus(1).mem(1024).build());
    }

    @Test
    void policiesAreChosenByTheirConfigurationNames() {
        assertEquals(PlacementPolicy.FIRST_FIT, PlacementPolicy.parse("first-fit"));
        assertEquals(PlacementPolicy.BIN_PACK, PlacementPolicy.parse("bin-pack"));
        assertEquals(
                PlacementPolicy.BIN_PACK,
                PlacementEngine.of(CONFIG.withPolicy(PlacementPolicy.BIN_PACK)).policy());
        assertThrows(IllegalArgumentException.class, () -> PlacementPolicy.parse("random"));
    }

    @Test
    void firstFitTakesTheFirstFittingAgentInOfferOrder() {
        Cluster c = Cluster.of(fourAgents(), CONFIG);
        PlacementEngine e = new PlacementEngine(PlacementPolicy.FIRST_FIT);
        assertEquals(
                "a", placed(e.place(pod("ns/p").container(0.5, 64).build(), c)).agentId());
        assertEquals(
                "a", placed(e.place(pod("ns/q").container(6.0, 64).build(), c)).agentId());
        assertEquals(
                "c", placed(e.place(pod("ns/r").container(3.0, 64).build(), c)).agentId());
    }

    @Test
    void binPackTakesTheFittingAgentLeftWithTheLeastFree() {
        Cluster c = Cluster.of(fourAgents(), CONFIG);
        PlacementEngine e = new PlacementEngine(PlacementPolicy.BIN_PACK);
        assertEquals(
                "d", placed(e.place(pod("ns/p").container(0.5, 64).build(), c)).agentId());
        assertEquals(
                "b", placed(e.place(pod("ns/q").container(1.5, 64).build(), c)).agentId());
        assertEquals(
                "c", placed(e.place(pod("ns/r").container(3.0, 64).build(), c)).agentId());
    }

    @Test
    void binPackBreaksTiesByOfferOrder() {
        Cluster c = Cluster.of(
                List.of(
                        offer("x").cpus(2).mem(2048).build(),
                        offer("y").cpus(2).mem(2048).build()),
                CONFIG);
        assertEquals(
                "x",
                placed(new PlacementEngine(PlacementPolicy.BIN_PACK)
                                .place(pod("ns/p").build(), c))
                        .agentId());
    }

    @Test
    void binPackUsesFewerAgentsThanFirstFit() {
        // three equal agents; first-fit opens a third agent for the last pod, best-fit fills the gaps
        List<AgentOffer> offers = new ArrayList<>();
        for (String id : List.of("a", "b", "c")) {
            offers.add(offer(id).cpus(10.25).mem(100_000).build());
        }
        List<PodRequest> pods = new ArrayList<>();
        double[] sizes = {5, 6, 4, 5};
        for (int i = 0; i < sizes.length; i++) {
            pods.add(pod("ns/p" + i).container(sizes[i], 64).build());
        }
        int ff = agentsUsed(new PlacementEngine(PlacementPolicy.FIRST_FIT), offers, pods);
        int bp = agentsUsed(new PlacementEngine(PlacementPolicy.BIN_PACK), offers, pods);
        assertEquals(3, ff);
        assertEquals(2, bp);
    }

    private static int agentsUsed(PlacementEngine e, List<AgentOffer> offers, List<PodRequest> pods) {
        Cluster c = Cluster.of(offers, CONFIG);
        List<PlacementResult> results = e.placeAll(pods, c);
        assertTrue(results.stream().allMatch(PlacementResult::placed), e.policy() + " left pods unplaced");
        return Set.copyOf(results.stream().map(r -> ((Placement) r).agentId()).toList())
                .size();
    }

    @Test
    void shortfallSaysWhatWasShort() {
        List<AgentOffer> offers = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            offers.add(offer("small" + i).cpus(1).mem(8192).ports(8080, 8090).build());
        }
        for (int i = 0; i < 5; i++) {
            offers.add(offer("busy" + i).cpus(8).mem(8192).ports(9000, 9010).build());
        }
        Cluster c = Cluster.of(offers, CONFIG);
        PodRequest p = pod("ns/web").container(1.5, 256, port(80, 8080)).build();
        Shortfall s = shortOf(new PlacementEngine(PlacementPolicy.BIN_PACK).place(p, c));
        assertEquals("0/12 offers fit: 7 short of cpu (need 1.5), 5 host port 8080 not offered", s.message());
        assertEquals(Shortfall.Reason.CPU, s.reasons().get(0).reason());
        assertEquals(7, s.reasons().get(0).offers());
        assertEquals("8080", s.reasons().get(1).subject());
        assertEquals("ns/web", s.podKey());
    }

    @Test
    void shortfallWithoutOffersSaysSo() {
        Cluster c = Cluster.of(List.of(), CONFIG);
        assertEquals(
                "0/0 offers fit: no offers",
                shortOf(new PlacementEngine(PlacementPolicy.FIRST_FIT)
                                .place(pod("ns/p").build(), c))
                        .message());
    }

    @Test
    void sameInputsGiveTheSamePlacements() {
        List<AgentOffer> offers = io.k8sm.scheduler.bench.Workload.offers(new java.util.Random(7), 200, true, CONFIG);
        List<PodRequest> pods = io.k8sm.scheduler.bench.Workload.pods(new java.util.Random(8), 1500, true, CONFIG);
        for (PlacementPolicy policy : PlacementPolicy.values()) {
            PlacementEngine e = new PlacementEngine(policy);
            assertEquals(e.placeAll(pods, Cluster.of(offers, CONFIG)), e.placeAll(pods, Cluster.of(offers, CONFIG)));
        }
    }

    @Test
    void offersAddedLaterJoinTheCycle() {
        Cluster c = Cluster.of(List.of(offer("a").cpus(1).mem(1024).build()), CONFIG);
        PlacementEngine e = new PlacementEngine(PlacementPolicy.BIN_PACK);
        shortOf(e.place(pod("ns/p").container(2.0, 64).build(), c));
        c.addOffer(offer("b").cpus(4).mem(4096).build());
        assertEquals(
                "b", placed(e.place(pod("ns/p").container(2.0, 64).build(), c)).agentId());
        c.addOffer(offer("a").id("offer-a2").cpus(4).build());
        assertEquals(
                "a", placed(e.place(pod("ns/q").container(3.0, 64).build(), c)).agentId());
    }
}
