package io.k8sm.scheduler.procurement;

import static io.k8sm.scheduler.procurement.Fixtures.CONFIG;
import static io.k8sm.scheduler.procurement.Fixtures.offer;
import static io.k8sm.scheduler.procurement.Fixtures.placed;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Inter-pod preferences within one cycle: later pods see the ones placed before them. */
class PodTermsTest {

    private static final String RACK = "k8s.mesosphere.io/attribute-rack";
    private final PlacementEngine engine = new PlacementEngine(PlacementPolicy.FIRST_FIT);

    private static PodRequest spreading(String key, int weight) {
        PodTerms.Term sameApp =
                new PodTerms.Term(new PodTerms.Selector(Map.of("app", "w"), List.of(), true), List.of(), RACK);
        return Fixtures.pod(key)
                .container(1, 128)
                .build()
                .withPodTerms(new PodTerms(
                        "ns",
                        Map.of("app", "w"),
                        List.of(),
                        List.of(),
                        List.of(),
                        List.of(new PodTerms.Weighted(weight, sameApp)),
                        List.of()));
    }

    private static Cluster twoRacks() {
        return Cluster.of(
                List.of(
                        offer("a")
                                .host("host-a")
                                .cpus(8)
                                .mem(8192)
                                .attribute(Attribute.text("rack", "r1"))
                                .build(),
                        offer("b")
                                .host("host-b")
                                .cpus(8)
                                .mem(8192)
                                .attribute(Attribute.text("rack", "r2"))
                                .build()),
                CONFIG);
    }

    @Test
    void preferredAntiAffinitySpreadsAcrossRacksWhereItCanAndDoesNotBlockWhereItCannot() {
        Cluster c = twoRacks();
        List<PlacementResult> r =
                engine.placeAll(List.of(spreading("ns/w-1", 50), spreading("ns/w-2", 50), spreading("ns/w-3", 50)), c);
        assertEquals("host-a", placed(r.get(0)).hostname());
        assertEquals("host-b", placed(r.get(1)).hostname(), "the rack without a w pod is preferred");
        assertEquals("host-a", placed(r.get(2)).hostname(), "both racks have one: first-fit, not a shortfall");
    }

    @Test
    void withoutPreferencesFirstFitPacksTheFirstAgent() {
        Cluster c = twoRacks();
        List<PlacementResult> r = engine.placeAll(
                List.of(
                        Fixtures.pod("ns/x").container(1, 128).build(),
                        Fixtures.pod("ns/y").container(1, 128).build()),
                c);
        assertEquals("host-a", placed(r.get(1)).hostname());
    }
}
