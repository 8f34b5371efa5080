package io.k8sm.scheduler.topology;

import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.Resource;
import io.k8sm.scheduler.offers.LiveOffer;
import io.k8sm.scheduler.queue.QueueEntry;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The scheduler's state as this instance holds it, read from its local stores (interactive
 * queries, outside the topology): tasks by state, the pending queue with each pod's reason, agents
 * with the cpu and memory their live offers hold free and their tasks use, offers held. A snapshot is
 * taken at most once a second; the gauges ({@code scheduler_pending_pods{queue}}, {@code
 * k8sm_scheduler_tasks{state}}, {@code k8sm_offers_held}, {@code k8sm_agents}, {@code
 * k8sm_agent_*{agent}}) and the dashboard read it.
 */
public final class SchedulerView {

    /**
     * Pods by state: pending (in the queue, waiting for a placement), launching (placed: its task
     * staging or starting), running, finished (tasks the registry still keeps).
     */
    public static final List<String> POD_STATES = List.of("pending", "launching", "running", "finished");

    /** The queues of {@code scheduler_pending_pods}, kube-scheduler's names. */
    public static final List<String> QUEUES = List.of("active", "backoff", "unschedulable");

    public record Pending(String podKey, String queue, int failures, String reason, long enqueuedAtMs) {}

    public record Agent(
            String id,
            String host,
            double cpusFree,
            double memFree,
            double cpusUsed,
            double memUsed,
            int offers,
            int tasks) {}

    public record Snapshot(
            long takenAtMs,
            String state,
            Map<String, Integer> pods,
            Map<String, Integer> queues,
            List<Pending> pending,
            List<Agent> agents,
            int offersHeld) {}

    private static final long MAX_AGE_MS = 1000;

    private final KafkaStreams streams;
    private final LongSupplier wallMs;
    private final Set<String> agentGauges = ConcurrentHashMap.newKeySet();
    private volatile Snapshot last;

    public SchedulerView(KafkaStreams streams, LongSupplier wallMs) {
        this.streams = streams;
        this.wallMs = wallMs;
        this.last = empty(0L);
    }

    /** Registers the gauges; {@link #registerAgentGauges} adds those of agents seen since. */
    public void bindTo(MeterRegistry registry) {
        for (String q : QUEUES) {
            Gauge.builder(
                            "scheduler.pending.pods",
                            this,
                            v -> v.snapshot().queues().getOrDefault(q, 0))
                    .description("Pods waiting for a placement, by queue (active: due; backoff; unschedulable: no fit)")
                    .tag("queue", q)
                    .register(registry);
        }
        for (String s : POD_STATES) {
            Gauge.builder("k8sm.scheduler.tasks", this, v -> v.snapshot().pods().getOrDefault(s, 0))
                    .description("Tasks in the registry by state")
                    .tag("state", s)
                    .register(registry);
        }
        Gauge.builder("k8sm.offers.held", this, v -> v.snapshot().offersHeld())
                .description("Live offers the scheduler holds")
                .register(registry);
        Gauge.builder("k8sm.agents", this, v -> v.snapshot().agents().size())
                .description("Agents known from live offers or running tasks")
                .register(registry);
    }

    /** Adds the per-agent gauges of agents not seen before (called before each scrape). */
    public void registerAgentGauges(MeterRegistry registry) {
        for (Agent a : snapshot().agents()) {
            if (agentGauges.add(a.id())) {
                agentGauge(registry, "k8sm.agent.free.cpus", a.id(), Agent::cpusFree);
                agentGauge(registry, "k8sm.agent.free.mem.mebibytes", a.id(), Agent::memFree);
                agentGauge(registry, "k8sm.agent.used.cpus", a.id(), Agent::cpusUsed);
                agentGauge(registry, "k8sm.agent.used.mem.mebibytes", a.id(), Agent::memUsed);
            }
        }
    }

    private void agentGauge(MeterRegistry registry, String name, String agent, ToDoubleFunction<Agent> f) {
        Gauge.builder(
                        name,
                        this,
                        v -> v.snapshot().agents().stream()
                                .filter(a -> a.id().equals(agent))
                                .mapToDouble(f)
                                .sum())
                .tag("agent", agent)
                .register(registry);
    }

    /** The latest snapshot, taken anew when older than a second; the last good one while the stores are closed. */
    public Snapshot snapshot() {
        Snapshot s = last;
        long now = wallMs.getAsLong();
        if (now - s.takenAtMs() < MAX_AGE_MS) {
            return s;
        }
        synchronized (this) {
            if (now - last.takenAtMs() < MAX_AGE_MS) {
                return last;
            }
            try {
                last = take(now);
            } catch (InvalidStateStoreException e) {
                Snapshot old = last;
                last = new Snapshot(
                        now,
                        streams.state().name(),
                        old.pods(),
                        old.queues(),
                        old.pending(),
                        old.agents(),
                        old.offersHeld());
            }
            return last;
        }
    }

