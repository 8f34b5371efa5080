package io.k8sm.scheduler.topology;

import io.k8sm.avro.MesosCall;
import io.k8sm.avro.Offer;
import io.k8sm.avro.Reconcile;
import io.k8sm.avro.RegistryTaskState;
import io.k8sm.avro.SchedulerEvent;
import io.k8sm.scheduler.SchedulerInput;
import io.k8sm.scheduler.outputs.SchedulerOutput;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The scheduler's own meters, counted from what its processor decides ({@link SchedulerObserver}):
 * kube-scheduler's {@code scheduler_schedule_attempts_total{result}}, {@code
 * scheduler_scheduling_attempt_duration_seconds} and {@code
 * scheduler_pod_scheduling_sli_duration_seconds}, and k8sm's: scheduler events by type, launch
 * requests, offers received, rescinded and declined (on arrival or expired), status updates by
 * state, launcher events by type (bindings), reconciliation rounds, pod → Running latency. Durations
 * are measured with the clock given from outside ({@code nanos}); nothing here feeds a decision.
 * The gauges that read the stores are in {@link SchedulerView}.
 */
public final class SchedulerMetrics implements SchedulerObserver {

    /** How many scheduler events the dashboard can show. */
    public static final int RECENT_EVENTS = 100;

    private static final int MAX_TRACKED_PODS = 200_000;

    /** One scheduler event as the dashboard shows it. */
    public record RecentEvent(String podKey, String type, String message, String host, long timestampMs) {}

    private final MeterRegistry registry;
    private final LongSupplier nanos;
    private final ThreadLocal<long[]> startedAt = ThreadLocal.withInitial(() -> new long[1]);
    private final Map<String, Long> firstSeen = new ConcurrentHashMap<>();
    private final Map<String, Long> scheduledAt = new ConcurrentHashMap<>();
    private final Deque<RecentEvent> recent = new ArrayDeque<>();
    private final Timer sli;
    private final Timer toRunning;
    private final Counter launches;
    private final Counter offersReceived;
    private final Counter offersRescinded;
    private final History history = new History();

    public SchedulerMetrics(MeterRegistry registry, LongSupplier nanos) {
        this.registry = registry;
        this.nanos = nanos;
        this.sli = Timer.builder("scheduler.pod.scheduling.sli.duration")
                .description("From the pod's first sighting to its placement (launch request), across attempts")
                .publishPercentileHistogram()
                .register(registry);
        this.toRunning = Timer.builder("k8sm.pod.running.duration")
                .description("From the pod's first sighting to its task reported TASK_RUNNING")
                .publishPercentileHistogram()
                .register(registry);
        this.launches = Counter.builder("k8sm.scheduler.launch.requests")
                .description("Launch requests written")
                .register(registry);
        this.offersReceived = Counter.builder("k8sm.offers.received")
                .description("Offers read from the offers topic")
                .register(registry);
        this.offersRescinded = Counter.builder("k8sm.offers.rescinded")
                .description("Offers rescinded by the master")
                .register(registry);
        for (String r : List.of("scheduled", "unschedulable", "error")) {
            attempts(r);
        }
    }

    @Override
    public void before(SchedulerInput input) {
        startedAt.get()[0] = nanos.getAsLong();
    }

    @Override
    public void after(SchedulerInput input, List<SchedulerOutput> outputs) {
        long now = nanos.getAsLong();
        long took = now - startedAt.get()[0];
        observeInput(input, now);
        String attemptResult = null;
        for (SchedulerOutput o : outputs) {
            if (o instanceof SchedulerOutput.Event e) {
                String result = event(e.event(), now);
                attemptResult = result != null && !"scheduled".equals(attemptResult) ? result : attemptResult;
            } else if (o instanceof SchedulerOutput.Launch) {
                launches.increment();
                history.launch(now);
            } else if (o instanceof SchedulerOutput.Call c) {
                call(c.call(), input instanceof SchedulerInput.Tick);
            } else if (o instanceof SchedulerOutput.Registry r
                    && r.task() != null
                    && r.task().getState() == RegistryTaskState.RUNNING) {
                Long first = firstSeen.remove(r.task().getPodKey());
                if (first != null) {
                    toRunning.record(Duration.ofNanos(now - first));
                    history.running(now, now - first);
                }
            }
        }
        if (attemptResult != null) {
            Timer.builder("scheduler.scheduling.attempt.duration")
                    .description("How long one input's scheduling round took, by its result")
                    .tag("result", attemptResult)
                    .publishPercentileHistogram()
                    .register(registry)
                    .record(Duration.ofNanos(took));
        }
    }

