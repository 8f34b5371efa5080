package io.k8sm.scheduler.matching;

import io.k8sm.avro.PodSnapshot;
import io.k8sm.contract.PodAnnotations;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Gangs: pods annotated {@value PodAnnotations#GANG} with a {@value PodAnnotations#GANG_MIN_COUNT}
 * above 1 are placed all or nothing. A round places every due pod; a gang with fewer members placed
 * (plus members already running) than its minimum is taken out and the round placed again without
 * it, until every gang left is whole, so what a broken gang would have held goes to the others.
 * Pure and deterministic.
 */
final class Gangs {

    private Gangs() {}

    /** The gang key of a pod ({@code namespace/gang}), or null when it is in none. */
    static String of(PodSnapshot pod) {
        String name = pod.getAnnotations().get(PodAnnotations.GANG);
        return name == null || name.isBlank() || min(pod) <= 1 ? null : pod.getNamespace() + "/" + name.trim();
    }

    static int min(PodSnapshot pod) {
        try {
            return Integer.parseInt(pod.getAnnotations()
                    .getOrDefault(PodAnnotations.GANG_MIN_COUNT, "1")
                    .trim());
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    /** One pass of placement over some of the pods. */
    interface Pass {
        Matcher.Result place(List<PodSnapshot> pods);
    }

    /**
     * Places the pods by passes, taking out broken gangs until none is left.
     *
     * @param running the pods already placed before this round
     */
    static Matcher.Result place(List<PodSnapshot> pods, List<Matcher.Running> running, Pass pass) {
        Map<String, Integer> minimum = new TreeMap<>();
        Map<String, String> gangOf = new java.util.HashMap<>();
        for (PodSnapshot p : pods) {
            String g = of(p);
            if (g != null) {
                minimum.merge(g, min(p), Math::max);
                gangOf.put(p.getNamespace() + "/" + p.getName(), g);
            }
        }
        if (minimum.isEmpty()) {
            return pass.place(pods);
        }
        Map<String, Integer> alreadyRunning = new TreeMap<>();
        for (Matcher.Running r : running) {
            String g = of(r.pod());
            if (g != null) {
                alreadyRunning.merge(g, 1, Integer::sum);
            }
        }
        Set<String> out = new HashSet<>();
        Map<String, String> broken = new LinkedHashMap<>();
        while (true) {
            List<PodSnapshot> candidates =
                    pods.stream().filter(p -> !out.contains(of(p))).toList();
            Matcher.Result r = pass.place(candidates);
            Map<String, Integer> placed = new TreeMap<>();
            for (Matcher.Placed p : r.placed()) {
                String g = gangOf.get(p.podKey());
                if (g != null) {
                    placed.merge(g, 1, Integer::sum);
                }
            }
            boolean whole = true;
            for (Map.Entry<String, Integer> e : minimum.entrySet()) {
                String g = e.getKey();
                int have = placed.getOrDefault(g, 0) + alreadyRunning.getOrDefault(g, 0);
                if (!out.contains(g) && have < e.getValue()) {
                    out.add(g);
                    whole = false;
                    for (PodSnapshot p : pods) {
                        if (g.equals(of(p))) {
                            String key = p.getNamespace() + "/" + p.getName();
                            String own = r.shortfalls().get(key);
                            broken.put(
                                    key,
                                    "gang " + g + ": " + have + " of its minimum " + e.getValue()
                                            + " members fit together"
                                            + (own == null ? "" : " (this one: " + own + ")"));
                        }
                    }
                }
            }
            if (whole) {
                Map<String, String> shortfalls = new LinkedHashMap<>(r.shortfalls());
                shortfalls.putAll(broken);
                return new Matcher.Result(r.placed(), shortfalls);
            }
        }
    }
}
