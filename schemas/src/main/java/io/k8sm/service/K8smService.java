package io.k8sm.service;

import io.k8sm.service.metrics.ServiceMetrics;

/**
 * The front door every k8sm service has: one class per service module ({@code SchedulerService},
 * {@code OfferIngestService}, {@code LauncherService}, {@code EndpointControllerService}) that
 * {@code k8sm run ...} and the demo start, watch and stop the same way.
 *
 * <p>Named {@code K8smService}, not {@code Service}: in the endpoint controller "Service" means a
 * Kubernetes Service.
 */
public interface K8smService extends AutoCloseable {

    /** Starts every part; returns once the service is doing its work. A service starts once. */
    void start();

    /** True while the service is alive and doing its work: started, not closed, no part failed. */
    boolean isHealthy();

    /**
     * True when the service is healthy and caught up enough to be useful: its state restored, its
     * subscription or informers in place. {@code /readyz} answers it; by default, {@link #isHealthy()}.
     */
    default boolean isReady() {
        return isHealthy();
    }

    /** One line on the service's condition, for {@code /healthz} and {@code /readyz}: what is wrong, if anything. */
    default String status() {
        return isHealthy() ? "healthy" : "not healthy";
    }

    /** The service's meters, served at {@code /metrics}; null when it keeps none. */
    default ServiceMetrics metrics() {
        return null;
    }

    /** Stops gracefully; safe to call more than once and after a failed start. */
    @Override
    void close();
}
