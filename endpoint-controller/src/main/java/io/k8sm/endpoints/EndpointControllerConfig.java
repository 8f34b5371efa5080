package io.k8sm.endpoints;

import io.k8sm.config.K8smConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Settings of the endpoint controller.
 *
 * @param mode host-port endpoints (the Mesos way) or vanilla ones (pod IP, container port)
 * @param resync how often every service is reconciled even without a change
 * @param namespace the only namespace watched, or empty for all namespaces
 * @param workers how many services are reconciled at once (one service is never reconciled twice at
 *     once)
 * @param lease the Lease that lets one controller write while the others stand by
 */
public record EndpointControllerConfig(
        EndpointsMode mode, Duration resync, Optional<String> namespace, int workers, LeaseSettings lease) {

    public static final String MODE = "endpoints.mode";
    public static final String RESYNC_SECONDS = "endpoints.resync.seconds";
    public static final String NAMESPACE = "endpoints.namespace";
    public static final String WORKERS = "endpoints.workers";
    public static final String LEASE_NAME = "endpoints.lease.name";
    public static final String LEASE_NAMESPACE = "endpoints.lease.namespace";
    public static final String LEASE_IDENTITY = "endpoints.lease.identity";
    public static final String LEASE_DURATION_MS = "endpoints.lease.duration.ms";
    public static final String LEASE_RENEW_DEADLINE_MS = "endpoints.lease.renew.deadline.ms";
    public static final String LEASE_RETRY_PERIOD_MS = "endpoints.lease.retry.period.ms";

    public EndpointControllerConfig {
        if (resync.isNegative() || resync.isZero()) {
            throw new IllegalArgumentException("resync must be positive, was " + resync);
        }
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, was " + workers);
        }
        namespace = namespace.filter(n -> !n.isBlank());
        if (lease == null) {
            throw new IllegalArgumentException("lease settings missing");
        }
    }

    /** With the default lease settings. */
    public EndpointControllerConfig(EndpointsMode mode, Duration resync, Optional<String> namespace, int workers) {
        this(mode, resync, namespace, workers, LeaseSettings.defaults());
    }

    /** Host-port mode, all namespaces, resync every 5 minutes, 2 workers, {@link LeaseSettings#defaults()}. */
    public static EndpointControllerConfig defaults() {
        return new EndpointControllerConfig(EndpointsMode.HOSTPORT, Duration.ofSeconds(300), Optional.empty(), 2);
    }

    public EndpointControllerConfig withMode(EndpointsMode m) {
        return new EndpointControllerConfig(m, resync, namespace, workers, lease);
    }

    public EndpointControllerConfig withResync(Duration d) {
        return new EndpointControllerConfig(mode, d, namespace, workers, lease);
    }

    public EndpointControllerConfig withNamespace(String ns) {
        return new EndpointControllerConfig(mode, resync, Optional.ofNullable(ns), workers, lease);
    }

    public EndpointControllerConfig withLease(LeaseSettings l) {
        return new EndpointControllerConfig(mode, resync, namespace, workers, l);
    }

    /** Adds this component's keys to a definition (e.g. {@link K8smConfig#baseDefinition()}). */
    public static ConfigDef define(ConfigDef def) {
        LeaseSettings d = LeaseSettings.defaults();
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
                        "Services reconciled in parallel.")
                .define(
                        LEASE_NAME,
                        Type.STRING,
                        LeaseSettings.DEFAULT_NAME,
                        new ConfigDef.NonEmptyString(),
                        Importance.LOW,
                        "The coordination.k8s.io Lease whose holder is the one controller that writes.")
                .define(
                        LEASE_NAMESPACE,
                        Type.STRING,
                        "",
                        Importance.LOW,
                        "The Lease's namespace; empty: endpoints.namespace, else the Kubernetes client's"
                                + " namespace (in a pod: its own), else default.")
                .define(
                        LEASE_IDENTITY,
                        Type.STRING,
                        "",
                        Importance.LOW,
                        "This instance's holder identity, unique per instance; empty: <hostname>-<pid>.")
                .define(
                        LEASE_DURATION_MS,
                        Type.INT,
                        (int) d.leaseDuration().toMillis(),
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        "How long a standby waits after the leader's last renewal before taking over.")
                .define(
                        LEASE_RENEW_DEADLINE_MS,
                        Type.INT,
                        (int) d.renewDeadline().toMillis(),
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        "How long the leader may fail to renew before it stops writing; shorter than the"
                                + " lease duration (the difference is the margin for clock skew).")
                .define(
                        LEASE_RETRY_PERIOD_MS,
                        Type.INT,
                        (int) d.retryPeriod().toMillis(),
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        "How often the leader renews and a standby tries to acquire the Lease.");
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
                config.getInt(WORKERS),
                lease(config));
    }

    private static LeaseSettings lease(K8smConfig config) {
        try {
            return new LeaseSettings(
                    config.getString(LEASE_NAME),
                    Optional.ofNullable(config.getString(LEASE_NAMESPACE)),
                    Optional.ofNullable(config.getString(LEASE_IDENTITY)),
                    Duration.ofMillis(config.getInt(LEASE_DURATION_MS)),
                    Duration.ofMillis(config.getInt(LEASE_RENEW_DEADLINE_MS)),
                    Duration.ofMillis(config.getInt(LEASE_RETRY_PERIOD_MS)));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(LEASE_DURATION_MS + ", " + LEASE_RENEW_DEADLINE_MS + " and "
                    + LEASE_RETRY_PERIOD_MS + " do not fit together: " + e.getMessage());
        }
    }

    /** Parses raw key/values (file, environment, flags) with the full definition. */
    public static EndpointControllerConfig fromMap(Map<String, ?> values) {
        return from(new K8smConfig(definition(), values));
    }
}
