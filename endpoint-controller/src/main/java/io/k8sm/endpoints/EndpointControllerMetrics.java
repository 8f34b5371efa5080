package io.k8sm.endpoints;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;

/** The endpoint controller's own meters, read from its {@link EndpointControllerService.Stats}. */
final class EndpointControllerMetrics {
    private EndpointControllerMetrics() {}

    static void bind(MeterRegistry registry, EndpointControllerService c) {
        counter(
                registry,
                c,
                "k8sm.endpoints.reconciles",
                "Service reconciles run",
                s -> s.stats().reconciles());
        counter(
                registry,
                c,
                "k8sm.endpoints.writes",
                "Endpoints and EndpointSlice writes",
                s -> s.stats().writes());
        counter(
                registry,
                c,
                "k8sm.endpoints.conflicts",
                "Writes refused as conflicting",
                s -> s.stats().conflicts());
        counter(
                registry,
                c,
                "k8sm.endpoints.events",
                "Kubernetes Events reported",
                s -> s.stats().events());
        counter(
                registry,
                c,
                "k8sm.endpoints.failures",
                "Reconciles that failed",
                s -> s.stats().failures());
        Gauge.builder("k8sm.endpoints.idle", c, s -> s.isIdle() ? 1 : 0)
                .description("1 when nothing is queued or being reconciled")
                .register(registry);
        Gauge.builder("k8sm.endpoints.leader", c, s -> s.isLeader() ? 1 : 0)
                .description("1 while this instance holds the Lease and writes; 0 on a standby")
                .register(registry);
    }

    /** The service's one-line condition. */
    static String status(boolean healthy, boolean started) {
        return healthy ? "informers synced, workers running" : started ? "an informer or a worker stopped" : "starting";
    }

    private static void counter(
            MeterRegistry registry,
            EndpointControllerService c,
            String name,
            String description,
            ToDoubleFunction<EndpointControllerService> f) {
        FunctionCounter.builder(name, c, f).description(description).register(registry);
    }
}
