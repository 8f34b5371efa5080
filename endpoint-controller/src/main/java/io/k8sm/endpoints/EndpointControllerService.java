package io.k8sm.endpoints;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.k8sm.service.K8smService;
import io.k8sm.service.metrics.ServiceMetrics;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Endpoints and EndpointSlices of every service with a selector in line with its pods.
 *
 * <p>Informers on services, pods and on our own Endpoints and slices feed a de-duplicating {@link
 * WorkQueue} keyed by service {@code namespace/name}; workers run one reconcile per key: {@link
 * EndpointsReconciler#desired} (pure), {@link Plan#between} (pure), then {@link EndpointsWriter}
 * for the difference only. A pod change reaches its services through a {@link
 * ServiceSelectorIndex}. All services are reconciled on start and every {@link
 * EndpointControllerConfig#resync()}.
 *
 * <p>Only the holder of the controller's Lease ({@link Leadership}, {@link LeaseSettings}) reconciles
 * and writes. Every instance runs its informers, so a standby's caches are warm; its queue is paused
 * and takes nothing in. On taking the lease, a full resync; on losing it, the queue pauses and every
 * further write is refused before it is sent; then the instance stands by again.
 *
 * <p>Usage: {@code try (var c = new EndpointControllerService(client, config)) { c.start(); ... }}. The
 * client stays the caller's: {@link #close()} stops the controller, not the client.
 */
public final class EndpointControllerService implements K8smService {

    private static final Logger log = LoggerFactory.getLogger(EndpointControllerService.class);
    private static final Duration SYNC_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    /** Counters since start. */
    public record Stats(long reconciles, long writes, long conflicts, long events, long failures) {}

    private final KubernetesClient client;
    private final EndpointControllerConfig config;
    private final WorkQueue queue = new WorkQueue();
    private final ServiceSelectorIndex selectorIndex = new ServiceSelectorIndex();
    private final EndpointsWriter writer;
    private final ProblemReporter problems;
    private final Map<String, Integer> failuresByKey = new ConcurrentHashMap<>();
    private final LongAdder reconciles = new LongAdder();
    private final LongAdder events = new LongAdder();
    private final LongAdder failures = new LongAdder();
    private final List<Thread> workers = new ArrayList<>();
    private final Leadership leadership;
    private ControllerInformers informers;
    private ScheduledExecutorService scheduler;
    private SharedIndexInformer<Service> services;
    private SharedIndexInformer<Pod> pods;
    private SharedIndexInformer<Endpoints> endpoints;
    private SharedIndexInformer<EndpointSlice> slices;
    private boolean started;
    private volatile boolean closed;
    private final ServiceMetrics metrics = new ServiceMetrics("endpoint-controller");

    public EndpointControllerService(KubernetesClient client, EndpointControllerConfig config) {
        this(client, config, Clock.systemUTC());
    }

    EndpointControllerService(KubernetesClient client, EndpointControllerConfig config, Clock clock) {
        this.client = client;
        this.config = config;
        this.writer = new EndpointsWriter(client, this::isLeader);
        this.problems = new ProblemReporter(new KubeEventSink(client, clock));
        this.leadership = new Leadership(
                client,
                config.lease(),
                config.lease().namespaceOr(config.namespace(), client.getNamespace()),
                config.lease().identityOrDefault(),
                this::lead,
                queue::pause);
        queue.pause(); // until this process leads
        EndpointControllerMetrics.bind(metrics.registry(), this);
    }

    @Override // ready is healthy: the informers are synced once start() returned; a standby is ready
    public String status() {
        String role = isLeader()
                ? "leader"
                : "standby (lease held by " + Objects.requireNonNullElse(leadership.holder(), "nobody yet") + ")";
        return identity() + ": " + role + ", " + EndpointControllerMetrics.status(isHealthy(), started);
    }

    @Override
    public ServiceMetrics metrics() {
        return metrics;
    }

    /**
     * Starts the informers, waits until their caches are filled, queues every service (the full
     * resync on start) and starts the workers and the periodic resync. Returns once running.
     *
     * @throws IllegalStateException when called twice, after close, or when the caches do not fill
     */
    @Override
    public synchronized void start() {
        if (started || closed) {
            throw new IllegalStateException("an EndpointControllerService starts once");
        }
        started = true;
        String where = config.namespace().map(n -> "namespace " + n).orElse("all namespaces");
        log.info(
                "endpoint controller starting: mode {}, {}, resync every {}s, {} workers",
                config.mode().configValue(),
                where,
                config.resync().toSeconds(),
                config.workers());

        informers = new ControllerInformers(client, config.namespace(), queue, selectorIndex);
        services = informers.services;
        pods = informers.pods;
        endpoints = informers.endpoints;
        slices = informers.slices;
        informers.startAndSync(SYNC_TIMEOUT);
        services.getStore().list().forEach(selectorIndex::put);

        scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "k8sm-endpoints-resync"));
        scheduler.scheduleAtFixedRate(
                this::resync, config.resync().toMillis(), config.resync().toMillis(), TimeUnit.MILLISECONDS);
        for (int i = 0; i < config.workers(); i++) {
            Thread t = daemon(this::work, "k8sm-endpoints-worker-" + i);
            workers.add(t);
            t.start();
        }
        log.info(
                "endpoint controller started: {} services, {} pods cached; {} as {}",
                services.getStore().list().size(),
                pods.getStore().list().size(),
                leadership.describe(),
                leadership.identity());
        leadership.start();
    }

    /** Leading: the queue hands out keys again, and a full resync covers whatever changed before. */
    private void lead() {
        queue.resume();
        resync();
    }

    /** This process holds the lease and may write. */
    public boolean isLeader() {
        return leadership.isLeader();
    }

    /** This process's holder identity in the lease. */
    public String identity() {
        return leadership.identity();
    }

    /**
     * Queues every service, and every service for which one of our Endpoints or slices exists (so
     * that leftovers of services deleted while we were away go too).
     */
    public void resync() {
        if (closed || services == null) {
            return;
        }
        Set<String> keys = new LinkedHashSet<>(services.getIndexer().listKeys());
        endpoints.getStore().list().forEach(e -> keys.add(ControllerInformers.key(e)));
        slices.getStore().list().stream()
                .map(ControllerInformers::sliceService)
                .filter(Objects::nonNull)
                .forEach(keys::add);
        log.debug("resync: {} services queued", keys.size());
        keys.forEach(queue::add);
    }

    /** Queues one service ({@code namespace/name}). */
    public void enqueue(String serviceKey) {
        queue.add(serviceKey);
    }

    public Stats stats() {
        return new Stats(reconciles.sum(), writer.writes.sum(), writer.conflicts.sum(), events.sum(), failures.sum());
    }

    /** Started, not closed, every informer running and every worker alive. */
    @Override
    public synchronized boolean isHealthy() {
        if (!started || closed || workers.size() < config.workers()) {
            return false;
        }
        return workers.stream().allMatch(Thread::isAlive) && informers != null && informers.allRunning();
    }

    /** Nothing queued and nothing being reconciled. */
    public boolean isIdle() {
        return queue.isIdle();
    }

    /**
     * Stops: no write from the first moment (a reconcile in hand stops at its next write), no new
     * resync, workers end (up to 10 s), the lease is released (a standby takes over within about a
     * retry period), informers stop. The client is left open. Safe to call more than once.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        leadership.resign(); // no write from here on; the lease stays ours until the workers are done
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
        queue.shutdown();
        long deadline = System.nanoTime() + STOP_TIMEOUT.toNanos();
        for (Thread t : workers) {
            try {
                t.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (t.isAlive()) {
                log.warn("endpoint controller: worker {} still busy at shutdown; interrupting", t.getName());
                t.interrupt();
            }
        }
        leadership.close(); // releases the lease: a standby takes over at its next try
        if (informers != null) {
            informers.close();
        }
        metrics.close();
        log.info("endpoint controller stopped: {}", stats());
    }

    // ---- the reconcile path

    private void work() {
        while (true) {
            String key;
            try {
                key = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (key == null) {
                return;
            }
            try {
                reconcile(key);
                failuresByKey.remove(key);
            } catch (EndpointsWriter.NotLeaderException e) {
                log.debug("{}", e.getMessage()); // the next leader's full resync does it
            } catch (RuntimeException e) {
                failures.increment();
                int n = failuresByKey.merge(key, 1, Integer::sum);
                long delayMs = Math.min(30_000L, 100L << Math.min(n, 9));
                log.warn(
                        "service {}: reconcile failed (attempt {}), retrying in {} ms: {}",
                        key,
                        n,
                        delayMs,
                        e.toString());
                if (!closed) {
                    scheduler.schedule(() -> queue.add(key), delayMs, TimeUnit.MILLISECONDS);
                }
            } finally {
                queue.done(key);
            }
        }
    }

    /** One idempotent pass for one service: compute, compare, write only the difference. */
    void reconcile(String key) {
        if (!isLeader()) {
            return; // lost the lease since the key was taken
        }
        reconciles.increment();
        int slash = key.indexOf('/');
        String ns = key.substring(0, slash);
        String name = key.substring(slash + 1);
        Service service = services.getIndexer().getByKey(key);
        Map<String, EndpointSlice> currentSlices = new HashMap<>();
        for (EndpointSlice s : slices.getIndexer().byIndex(ControllerInformers.SLICE_SERVICE_INDEX, key)) {
            currentSlices.put(s.getMetadata().getName(), s);
        }
        Endpoints currentEndpoints = endpoints.getIndexer().getByKey(key);

        if (service == null || !EndpointsReconciler.manages(service)) {
            if (service == null) {
                problems.forget(key);
            }
            // Ours only: the informers see only objects carrying our managed-by label.
            for (String slice : currentSlices.keySet()) {
                writer.deleteSlice(key, ns, slice);
            }
            if (currentEndpoints != null) {
                writer.deleteEndpoints(key, ns, name);
            }
            return;
        }

        List<Pod> candidates =
                pods.getIndexer().byIndex(ControllerInformers.POD_LABEL_INDEX, LabelPairs.serviceKey(service));
        Desired desired = EndpointsReconciler.desired(service, candidates, config.mode());
        events.add(problems.report(service, desired.problems()));
        Map<String, SliceState> sliceStates = new HashMap<>();
        currentSlices.forEach((n, s) -> sliceStates.put(n, KubeObjects.fromSlice(s)));
        Plan plan = Plan.between(
                desired, currentEndpoints == null ? null : KubeObjects.fromEndpoints(currentEndpoints), sliceStates);
        if (plan.isEmpty()) {
            log.debug("service {}: up to date", key);
            return;
        }
        writer.apply(key, plan, currentEndpoints, currentSlices);
    }

    // ---- helpers

    /** Test hook: the resourceVersion of the Endpoints the cache holds for a service, or null. */
    String cachedEndpointsVersion(String serviceKey) {
        Endpoints e = endpoints.getIndexer().getByKey(serviceKey);
        return e == null ? null : e.getMetadata().getResourceVersion();
    }

    /** Test hook: names and resourceVersions of the slices the cache holds for a service. */
    Map<String, String> cachedSliceVersions(String serviceKey) {
        Map<String, String> m = new HashMap<>();
        slices.getIndexer()
                .byIndex(ControllerInformers.SLICE_SERVICE_INDEX, serviceKey)
                .forEach(s -> m.put(s.getMetadata().getName(), s.getMetadata().getResourceVersion()));
        return m;
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
