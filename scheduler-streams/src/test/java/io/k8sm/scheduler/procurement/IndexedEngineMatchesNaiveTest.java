package io.k8sm.scheduler.procurement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.scheduler.bench.Workload;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IndexedEngineMatchesNaiveTest {
    private static final ProcurementConfig CONFIG =
            ProcurementConfig.defaults().withFrameworkRoles(List.of("*", "prod"));

    static List<Arguments> workloads() {
        return List.of(
                Arguments.of(PlacementPolicy.FIRST_FIT, 1L, 50, 800),
                Arguments.of(PlacementPolicy.FIRST_FIT, 2L, 300, 4000),
                Arguments.of(PlacementPolicy.FIRST_FIT, 3L, 120, 3000),
                Arguments.of(PlacementPolicy.BIN_PACK, 1L, 50, 800),
                Arguments.of(PlacementPolicy.BIN_PACK, 2L, 300, 4000),
                Arguments.of(PlacementPolicy.BIN_PACK, 3L, 120, 3000));
    }

    @ParameterizedTest(name = "{0} seed {1}: {3} pods on {2} agents")
    @MethodSource("workloads")
    void indexedEngineChoosesWhatThePolicysDefinitionChooses(PlacementPolicy policy, long seed, int agents, int pods) {
        List<AgentOffer> offers = Workload.offers(new Random(seed), agents, true, CONFIG);
        List<PodRequest> podList = Workload.pods(new Random(seed * 31 + 1), pods, true, CONFIG);
        List<PlacementResult> indexed = new PlacementEngine(policy).placeAll(podList, Cluster.of(offers, CONFIG));
        List<PlacementResult> naive = new NaivePlacement(policy).placeAll(podList, Cluster.of(offers, CONFIG));
        for (int i = 0; i < podList.size(); i++) {
            assertEquals(naive.get(i), indexed.get(i), "pod " + i);
        }
        // the workloads must exercise both outcomes, or the comparison proves little
        assertTrue(indexed.stream().anyMatch(PlacementResult::placed));
        assertTrue(indexed.stream().anyMatch(r -> !r.placed()));
    }
}
