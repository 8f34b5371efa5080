package io.k8sm.endpoints;

import java.util.List;

/** The reconcile result for one service: its Endpoints, its slices and what could not be mapped. */
public record Desired(String serviceKey, EndpointsState endpoints, List<SliceState> slices, List<Problem> problems) {
    public Desired {
        slices = List.copyOf(slices);
        problems = List.copyOf(problems);
    }
}
