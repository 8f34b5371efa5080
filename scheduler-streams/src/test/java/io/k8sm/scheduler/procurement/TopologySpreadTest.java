package io.k8sm.scheduler.procurement;

import static io.k8sm.scheduler.procurement.Fixtures.CONFIG;
import static io.k8sm.scheduler.procurement.Fixtures.offer;
import static io.k8sm.scheduler.procurement.Fixtures.placed;
import static io.k8sm.scheduler.procurement.Fixtures.shortOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code spec.topologySpreadConstraints}: maxSkew, whenUnsatisfiable and minDomains, within one cycle. */
class TopologySpreadTest {

    private static final String ZONE = "k8s.mesosphere.io/attribute-zone";
    private final PlacementEngine engine = new PlacementEngine(PlacementPolicy.FIRST_FIT);

    private static PodRequest spread(String key, boolean hard, Integer minDomains) {
        PodTerms.Spread s = new PodTerms.Spread(
                1, ZONE, hard, new PodTerms.Selector(Map.of("app", "w"), List.of(), true), minDomains);
        return Fixtures.pod(key)
                .container(1, 128)
                .build()
                .withPodTerms(
                        new PodTerms("ns", Map.of("app", "w"), List.of(), List.of(), List.of(), List.of(), List.of(s)));
    }

    /** Zone z1 has two agents (a1, a2), zone z2 one (b), each room for many pods. */
    private static Cluster zones() {
        return Cluster.of(List.of(agent("a1", "z1"), agent("a2", "z1"), agent("b", "z2")), CONFIG);
    }

    private static AgentOffer agent(String host, String zone) {
        return offer(host)
                .host(host)
                .cpus(16)
                .mem(16384)
                .attribute(Attribute.text("zone", zone))
                .build();
    }

    private List<String> hosts(List<PlacementResult> results) {
        return results.stream().map(r -> placed(r).hostname()).toList();
    }

    @Test
    void doNotScheduleKeepsEveryZoneWithinMaxSkewOfTheFewest() {
        List<PlacementResult> r = engine.placeAll(
                List.of(
                        spread("ns/w-1", true, null),
                        spread("ns/w-2", true, null),
                        spread("ns/w-3", true, null),
                        spread("ns/w-4", true, null)),
                zones());
        assertEquals(List.of("a1", "b", "a1", "b"), hosts(r));
    }

    @Test
    void withFewerDomainsThanMinDomainsTheFewestCountsAsZero() {
        List<PlacementResult> r = engine.placeAll(
                List.of(spread("ns/w-1", true, 3), spread("ns/w-2", true, 3), spread("ns/w-3", true, 3)), zones());
        assertEquals("a1", placed(r.get(0)).hostname());
        assertEquals("b", placed(r.get(1)).hostname());
        assertTrue(
                shortOf(r.get(2)).has(Shortfall.Reason.TOPOLOGY_SPREAD),
                shortOf(r.get(2)).message());
    }

    @Test
    void scheduleAnywayPrefersTheLeastSkewButPlacesThePodAllTheSame() {
        Cluster oneZone = Cluster.of(List.of(agent("a1", "z1")), CONFIG);
        List<PlacementResult> r =
                engine.placeAll(List.of(spread("ns/w-1", false, null), spread("ns/w-2", false, null)), oneZone);
        assertEquals(List.of("a1", "a1"), hosts(r));
        List<PlacementResult> spreadOut =
                engine.placeAll(List.of(spread("ns/w-1", false, null), spread("ns/w-2", false, null)), zones());
        assertEquals(List.of("a1", "b"), hosts(spreadOut));
    }

    @Test
    void anAgentWithoutTheTopologyKeyCannotTakeAPodThatMustSpread() {
        Cluster c = Cluster.of(List.of(offer("x").host("x").cpus(16).mem(16384).build()), CONFIG);
        PlacementResult r = engine.place(spread("ns/w-1", true, null), c);
        assertTrue(shortOf(r).has(Shortfall.Reason.TOPOLOGY_SPREAD), shortOf(r).message());
    }
}
