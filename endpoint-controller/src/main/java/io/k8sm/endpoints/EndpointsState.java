package io.k8sm.endpoints;

import java.util.List;
import java.util.Map;

/**
 * What an Endpoints object says, in canonical form (sorted, nulls as empties, server-set metadata
 * left out), so that two states are equal exactly when no write is needed.
 */
public record EndpointsState(
        String namespace, String name, Map<String, String> labels, Owner owner, List<Subset> subsets) {
    public EndpointsState {
        labels = Map.copyOf(labels);
        subsets = List.copyOf(subsets);
    }

    public String key() {
        return namespace + "/" + name;
    }
}