    private Snapshot empty(long now) {
        Map<String, Integer> pods = new LinkedHashMap<>();
        POD_STATES.forEach(s -> pods.put(s, 0));
        Map<String, Integer> queues = new LinkedHashMap<>();
        QUEUES.forEach(q -> queues.put(q, 0));
        return new Snapshot(now, streams.state().name(), pods, queues, List.of(), List.of(), 0);
    }

    private Snapshot take(long now) {
        Snapshot base = empty(now);
        Map<String, Integer> pods = new LinkedHashMap<>(base.pods());
        Map<String, Integer> queues = new LinkedHashMap<>(base.queues());
        Map<String, double[]> agents = new TreeMap<>(); // cpusFree, memFree, cpusUsed, memUsed, offers, tasks
        Map<String, String> hosts = new TreeMap<>();
        ReadOnlyKeyValueStore<String, RegistryTask> tasks = store(SchedulerStores.TASKS);
        try (KeyValueIterator<String, RegistryTask> it = tasks.all()) {
            it.forEachRemaining(kv -> {
                RegistryTask t = kv.value;
                String state = switch (t.getState()) {
                    case RUNNING -> "running";
                    case FINISHED -> "finished";
                    default -> "launching";
                };
                pods.merge(state, 1, Integer::sum);
                if (t.getSpec() != null && !"finished".equals(state)) {
                    double[] a = agents.computeIfAbsent(t.getSpec().getAgentId(), k -> new double[6]);
                    hosts.putIfAbsent(t.getSpec().getAgentId(), t.getSpec().getAssignedSlave());
                    a[2] += scalar(t.getSpec().getResources(), "cpus");
                    a[3] += scalar(t.getSpec().getResources(), "mem");
                    a[5]++;
                }
            });
        }
        int held = 0;
        ReadOnlyKeyValueStore<String, LiveOffer> offers = store(SchedulerStores.OFFERS);
        try (KeyValueIterator<String, LiveOffer> it = offers.all()) {
            while (it.hasNext()) {
                LiveOffer o = it.next().value;
                if (o.gone()) {
                    continue;
                }
                held++;
                double[] a = agents.computeIfAbsent(o.agentId(), k -> new double[6]);
                hosts.put(o.agentId(), o.offer().getHostname());
                a[0] += scalar(o.offer().getResources(), "cpus");
                a[1] += scalar(o.offer().getResources(), "mem");
                a[4]++;
            }
        }
        List<Pending> pending = new ArrayList<>();
        ReadOnlyKeyValueStore<String, QueueEntry> queue = store(SchedulerStores.QUEUE);
        try (KeyValueIterator<String, QueueEntry> it = queue.all()) {
            while (it.hasNext()) {
                QueueEntry q = it.next().value;
                String name = q.noFit() && q.failures() > 0
                        ? "unschedulable"
                        : q.nextAttemptAt() > now && q.failures() > 0 ? "backoff" : "active";
                queues.merge(name, 1, Integer::sum);
                pods.merge("pending", 1, Integer::sum);
                String reason = q.lastShortfall() == null || q.lastShortfall().isEmpty()
                        ? (q.failures() == 0 ? "waiting for an offer" : "no fitting offer")
                        : q.lastShortfall();
                pending.add(new Pending(q.podKey(), name, q.failures(), reason, q.enqueuedAt()));
            }
        }
        pending.sort(Comparator.comparingLong(Pending::enqueuedAtMs));
        List<Agent> list = new ArrayList<>();
        agents.forEach((id, a) ->
                list.add(new Agent(id, hosts.getOrDefault(id, id), a[0], a[1], a[2], a[3], (int) a[4], (int) a[5])));
        return new Snapshot(now, streams.state().name(), pods, queues, pending, list, held);
    }

    private <V> ReadOnlyKeyValueStore<String, V> store(String name) {
        return streams.store(
                StoreQueryParameters.fromNameAndType(name, QueryableStoreTypes.<String, V>keyValueStore()));
    }

    private static double scalar(List<Resource> resources, String name) {
        double sum = 0;
        if (resources != null) {
            for (Resource r : resources) {
                if (name.equals(r.getName()) && r.getScalar() != null) {
                    sum += r.getScalar();
                }
            }
        }
        return sum;
    }
}
