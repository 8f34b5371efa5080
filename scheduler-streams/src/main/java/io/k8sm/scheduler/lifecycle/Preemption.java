package io.k8sm.scheduler.lifecycle;

import io.k8sm.avro.Attribute;
import io.k8sm.avro.Container;
import io.k8sm.avro.FaultDomain;
import io.k8sm.avro.NodeSnapshot;
import io.k8sm.avro.Offer;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.RegistryTaskState;
import io.k8sm.avro.Resource;
import io.k8sm.avro.SchedulerEventType;
import io.k8sm.avro.ValueType;
import io.k8sm.contract.NodeLabels;
import io.k8sm.contract.PodAnnotations;
import io.k8sm.scheduler.matching.Constraints;
import io.k8sm.scheduler.matching.Matcher;
import io.k8sm.scheduler.offers.LiveOffer;
import io.k8sm.scheduler.offers.OfferBook;
import io.k8sm.scheduler.outputs.Decisions;
import io.k8sm.scheduler.queue.QueueEntry;
import io.k8sm.scheduler.registry.TaskRegistry;
import io.k8sm.scheduler.registry.Tasks;
import io.k8sm.scheduler.state.Kv;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Priority preemption, as kube-scheduler does it: a pod of priority above 0 that found no place in
 * a round may take one agent from pods of strictly lower priority. On each agent that runs such
 * pods, all of them are assumed gone and the pod must then fit (the real matcher decides, on the
 * agent's offers plus the victims' resources, with its labels and taints); then victims are spared
 * from the highest priority down while the pod still fits. The agent with the fewest victims wins,
 * then the lowest highest victim priority, the lowest sum, the hostname. The victims are killed and
 * their pods deleted ({@code PREEMPTED}); the agent is held for the preemptor ({@code NOMINATED},
 * the queue entry's nomination) for {@link #HOLD_MS}, and the pod is placed when the freed
 * resources are offered again. An agent held for one preemptor is not weighed for another.
 *
 * <p>Only from inputs: the same registry and offers give the same victims. Not done: gangs (a gang
 * backs off as one instead), PodDisruptionBudgets (not among the scheduler's inputs), {@code
 * preemptionPolicy: Never} (not in the pod snapshot).
 */
public final class Preemption {

    private static final Logger log = LoggerFactory.getLogger(Preemption.class);

    /** How long the agent a preemption freed is held for its pod. */
    public static final long HOLD_MS = 30_000;

    /** At most this many agents are weighed for one pod in one round. */
    static final int MAX_CANDIDATES = 64;

    private final Kv<String, PodSnapshot> pods;
    private final Kv<String, QueueEntry> queue;
    private final Kv<String, NodeSnapshot> nodes;
    private final TaskRegistry registry;
    private final OfferBook offers;
    private final Matcher matcher;
    private final TaskLifecycle lifecycle;
    private final Decisions out;

    public Preemption(
            Kv<String, PodSnapshot> pods,
            Kv<String, QueueEntry> queue,
            Kv<String, NodeSnapshot> nodes,
            TaskRegistry registry,
            OfferBook offers,
            Matcher matcher,
            TaskLifecycle lifecycle,
            Decisions out) {
        this.pods = pods;
        this.queue = queue;
        this.nodes = nodes;
        this.registry = registry;
        this.offers = offers;
        this.matcher = matcher;
        this.lifecycle = lifecycle;
        this.out = out;
    }

    /** A running pod that could make room: its task, its pod, its priority. */
    record Victim(RegistryTask task, PodSnapshot pod, int priority) {
        String podKey() {
            return task.getPodKey();
        }
    }

    /** The victims on one agent that make room for the pod. */
    record Plan(String host, List<Victim> victims) {
        int maxPriority() {
            return victims.stream().mapToInt(Victim::priority).max().orElse(Integer.MIN_VALUE);
        }

        long sumPriority() {
            return victims.stream().mapToLong(Victim::priority).sum();
        }
    }

    private static final Comparator<Plan> BEST = Comparator.<Plan>comparingInt(
                    p -> p.victims().size())
            .thenComparingInt(Plan::maxPriority)
            .thenComparingLong(Plan::sumPriority)
            .thenComparing(Plan::host);

    /** After a round: each pod that found no place, highest priority first, may preempt. */
    public void preempt(List<PodSnapshot> unplaced, long now) {
        List<PodSnapshot> preemptors = unplaced.stream()
                .filter(p -> priority(p) > 0 && mayPreempt(p, now))
                .toList();
        if (preemptors.isEmpty()) {
            return;
        }
        Map<String, List<Victim>> byHost = runningByHost();
        // an agent held for one preemptor is not weighed for another until it is placed or the hold ends
        for (Map.Entry<String, QueueEntry> e : queue.all()) {
            String held = e.getValue().nominatedAt(now);
            if (held != null) {
                byHost.remove(held);
            }
        }
        Map<String, List<Offer>> offered = new TreeMap<>();
        for (LiveOffer lo : offers.live()) {
            offered.computeIfAbsent(lo.offer().getHostname(), k -> new ArrayList<>())
                    .add(lo.offer());
        }
        for (PodSnapshot p : preemptors) {
            Plan plan = plan(p, byHost, offered);
            if (plan != null) {
                execute(p, plan, now);
                byHost.remove(plan.host()); // one preemption per agent per round
            }
        }
    }

    private boolean mayPreempt(PodSnapshot p, long now) {
        QueueEntry q = queue.get(Tasks.podKey(p));
        return q != null && q.nominatedAt(now) == null && !p.getAnnotations().containsKey(PodAnnotations.GANG);
    }

    /** The launched, live tasks whose pods are known, by host (in host order). */
    private Map<String, List<Victim>> runningByHost() {
        Map<String, List<Victim>> byHost = new TreeMap<>();
        for (RegistryTask t : registry.all()) {
            if (t.getSpec() == null
                    || !Tasks.launched(t)
                    || Tasks.deleted(t)
                    || t.getState() == RegistryTaskState.FINISHED) {
                continue;
            }
            PodSnapshot pod = pods.get(t.getPodKey());
            if (pod != null) {
                byHost.computeIfAbsent(Tasks.host(t), k -> new ArrayList<>()).add(new Victim(t, pod, priority(pod)));
            }
        }
        return byHost;
    }

    /** The best agent and its victims for the pod, or null when no preemption makes it fit. */
    Plan plan(PodSnapshot p, Map<String, List<Victim>> byHost, Map<String, List<Offer>> offered) {
        int priority = priority(p);
        double needCpu = 0;
        double needMem = 0;
        for (Container c : p.getContainers()) {
            needCpu += c.getCpuRequest() != null ? c.getCpuRequest() : c.getCpuLimit() == null ? 0 : c.getCpuLimit();
            Long mem = c.getMemRequestBytes() != null ? c.getMemRequestBytes() : c.getMemLimitBytes();
            needMem += mem == null ? 0 : mem / (1024.0 * 1024.0);
        }
        // no plan beats one victim of the lowest priority running: the first such ends the search
        int lowest = byHost.values().stream()
                .flatMap(List::stream)
                .mapToInt(Victim::priority)
                .min()
                .orElse(Integer.MAX_VALUE);
        Plan best = null;
        int weighed = 0;
        for (Map.Entry<String, List<Victim>> e : byHost.entrySet()) {
            if (best != null && best.victims().size() == 1 && best.maxPriority() == lowest) {
                break;
            }
            List<Victim> lower = e.getValue().stream()
                    .filter(v -> v.priority() < priority)
                    .sorted(Comparator.comparingInt(Victim::priority)
                            .thenComparing(v -> v.task().getId()))
                    .collect(Collectors.toCollection(ArrayList::new));
            List<Offer> free = offered.getOrDefault(e.getKey(), List.of());
            if (lower.isEmpty()
                    || scalar(free, lower, "cpus") < needCpu
                    || scalar(free, lower, "mem") < needMem
                    || weighed++ >= MAX_CANDIDATES) {
                continue;
            }
            if (!fits(p, e.getKey(), free, lower, byHost)) {
                continue;
            }
            List<Victim> victims = new ArrayList<>(lower);
            List<Victim> highestFirst = new ArrayList<>(lower);
            Collections.reverse(highestFirst);
            for (Victim v : highestFirst) { // spare the highest priorities first
                List<Victim> without = new ArrayList<>(victims);
                without.remove(v);
                if (fits(p, e.getKey(), free, without, byHost)) {
                    victims = without;
                }
            }
            Plan plan = new Plan(e.getKey(), List.copyOf(victims));
            if (best == null || BEST.compare(plan, best) < 0) {
                best = plan;
            }
        }
        return best;
    }

    /** Whether the pod fits the host's offers plus what the victims hold, the victims gone. */
    private boolean fits(
            PodSnapshot p, String host, List<Offer> free, List<Victim> victims, Map<String, List<Victim>> byHost) {
        Set<String> gone = victims.stream().map(v -> v.task().getId()).collect(Collectors.toSet());
        Matcher.Context context = new Matcher.Context(
                nodes::get,
                () -> byHost.entrySet().stream()
                        .flatMap(e -> e.getValue().stream()
                                .filter(v -> !gone.contains(v.task().getId()))
                                .map(v -> new Matcher.Running(v.pod(), e.getKey())))
                        .toList(),
                () -> nodes.all().stream().map(Map.Entry::getValue).toList());
        Offer freed = freedOffer(host, free, victims);
        return !matcher.match(List.of(p), List.of(freed), context).placed().isEmpty();
    }

    /** One offer of the host: its offers' resources and the victims', its labels and executors. */
    private Offer freedOffer(String host, List<Offer> free, List<Victim> victims) {
        List<Resource> resources = new ArrayList<>();
        Set<String> executors = new TreeSet<>();
        free.forEach(o -> {
            resources.addAll(o.getResources());
            executors.addAll(o.getExecutorIds());
        });
        victims.forEach(v -> {
            resources.addAll(v.task().getSpec().getResources());
            executors.add(v.task().getSpec().getExecutorId());
        });
        Offer like = free.isEmpty() ? null : free.get(0);
        String agentId = like != null
                ? like.getAgentId()
                : victims.isEmpty() ? "" : victims.get(0).task().getSpec().getAgentId();
        Offer.Builder b = Offer.newBuilder()
                .setId("preemption/" + host)
                .setFrameworkId(like == null ? "" : like.getFrameworkId())
                .setAgentId(agentId)
                .setHostname(host)
                .setResources(resources)
                .setExecutorIds(new ArrayList<>(executors));
        if (like != null) {
            return b.setAttributes(like.getAttributes())
                    .setDomain(like.getDomain())
                    .build();
        }
        // no offer of the agent now: its attributes and fault domain as its node's labels say
        NodeSnapshot node = nodes.get(Constraints.nodeName(host));
        Map<String, String> labels = node == null ? Map.of() : node.getLabels();
        List<Attribute> attributes = new ArrayList<>();
        labels.forEach((k, v) -> {
            if (NodeLabels.isAttribute(k)) {
                attributes.add(Attribute.newBuilder()
                        .setName(k.substring(NodeLabels.ATTRIBUTE_PREFIX.length()))
                        .setType(ValueType.TEXT)
                        .setText(v)
                        .build());
            }
        });
        String region = labels.get(NodeLabels.REGION);
        String zone = labels.get(NodeLabels.ZONE);
        return b.setAttributes(attributes)
                .setDomain(region == null || zone == null ? null : new FaultDomain(region, zone))
                .build();
    }

    /** The total of a scalar resource (every role) on the host's offers plus the victims' tasks. */
    private static double scalar(List<Offer> free, List<Victim> victims, String name) {
        double sum = 0;
        for (Offer o : free) {
            sum += scalar(o.getResources(), name);
        }
        for (Victim v : victims) {
            sum += scalar(v.task().getSpec().getResources(), name);
        }
        return sum;
    }

    private static double scalar(List<Resource> resources, String name) {
        double sum = 0;
        for (Resource r : resources) {
            if (name.equals(r.getName()) && r.getScalar() != null) {
                sum += r.getScalar();
            }
        }
        return sum;
    }

    private void execute(PodSnapshot p, Plan plan, long now) {
        String podKey = Tasks.podKey(p);
        RegistryTask preemptor = registry.byPod(podKey);
        String names = plan.victims().stream().map(Victim::podKey).collect(Collectors.joining(", "));
        for (Victim v : plan.victims()) {
            String why = "preempted by " + podKey + " (priority " + priority(p) + ") to make room on " + plan.host();
            log.info("pod {} task {}: {}", v.podKey(), v.task().getId(), why);
            out.event(v.podKey(), v.task().getId(), SchedulerEventType.PREEMPTED, why, plan.host(), now);
            out.deletePod(v.podKey(), v.pod().getUid(), why);
            lifecycle.podDeleted(v.task(), now, why);
        }
        queue.put(podKey, queue.get(podKey).nominate(plan.host(), now + HOLD_MS));
        String message = "nominated to " + plan.host() + ", held for it " + HOLD_MS / 1000 + " s: preempting "
                + plan.victims().size() + " lower-priority pod(s): " + names;
        log.info("pod {}: {}", podKey, message);
        out.event(
                podKey,
                preemptor == null ? null : preemptor.getId(),
                SchedulerEventType.NOMINATED,
                message,
                plan.host(),
                now);
    }

    private static int priority(PodSnapshot pod) {
        return pod.getPriority() == null ? 0 : pod.getPriority();
    }
}
