package io.k8sm.endpoints;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The writes that take the current state to the desired one; empty when they already agree.
 *
 * @param endpoints the Endpoints to create or update, or null when it is up to date
 * @param slicesToWrite slices to create or update
 * @param slicesToDelete names of our slices of this service that should no longer exist
 */
public record Plan(EndpointsState endpoints, List<SliceState> slicesToWrite, Set<String> slicesToDelete) {

    public Plan {
        slicesToWrite = List.copyOf(slicesToWrite);
        slicesToDelete = Set.copyOf(slicesToDelete);
    }

    public boolean isEmpty() {
        return endpoints == null && slicesToWrite.isEmpty() && slicesToDelete.isEmpty();
    }

    /**
     * Compares desired with current.
     *
     * @param current the current Endpoints in canonical form, or null when there is none
     * @param currentSlices our current slices of the service by name
     */
    public static Plan between(Desired desired, EndpointsState current, Map<String, SliceState> currentSlices) {
        EndpointsState ep = desired.endpoints().equals(current) ? null : desired.endpoints();
        List<SliceState> write = new ArrayList<>();
        Set<String> delete = new TreeSet<>(currentSlices.keySet());
        for (SliceState s : desired.slices()) {
            delete.remove(s.name());
            if (!s.equals(currentSlices.get(s.name()))) {
                write.add(s);
            }
        }
        return new Plan(ep, write, delete);
    }
}
