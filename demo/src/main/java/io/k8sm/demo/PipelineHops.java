package io.k8sm.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * When each pod passed each hop of the pipeline, as the demo's own informer and consumers saw it
 * (one clock, this JVM's), so that the summary shows which hop is the slowest: created in the API →
 * placed (its SCHEDULED event, committed in the transaction of its launch request) → ACCEPT sent
 * (LAUNCHED, committed with the ACCEPT call) → task STARTING (task-status) → bound (BOUND) → Running
 * (the pod's phase in the API).
 */
final class PipelineHops {

    enum Hop {
        CREATED("created"),
        PLACED("placed"),
        ACCEPT_SENT("ACCEPT sent"),
        STARTING("STARTING"),
        BOUND("bound"),
        RUNNING("Running");

        final String label;

        Hop(String label) {
            this.label = label;
        }
    }

    private final Map<Hop, Map<String, Long>> byPod = new EnumMap<>(Hop.class);
    private final Map<String, String> podOfTask = new ConcurrentHashMap<>();
    private final Map<String, Long> startingOfTask = new ConcurrentHashMap<>();

    PipelineHops() {
        for (Hop h : Hop.values()) {
            byPod.put(h, new ConcurrentHashMap<>());
        }
    }

    /** The first time {@code pod} passed {@code hop}. */
    void passed(Hop hop, String pod, long nanos) {
        byPod.get(hop).putIfAbsent(pod, nanos);
    }

    /** The ACCEPT for {@code task} of {@code pod} was sent. */
    void launched(String task, String pod, long nanos) {
        podOfTask.putIfAbsent(task, pod);
        passed(Hop.ACCEPT_SENT, pod, nanos);
    }

    /** Mesos reported {@code task} STARTING (or RUNNING first); its pod may be known only later. */
    void starting(String task, long nanos) {
        startingOfTask.putIfAbsent(task, nanos);
    }

    /**
     * p50 / p99 milliseconds of each hop (from the one before) over the pods {@code counted} that
     * passed every hop, e.g. {@code placed 812/2210 · ACCEPT sent 95/340 · ...}.
     */
    String line(Predicate<String> counted) {
        startingOfTask.forEach((task, at) -> {
            String pod = podOfTask.get(task);
            if (pod != null) {
                passed(Hop.STARTING, pod, at);
            }
        });
        List<String> pods = new ArrayList<>();
        for (String pod : byPod.get(Hop.RUNNING).keySet()) {
            if (counted.test(pod) && byPod.values().stream().allMatch(m -> m.containsKey(pod))) {
                pods.add(pod);
            }
        }
        StringBuilder b = new StringBuilder(pods.size() + " pods:");
        Hop[] hops = Hop.values();
        for (int i = 1; i < hops.length; i++) {
            List<Long> ms = new ArrayList<>(pods.size());
            for (String pod : pods) {
                long d = byPod.get(hops[i]).get(pod) - byPod.get(hops[i - 1]).get(pod);
                ms.add(Duration.ofNanos(Math.max(0, d)).toMillis());
            }
            Collections.sort(ms);
            b.append(i == 1 ? " " : " · ")
                    .append(hops[i].label)
                    .append(' ')
                    .append(percentile(ms, 50))
                    .append('/')
                    .append(percentile(ms, 99));
        }
        return b.append(" ms").toString();
    }

    static long percentile(List<Long> sorted, int p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
