package io.k8sm.scheduler.replay;

import io.k8sm.avro.Offer;
import io.k8sm.avro.Resource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agents a replay saw in offers, each with its largest offer: the estimate of the agent's size
 * a what-if places on. In a replay from the start of the history an agent's largest offer is its
 * first, made before any of our tasks ran there. Agents keep the order they were first offered in
 * (first-fit's stable order).
 */
public final class AgentCatalog {

    private final Map<String, Offer> largest = new LinkedHashMap<>();

    void seen(Offer o) {
        Offer prev = largest.get(o.getAgentId());
        if (prev == null || size(o) > size(prev)) {
            largest.put(o.getAgentId(), o);
        }
    }

    /** Each agent's largest offer, our executors removed (as an empty agent), in first-seen order. */
    public List<Offer> capacities() {
        return largest.values().stream()
                .map(o -> Offer.newBuilder(o).setExecutorIds(List.of()).build())
                .toList();
    }

    public int size() {
        return largest.size();
    }

    private static double size(Offer o) {
        return scalar(o.getResources(), "cpus") * 1024 + scalar(o.getResources(), "mem");
    }

    /** The sum of a scalar resource over every role. */
    static double scalar(List<Resource> resources, String name) {
        double sum = 0;
        for (Resource r : resources) {
            if (name.equals(r.getName()) && r.getScalar() != null) {
                sum += r.getScalar();
            }
        }
        return sum;
    }
}
