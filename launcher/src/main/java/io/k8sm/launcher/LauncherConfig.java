package io.k8sm.launcher;

import io.k8sm.config.K8smConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;

/**
 * Settings of the launcher: the shared k8sm configuration (Kafka, registry, topic names) plus the
 * {@code launcher.*} keys.
 *
 * @param kafka the shared configuration (bootstrap servers, registry, topic catalogue, {@code
 *     kafka.*})
 * @param schedulerName pods whose {@code spec.schedulerName} is this are ours
 * @param groupId consumer group prefix; the launch loop uses {@code <groupId>-launch}, the
 *     Kubernetes bridge (status, bindings, actions) {@code <groupId>-bridge}, the node loop {@code
 *     <groupId>-nodes}, the events loop {@code <groupId>-events}
 * @param instanceId the suffix of its transactional ids: unique per running launcher, and the same
 *     again when it restarts (by default the {@code HOSTNAME}, in Kubernetes the pod's name, or the
 *     host's name), so a restarted launcher fences what its dead predecessor left open
 * @param executorCommand the command of the custom executor named by a task's {@code executorId}
 * @param bindAttempts how many times a Binding is tried on API errors before BIND_FAILED
 * @param bindBackoff the first wait between two binding attempts (doubling)
 * @param bridgeConcurrency how many pods the Kubernetes bridge works on at once (bindings, status),
 *     and agents the node loop
 * @param resync how often the pod and node informers re-deliver their whole cache (0 = never)
 * @param pollTimeout how long one Kafka poll waits
 * @param acceptRefuseSeconds the ACCEPT's refuse filter: how long Mesos keeps an agent's unused
 *     remainder
 * @param transactionTimeout the loops' {@code transaction.timeout.ms}: how long a transaction left
 *     open by a launcher that died and is not restarted blocks read_committed readers
 */
