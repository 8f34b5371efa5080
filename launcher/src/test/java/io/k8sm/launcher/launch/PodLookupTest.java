package io.k8sm.launcher.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The launch check reads the informer before the API. In the long chaos run each of thousands of
 * launch requests cost one GET on a loaded API (40-60 ms a record), so by the time an ACCEPT left,
 * its offers belonged to a subscription that was gone.
 */
class PodLookupTest {

    private static Pod pod(String name) {
        return new PodBuilder()
                .withNewMetadata()
                .withNamespace("ns")
                .withName(name)
                .endMetadata()
                .build();
    }

    @Test
    void aPodTheInformerHoldsCostsNoApiCall() {
        List<String> asked = new ArrayList<>();
        PodLookup api = (ns, name) -> {
            asked.add(ns + "/" + name);
            return Optional.empty();
        };
        PodLookup lookup = PodLookup.informerFirst((ns, name) -> name.equals("a") ? pod("a") : null, api);

        assertEquals("a", lookup.find("ns", "a").orElseThrow().getMetadata().getName());
        assertTrue(asked.isEmpty(), "no API call for a cached pod");
    }

    @Test
    void aPodTheInformerDoesNotHoldIsAskedOfTheApi() {
        List<String> asked = new ArrayList<>();
        PodLookup api = (ns, name) -> {
            asked.add(ns + "/" + name);
            return Optional.of(pod(name));
        };
        PodLookup lookup = PodLookup.informerFirst((ns, name) -> null, api);

        assertEquals("b", lookup.find("ns", "b").orElseThrow().getMetadata().getName());
        assertEquals(List.of("ns/b"), asked);
    }
}
