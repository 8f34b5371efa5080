package io.k8sm.endpoints;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Reconcile cost for N services x M pods (default 1,000 x 10), the pure computation plus the diff,
 * exactly as a worker does it, minus the API calls:
 *
 * <ul>
 *   <li>{@link #fullResync}: every service's candidate pods from the pod label index, its desired
 *       Endpoints and slices, the canonical form of its current (cached) objects, and the plan; the
 *       current state equals the desired one, so every plan is empty (asserted in setup);
 *   <li>{@link #singlePodChange}: one pod flips readiness; the services that select it are found
 *       through {@link ServiceSelectorIndex} and only they are recomputed and diffed (the plan is
 *       not empty).
 * </ul>
 *
 * <p>Run: {@code ./mvnw -B -q -pl endpoint-controller -am -Pbench verify -DskipTests}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
public class ReconcileBenchmark {

    @Param("1000")
    public int services;

    @Param("10")
    public int podsPerService;

    private final List<Service> serviceList = new ArrayList<>();
    private final Map<String, List<Pod>> podIndex = new HashMap<>();
    private final Map<String, Endpoints> currentEndpoints = new HashMap<>();
    private final Map<String, Map<String, EndpointSlice>> currentSlices = new HashMap<>();
    private final ServiceSelectorIndex selectorIndex = new ServiceSelectorIndex();
    private final Map<String, Service> byKey = new HashMap<>();
    private Pod readyVariant;
    private Pod notReadyVariant;
    private boolean flip;

    /**
     * Where the changing pod sits in each index list (the informer's own index upkeep is not
     * measured).
     */
    private final Map<String, Integer> positions = new HashMap<>();

    @Setup(Level.Trial)
    public void setUp() {
        int rv = 1;
        for (int s = 0; s < services; s++) {
            String app = "app-" + s;
            Service svc = Fixtures.service(
                    "svc-" + s,
                    Map.of("app", app),
                    Fixtures.port("http", 80, "web", "TCP"),
                    Fixtures.port("metrics", 9090, 9090, "TCP"));
            serviceList.add(svc);
            byKey.put(ServiceSelectorIndex.key(svc), svc);
            selectorIndex.put(svc);
            for (int p = 0; p < podsPerService; p++) {
                int n = s * podsPerService + p;
                Pod pod = Fixtures.pod("pod-" + n)
                        .label("app", app)
                        .label("tier", "web")
                        .hostIp("10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255))
                        .containerPort("web", 8080, "TCP")
                        .containerPort("metrics", 9090, "TCP")
                        .namedHostPort("TCP", "web", 31000 + p)
                        .hostPort("TCP", 9090, 32000 + p)
                        .ready(p % 5 != 0)
                        .resourceVersion(String.valueOf(rv++))
                        .build();
                for (String k : LabelPairs.podKeys(pod)) {
                    podIndex.computeIfAbsent(k, x -> new ArrayList<>()).add(pod);
                }
            }
        }
        // The "cache": what the controller wrote, as read back from the server (with a
        // resourceVersion).
        for (Service svc : serviceList) {
            Desired d = compute(svc);
            Endpoints ep = KubeObjects.toEndpoints(d.endpoints(), null);
            ep.getMetadata().setResourceVersion(String.valueOf(rv++));
            currentEndpoints.put(d.serviceKey(), ep);
            Map<String, EndpointSlice> slices = new HashMap<>();
            for (SliceState s : d.slices()) {
                EndpointSlice slice = KubeObjects.toSlice(s, null);
                slice.getMetadata().setResourceVersion(String.valueOf(rv++));
                slices.put(s.name(), slice);
            }
            currentSlices.put(d.serviceKey(), slices);
        }
        for (Service svc : serviceList) {
            if (!plan(svc).isEmpty()) {
                throw new IllegalStateException(
                        "steady state expected for " + svc.getMetadata().getName());
            }
        }
        // The pod that changes: the first of service 500 (or the middle one), ready <-> not ready.
        List<Pod> pods = podIndex.get(LabelPairs.serviceKey(serviceList.get(services / 2)));
        readyVariant = pods.get(1);
        notReadyVariant = Fixtures.pod(readyVariant.getMetadata().getName()).build();
        notReadyVariant.setMetadata(readyVariant.getMetadata());
        notReadyVariant.setSpec(readyVariant.getSpec());
        notReadyVariant.setStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder(readyVariant.getStatus())
                .withConditions(new PodConditionBuilder()
                        .withType("Ready")
                        .withStatus("False")
                        .build())
                .build());
        for (String k : LabelPairs.podKeys(readyVariant)) {
            List<Pod> list = podIndex.get(k);
            for (int i = 0; i < list.size(); i++) {
                if (list.get(i) == readyVariant) {
                    positions.put(k, i);
                }
            }
        }
    }

    private Desired compute(Service svc) {
        return EndpointsReconciler.desired(
                svc, podIndex.getOrDefault(LabelPairs.serviceKey(svc), List.of()), EndpointsMode.HOSTPORT);
    }

    private Plan plan(Service svc) {
        Desired d = compute(svc);
        Endpoints ep = currentEndpoints.get(d.serviceKey());
        Map<String, SliceState> slices = new HashMap<>();
        currentSlices.getOrDefault(d.serviceKey(), Map.of()).forEach((n, s) -> slices.put(n, KubeObjects.fromSlice(s)));
        return Plan.between(d, ep == null ? null : KubeObjects.fromEndpoints(ep), slices);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public int fullResync(Blackhole bh) {
        int changed = 0;
        for (Service svc : serviceList) {
            Plan p = plan(svc);
            if (!p.isEmpty()) {
                changed++;
            }
            bh.consume(p);
        }
        return changed;
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public int singlePodChange(Blackhole bh) {
        Pod after = flip ? readyVariant : notReadyVariant;
        flip = !flip;
        positions.forEach((k, i) -> podIndex.get(k).set(i, after));
        int changed = 0;
        for (String key : selectorIndex.servicesFor(after)) {
            Plan p = plan(byKey.get(key));
            if (!p.isEmpty()) {
                changed++;
            }
            bh.consume(p);
        }
        return changed;
    }
}
