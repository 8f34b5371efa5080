package io.k8sm.scheduler.replay;

import io.k8sm.avro.Offer;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.RegistryTaskState;
import io.k8sm.scheduler.matching.Matcher;
import io.k8sm.scheduler.matching.ProcurementMatcher;
import io.k8sm.scheduler.procurement.ProcurementConfig;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What placement would have done with other settings: the pods of the rebuilt registry's tasks
 * (all but FINISHED) placed in one batch, in registration order, on the agents the replay saw
 * (each its largest offer, {@link AgentCatalog}), once with the recorded placement settings and
 * once with the other ones, against where the recorded run put them ({@code Spec.agentId}).
 *
 * <p>A batch, not a second run through time: the recorded offers after a placement already reflect
 * the recorded decisions, so a second state machine fed the same offers would place on resources
 * that were in truth taken. Time-based settings (backoff, offer TTL) therefore do not change a
 * what-if; placement settings (policy, port mapping, executor and default container sizes, roles)
 * do.
 *
 * @param recorded the recorded run, as the registry has it
 * @param batchRecorded the batch with the recorded settings (the baseline of a batch)
 * @param batchOther the batch with the other settings
 * @param moved pods placed both in the recorded run and by the other settings, on another agent
 * @param movedExamples a few of them: {@code pod: recorded agent -> other agent}
 */
public record WhatIf(Side recorded, Side batchRecorded, Side batchOther, int moved, List<String> movedExamples) {

    /** One placement's figures. Utilisation is of the agents it uses (pods' cpu, mem / the agents'). */
    public record Side(
            int pods, int placed, int unschedulable, int agentsUsed, double cpuUtilisation, double memUtilisation) {}

    public static WhatIf compare(ReplayResult r, ProcurementConfig recordedConfig, ProcurementConfig other) {
        List<RegistryTask> tasks = new ArrayList<>();
        Map<String, PodSnapshot> pods = new HashMap<>();
        for (ReplayShard s : r.shards()) {
            for (RegistryTask t : s.tasks().view().values()) {
                PodSnapshot pod = s.pods().get(t.getPodKey());
                if (t.getState() != RegistryTaskState.FINISHED && pod != null && !pods.containsKey(t.getPodKey())) {
                    tasks.add(t);
                    pods.put(t.getPodKey(), pod);
                }
            }
        }
        tasks.sort(Comparator.comparing(RegistryTask::getCreateTime).thenComparing(RegistryTask::getPodKey));
        List<PodSnapshot> ordered =
                tasks.stream().map(t -> pods.get(t.getPodKey())).toList();
        List<Offer> agents = r.agents().capacities();
        Map<String, Offer> byAgent = new HashMap<>();
        agents.forEach(o -> byAgent.put(o.getAgentId(), o));

        Map<String, String> recordedAgent = new LinkedHashMap<>();
        Map<String, double[]> recordedUse = new LinkedHashMap<>();
        for (RegistryTask t : tasks) {
            if (t.getSpec() != null) {
                recordedAgent.put(t.getPodKey(), t.getSpec().getAgentId());
                recordedUse.put(t.getPodKey(), use(t.getSpec().getResources()));
            }
        }
        Side recorded = side(ordered.size(), recordedAgent, recordedUse, byAgent);
        Map<String, String> baseAgent = new LinkedHashMap<>();
        Side base = batch(ordered, agents, recordedConfig, byAgent, baseAgent);
        Map<String, String> otherAgent = new LinkedHashMap<>();
        Side alt = batch(ordered, agents, other, byAgent, otherAgent);
        int moved = 0;
        List<String> examples = new ArrayList<>();
        for (Map.Entry<String, String> e : recordedAgent.entrySet()) {
            String to = otherAgent.get(e.getKey());
            if (to != null && !to.equals(e.getValue())) {
                moved++;
                if (examples.size() < 5) {
                    examples.add(e.getKey() + ": " + e.getValue() + " -> " + to);
                }
            }
        }
        return new WhatIf(recorded, base, alt, moved, List.copyOf(examples));
    }

    private static Side batch(
            List<PodSnapshot> pods,
            List<Offer> agents,
            ProcurementConfig config,
            Map<String, Offer> byAgent,
            Map<String, String> agentOf) {
        Matcher.Result result = new ProcurementMatcher(config).match(pods, agents, Matcher.Context.NONE);
        Map<String, double[]> use = new LinkedHashMap<>();
        for (Matcher.Placed p : result.placed()) {
            agentOf.put(p.podKey(), p.spec().getAgentId());
            use.put(p.podKey(), use(p.spec().getResources()));
        }
        return side(pods.size(), agentOf, use, byAgent);
    }

    private static double[] use(List<io.k8sm.avro.Resource> resources) {
        return new double[] {AgentCatalog.scalar(resources, "cpus"), AgentCatalog.scalar(resources, "mem")};
    }

    private static Side side(
            int pods, Map<String, String> agentOf, Map<String, double[]> use, Map<String, Offer> byAgent) {
        Set<String> used = new HashSet<>(agentOf.values());
        double cpu = 0;
        double mem = 0;
        for (double[] u : use.values()) {
            cpu += u[0];
            mem += u[1];
        }
        double capCpu = 0;
        double capMem = 0;
        for (String a : used) {
            Offer o = byAgent.get(a);
            if (o != null) {
                capCpu += AgentCatalog.scalar(o.getResources(), "cpus");
                capMem += AgentCatalog.scalar(o.getResources(), "mem");
            }
        }
        return new Side(
                pods,
                agentOf.size(),
                pods - agentOf.size(),
                used.size(),
                capCpu == 0 ? 0 : cpu / capCpu,
                capMem == 0 ? 0 : mem / capMem);
    }
}
