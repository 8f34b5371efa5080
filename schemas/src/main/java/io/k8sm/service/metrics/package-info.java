/**
 * Every service's meters in one Prometheus registry ({@link io.k8sm.service.metrics.ServiceMetrics}):
 * the JVM's, the Kafka clients' and Kafka Streams' (Micrometer's binders) and the service's own.
 */
package io.k8sm.service.metrics;