    private void observeInput(SchedulerInput input, long now) {
        if (input instanceof SchedulerInput.PodUpdate p) {
            if (p.pod() != null && p.pod().getNodeName() == null && firstSeen.size() < MAX_TRACKED_PODS) {
                firstSeen.putIfAbsent(p.podKey(), now);
            } else if (p.pod() == null) {
                firstSeen.remove(p.podKey());
                scheduledAt.remove(p.podKey());
            }
        } else if (input instanceof SchedulerInput.OfferUpdate o) {
            (o.event().getEvent() instanceof Offer ? offersReceived : offersRescinded).increment();
        } else if (input instanceof SchedulerInput.StatusUpdate s) {
            counter(
                            "k8sm.scheduler.status.updates",
                            "state",
                            String.valueOf(s.status().getState()))
                    .increment();
        } else if (input instanceof SchedulerInput.LauncherUpdate l) {
            counter(
                            "k8sm.scheduler.launcher.events",
                            "type",
                            String.valueOf(l.event().getType()))
                    .increment();
        }
    }

    /** Counts the event and remembers it; returns the schedule attempt's result it stands for, if any. */
    private String event(SchedulerEvent e, long now) {
        String type = String.valueOf(e.getType());
        counter("k8sm.scheduler.events", "type", type).increment();
        synchronized (recent) {
            recent.addFirst(new RecentEvent(
                    e.getPodKey(),
                    type,
                    e.getMessage(),
                    e.getHost(),
                    e.getTimestamp() == null ? 0L : e.getTimestamp().toEpochMilli()));
            while (recent.size() > RECENT_EVENTS) {
                recent.removeLast();
            }
        }
        String result = switch (e.getType()) {
            case SCHEDULED -> "scheduled";
            case FAILED_SCHEDULING -> "unschedulable";
            case INVALID -> "error";
            default -> null;
        };
        if (result != null) {
            attempts(result).increment();
        }
        if ("scheduled".equals(result) && scheduledAt.putIfAbsent(e.getPodKey(), now) == null) {
            Long first = firstSeen.get(e.getPodKey());
            if (first != null) {
                sli.record(Duration.ofNanos(now - first));
            }
        }
        if (e.getType() == io.k8sm.avro.SchedulerEventType.DELETED) {
            firstSeen.remove(e.getPodKey());
            scheduledAt.remove(e.getPodKey());
        }
        return result;
    }

    private void call(MesosCall call, boolean onTick) {
        Object c = call.getCall();
        String type = c.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        counter("k8sm.scheduler.mesos.calls", "type", type).increment();
        if (c instanceof io.k8sm.avro.Decline d) {
            Counter.builder("k8sm.offers.declined")
                    .description("Offers declined: unused until their time to live ran out (expired) or on arrival")
                    .tag("cause", onTick ? "expired" : "declined")
                    .register(registry)
                    .increment(d.getOfferIds().size());
        } else if (c instanceof Reconcile r) {
            Counter.builder("k8sm.reconciliation.rounds")
                    .description("Task reconciliation calls, explicit (named tasks) or implicit (all tasks)")
                    .tag("kind", r.getTasks().isEmpty() ? "implicit" : "explicit")
                    .register(registry)
                    .increment();
        }
    }

    private Counter attempts(String result) {
        return Counter.builder("scheduler.schedule.attempts")
                .description("Scheduling attempts by result (scheduled, unschedulable, error)")
                .tag("result", result)
                .register(registry);
    }

    private Counter counter(String name, String tag, String value) {
        return Counter.builder(name).tag(tag, value).register(registry);
    }

    /** Launch requests written so far. */
    public double launchRequests() {
        return launches.count();
    }

    /** The pod → Running latency so far: how many pods, and their total in seconds. */
    public Timer podToRunning() {
        return toRunning;
    }

    /** Per second over the last {@value History#SECONDS} s, oldest first: launches, pods Running and their mean latency. */
    public List<History.Second> history() {
        return history.last(nanos.getAsLong());
    }

    /** The latest scheduler events, newest first. */
    public List<RecentEvent> recentEvents() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }
}
