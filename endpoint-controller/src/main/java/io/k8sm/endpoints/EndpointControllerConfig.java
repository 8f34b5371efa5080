package io.k8sm.endpoints;

import io.k8sm.config.K8smConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the endpoint controller.
 *
 * @param mode host-port endpoints (the Mesos way) or vanilla ones (pod IP, container port)
 * @param resync how often every service is reconciled even without a change
 * @param namespace the only namespace watched, or empty for all namespaces
 * @param workers how many services are reconciled at once (one service is never reconciled twice at
 *     once)
 */
public record EndpointControllerConfig(EndpointsMode mode, Duration resync, Optional<String> namespace, int workers) {

    public static final String MODE = "endpoints.mode";
    public static final String RESYNC_SECONDS = "endpoints.resync.seconds";
    public static final String NAMESPACE = "endpoints.namespace";
    public static final String WORKERS = "endpoints.workers";

    public EndpointControllerConfig {
        if (resync.isNegative() || resync.isZero()) {
            throw new IllegalArgumentException("resync must be positive, was " + resync);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, was " + workers);
        }
        namespace = namespace.filter(n -> !n.isBlank());
    }

    /** Host-port mode, all namespaces, resync every 5 minutes, 2 workers. */
    public static EndpointControllerConfig defaults() {
        return new EndpointControllerConfig(EndpointsMode.HOSTPORT, Duration.ofSeconds(300), Optional.empty(), 2);
    }

    public EndpointControllerConfig withMode(EndpointsMode m) {
        return new EndpointControllerConfig(m, resync, namespace, workers);
    }

    public EndpointControllerConfig withResync(Duration d) {
        return new EndpointControllerConfig(mode, d, namespace, workers);
    }

    public EndpointControllerConfig withNamespace(String ns) {
        return new EndpointControllerConfig(mode, resync, Optional.ofNullable(ns), workers);
    }

    /** Adds this component's keys to a definition (e.g. {@link K8smConfig#baseDefinition()}). */
    public static ConfigDef define(ConfigDef def) {
        return def.define(
                        MODE,
                        Type.STRING,
                        EndpointsMode.HOSTPORT.configValue(),
                        ConfigDef.ValidString.in("hostport", "vanilla"),
                        Importance.MEDIUM,
                        "hostport: endpoint = pod host IP and the Mesos host port from the pod's"
                                + " k8s.mesosphere.io/port_* annotations; vanilla: pod IP and container port.")
                .define(
                        RESYNC_SECONDS,
                        Type.INT,
                        300,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        "Seconds between two full reconciliations of every service.")
                .define(
                        NAMESPACE,
                        Type.STRING,
                        "",
                        Importance.MEDIUM,
                        "The only namespace whose services get endpoints; empty for all namespaces.")
                .define(
                        WORKERS,
                        Type.INT,
                        2,
                        ConfigDef.Range.between(1, 64),
                        Importance.LOW,
                        "Services reconciled in parallel.");
    }

    /** The shared definition plus this component's keys. */
    public static ConfigDef definition() {
        return define(K8smConfig.baseDefinition());
    }

    /** Reads the settings from a configuration built with {@link #definition()}. */
    public static EndpointControllerConfig from(K8smConfig config) {
        return new EndpointControllerConfig(
                EndpointsMode.parse(config.getString(MODE)),
                Duration.ofSeconds(config.getInt(RESYNC_SECONDS)),
                Optional.ofNullable(config.getString(NAMESPACE)),
                config.getInt(WORKERS));
    }

    /** Parses raw key/values (file, environment, flags) with the full definition. */
    public static EndpointControllerConfig fromMap(Map<String, ?> values) {
        return from(new K8smConfig(definition(), values));
    }
}
