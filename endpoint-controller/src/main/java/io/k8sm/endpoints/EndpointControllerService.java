package io.k8sm.endpoints;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
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
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
 * <p>Usage: {@code try (var c = new EndpointControllerService(client, config)) { c.start(); ... }}. The
 * client stays the caller's: {@link #close()} stops the controller, not the client.
 */
public final class EndpointControllerService implements K8smService {

    private static final Logger log = LoggerFactory.getLogger(EndpointControllerService.class);
    static final String POD_LABEL_INDEX = "k8sm-pod-label-pairs";
    static final String SLICE_SERVICE_INDEX = "k8sm-slice-service";
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
        this.writer = new EndpointsWriter(client);
        this.problems = new ProblemReporter(new KubeEventSink(client, clock));
        EndpointControllerMetrics.bind(metrics.registry(), this);
    }

    @Override // ready is healthy: the informers are synced once start() returned
    public String status() {
        return EndpointControllerMetrics.status(isHealthy(), started);
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

        services = scope(client.services()).runnableInformer(0);
        pods = scope(client.pods()).runnableInformer(0);
        pods.addIndexers(Map.of(POD_LABEL_INDEX, LabelPairs::podKeys));
        endpoints = scope(client.endpoints())
                .withLabel(EndpointsReconciler.ENDPOINTS_MANAGED_BY, EndpointsReconciler.CONTROLLER_NAME)
                .runnableInformer(0);
        slices = scope(client.discovery().v1().endpointSlices())
                .withLabel(EndpointsReconciler.SLICE_MANAGED_BY, EndpointsReconciler.CONTROLLER_NAME)
                .runnableInformer(0);
        slices.addIndexers(Map.of(SLICE_SERVICE_INDEX, s -> {
            String svc = sliceService(s);
            return svc == null ? List.of() : List.of(svc);
        }));

        services.addEventHandler(new UpsertDeleteHandler<>(
                s -> {
                    selectorIndex.put(s);
                    queue.add(ServiceSelectorIndex.key(s));
                },
                s -> {
                    selectorIndex.remove(ServiceSelectorIndex.key(s));
                    queue.add(ServiceSelectorIndex.key(s));
                }));
        pods.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                selectorIndex.servicesFor(pod).forEach(queue::add);
            }

            @Override
            public void onUpdate(Pod before, Pod after) {
                // Old labels too: a pod that stops matching must leave its former services.
                selectorIndex.servicesFor(before).forEach(queue::add);
                selectorIndex.servicesFor(after).forEach(queue::add);
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                selectorIndex.servicesFor(pod).forEach(queue::add);
            }
        });
        // Our own objects changed or vanished behind our back: reconcile their service.
        endpoints.addEventHandler(new UpsertDeleteHandler<>(e -> queue.add(key(e)), e -> queue.add(key(e))));
        slices.addEventHandler(new UpsertDeleteHandler<>(this::enqueueSliceService, this::enqueueSliceService));

        try {
            CompletableFuture.allOf(
                            services.start().toCompletableFuture(), pods.start().toCompletableFuture(),
                            endpoints.start().toCompletableFuture(),
                                    slices.start().toCompletableFuture())
                    .get(SYNC_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            stopInformers();
            throw new IllegalStateException(
                    "endpoint controller: informer caches did not fill within " + SYNC_TIMEOUT.toSeconds() + "s: " + e,
                    e);
        }
        services.getStore().list().forEach(selectorIndex::put);

        scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "k8sm-endpoints-resync"));
        resync();
        scheduler.scheduleAtFixedRate(
                this::resync, config.resync().toMillis(), config.resync().toMillis(), TimeUnit.MILLISECONDS);
        for (int i = 0; i < config.workers(); i++) {
            Thread t = daemon(this::work, "k8sm-endpoints-worker-" + i);
            workers.add(t);
            t.start();
        }
        log.info(
                "endpoint controller started: {} services, {} pods cached",
                services.getStore().list().size(),
                pods.getStore().list().size());
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
        endpoints.getStore().list().forEach(e -> keys.add(key(e)));
        slices.getStore().list().stream()
                .map(EndpointControllerService::sliceService)
                .filter(java.util.Objects::nonNull)
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
        return workers.stream().allMatch(Thread::isAlive)
                && java.util.stream.Stream.of(services, pods, endpoints, slices)
                        .allMatch(SharedIndexInformer::isRunning);
    }

    /** Nothing queued and nothing being reconciled. */
    public boolean isIdle() {
        return queue.isIdle();
    }

    /**
     * Stops: no new resync, workers finish the reconcile in hand (up to 10 s), informers stop. The
     * client is left open. Safe to call more than once.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
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
        stopInformers();
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
        reconciles.increment();
        int slash = key.indexOf('/');
        String ns = key.substring(0, slash);
        String name = key.substring(slash + 1);
        Service service = services.getIndexer().getByKey(key);
        Map<String, EndpointSlice> currentSlices = new HashMap<>();
        for (EndpointSlice s : slices.getIndexer().byIndex(SLICE_SERVICE_INDEX, key)) {
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

        List<Pod> candidates = pods.getIndexer().byIndex(POD_LABEL_INDEX, LabelPairs.serviceKey(service));
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
                .byIndex(SLICE_SERVICE_INDEX, serviceKey)
                .forEach(s -> m.put(s.getMetadata().getName(), s.getMetadata().getResourceVersion()));
        return m;
    }

    private <T extends HasMetadata, L extends KubernetesResourceList<T>, R extends Resource<T>>
            FilterWatchListDeletable<T, L, R> scope(MixedOperation<T, L, R> op) {
        return config.namespace()
                .<FilterWatchListDeletable<T, L, R>>map(op::inNamespace)
                .orElseGet(() -> op.inAnyNamespace());
    }

    private void enqueueSliceService(EndpointSlice s) {
        String svc = sliceService(s);
        if (svc != null) {
            queue.add(svc);
        }
    }

    private static String sliceService(EndpointSlice s) {
        Map<String, String> labels = s.getMetadata().getLabels();
        String svc = labels == null ? null : labels.get(EndpointsReconciler.SERVICE_NAME_LABEL);
        return svc == null ? null : s.getMetadata().getNamespace() + "/" + svc;
    }

    private static String key(HasMetadata o) {
        return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
    }

    private void stopInformers() {
        for (SharedIndexInformer<?> i : new SharedIndexInformer<?>[] {services, pods, endpoints, slices}) {
            if (i != null) {
                i.close();
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