public record LauncherConfig(
        K8smConfig kafka,
        String schedulerName,
        String groupId,
        String instanceId,
        String executorCommand,
        int bindAttempts,
        Duration bindBackoff,
        int bridgeConcurrency,
        Duration resync,
        Duration pollTimeout,
        double acceptRefuseSeconds,
        Duration transactionTimeout) {

    public static final String SCHEDULER_NAME = "launcher.scheduler.name";
    public static final String GROUP_ID = "launcher.group.id";
    public static final String INSTANCE_ID = "launcher.instance.id";
    public static final String EXECUTOR_COMMAND = "launcher.executor.command";
    public static final String BIND_ATTEMPTS = "launcher.bind.attempts";
    public static final String BIND_BACKOFF_MS = "launcher.bind.backoff.ms";
    public static final String BRIDGE_CONCURRENCY = "launcher.bridge.concurrency";
    public static final String RESYNC_SECONDS = "launcher.resync.seconds";
    public static final String POLL_MS = "launcher.poll.ms";
    public static final String ACCEPT_REFUSE_SECONDS = "launcher.accept.refuse.seconds";
    public static final String TRANSACTION_TIMEOUT_MS = "launcher.transaction.timeout.ms";

    public LauncherConfig {
        if (schedulerName == null || schedulerName.isBlank()) {
            throw new IllegalArgumentException("schedulerName must not be blank");
        }
        if (instanceId == null || instanceId.isBlank()) {
            instanceId = defaultInstanceId();
        }
        if (transactionTimeout == null || transactionTimeout.isNegative() || transactionTimeout.isZero()) {
            throw new IllegalArgumentException("transactionTimeout must be positive, was " + transactionTimeout);
        }
        if (bindAttempts < 1) {
            throw new IllegalArgumentException("bindAttempts must be at least 1, was " + bindAttempts);
        }
        if (bridgeConcurrency < 1) {
            throw new IllegalArgumentException("bridgeConcurrency must be at least 1, was " + bridgeConcurrency);
        }
    }

    /** Adds the launcher's keys to a definition (e.g. {@link K8smConfig#baseDefinition()}). */
    public static ConfigDef define(ConfigDef def) {
        return def.define(
                        SCHEDULER_NAME,
                        Type.STRING,
                        "k8sm",
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        "Pods with this spec.schedulerName are scheduled by k8sm and watched into the pods topic.")
                .define(
                        GROUP_ID,
                        Type.STRING,
                        "k8sm-launcher",
                        new ConfigDef.NonEmptyString(),
                        Importance.MEDIUM,
                        "Consumer group prefix: <id>-launch for launch requests, <id>-bridge for status and actions,"
                                + " <id>-nodes for offers and agent losses, <id>-events for scheduler events.")
                .define(
                        INSTANCE_ID,
                        Type.STRING,
                        "",
                        Importance.MEDIUM,
                        "Id of this launcher, suffix of its transactional ids: unique among running launchers and the"
                                + " same after a restart, so the restart fences the transactions its predecessor left"
                                + " open. Empty: the HOSTNAME environment variable (a pod's name), else the host's name.")
                .define(
                        EXECUTOR_COMMAND,
                        Type.STRING,
                        "k8sm-executor",
                        Importance.MEDIUM,
                        "Command that starts the custom executor (the task's executorId) which runs the pod on the agent.")
                .define(
                        BIND_ATTEMPTS,
                        Type.INT,
                        3,
                        ConfigDef.Range.between(1, 20),
                        Importance.LOW,
                        "Binding attempts on Kubernetes API errors before BIND_FAILED.")
                .define(
                        BIND_BACKOFF_MS,
                        Type.LONG,
                        200L,
                        ConfigDef.Range.atLeast(0),
                        Importance.LOW,
                        "First wait between binding attempts, doubling.")
                .define(
                        BRIDGE_CONCURRENCY,
                        Type.INT,
                        8,
                        ConfigDef.Range.between(1, 64),
                        Importance.LOW,
                        "How many pods the Kubernetes bridge works on at once (Binding, annotations, status): each"
                                + " pod's records in order, different pods in parallel; as many agents at once in the node loop."
                                + " 1 = one call at a time.")
                .define(
                        RESYNC_SECONDS,
                        Type.INT,
                        300,
                        ConfigDef.Range.atLeast(0),
                        Importance.LOW,
                        "Informer resync period: every pod and node is re-emitted this often (0 = never).")
                .define(
                        POLL_MS,
                        Type.LONG,
                        500L,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        "How long one Kafka poll waits.")
                .define(
                        ACCEPT_REFUSE_SECONDS,
                        Type.DOUBLE,
                        1.0,
                        ConfigDef.Range.atLeast(0),
                        Importance.LOW,
                        "The refuse filter of each ACCEPT: seconds before Mesos re-offers what the launch left of an"
                                + " agent's offers. Mesos' default is 5 s; a short one lets the next pods use the remainder"
                                + " at the next allocation.")
                .define(
                        TRANSACTION_TIMEOUT_MS,
                        Type.LONG,
                        15_000L,
                        ConfigDef.Range.between(1_000L, 900_000L),
                        Importance.LOW,
                        "transaction.timeout.ms of the launcher's loops: how long a transaction left open by a"
                                + " launcher that died and does not come back blocks read_committed readers of"
                                + " mesos-calls and launcher-events. A restart with the same instance id ends it at once.");
    }

    /** The shared definition plus the launcher's keys. */
    public static ConfigDef definition() {
        return define(K8smConfig.baseDefinition());
    }

    /** Reads the settings from a configuration built with {@link #definition()}. */
    public static LauncherConfig from(K8smConfig c) {
        return new LauncherConfig(
                c,
                c.getString(SCHEDULER_NAME),
                c.getString(GROUP_ID),
                c.getString(INSTANCE_ID),
                c.getString(EXECUTOR_COMMAND),
                c.getInt(BIND_ATTEMPTS),
                Duration.ofMillis(c.getLong(BIND_BACKOFF_MS)),
                c.getInt(BRIDGE_CONCURRENCY),
                Duration.ofSeconds(c.getInt(RESYNC_SECONDS)),
                Duration.ofMillis(c.getLong(POLL_MS)),
                c.getDouble(ACCEPT_REFUSE_SECONDS),
                Duration.ofMillis(c.getLong(TRANSACTION_TIMEOUT_MS)));
    }

    /** Parses raw key/values (file, environment, flags) with the full definition. */
    public static LauncherConfig fromMap(Map<String, ?> values) {
        return from(new K8smConfig(definition(), values));
    }

    /**
     * The default instance id: {@code HOSTNAME} (in Kubernetes the pod's name, stable for a
     * StatefulSet), else the host's name, else (no name at all) a random id.
     */
    public static String defaultInstanceId() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        try {
            String host = InetAddress.getLocalHost().getHostName();
            if (host != null && !host.isBlank()) {
                return host;
            }
        } catch (UnknownHostException e) {
            // no name: fall through
        }
        return UUID.randomUUID().toString();
    }

    /** The launch loop's transactional id. */
    public String launchTransactionalId() {
        return launchGroup() + "-" + instanceId;
    }

    /** The bridge loop's transactional id. */
    public String bridgeTransactionalId() {
        return bridgeGroup() + "-" + instanceId;
    }

    /** The node loop's group and transactional id ({@code offers}, {@code framework} → Nodes). */
    public String nodesGroup() {
        return groupId + "-nodes";
    }

    public String nodesTransactionalId() {
        return nodesGroup() + "-" + instanceId;
    }

    public String launchGroup() {
        return groupId + "-launch";
    }

    public String bridgeGroup() {
        return groupId + "-bridge";
    }

    /** The events loop's group and transactional id ({@code scheduler-events} → FailedScheduling). */
    public String eventsGroup() {
        return groupId + "-events";
    }

    public String eventsTransactionalId() {
        return eventsGroup() + "-" + instanceId;
    }
}
