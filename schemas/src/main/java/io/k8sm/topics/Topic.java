package io.k8sm.topics;

import static io.k8sm.topics.CleanupPolicy.COMPACT;
import static io.k8sm.topics.CleanupPolicy.DELETE;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Every topic of k8sm: its logical name (the deployed name is {@link TopicCatalogue#name(Topic)}),
 * its key, its Avro value class and its default settings. Keys are plain strings on every topic.
 *
 * <p>Default partitions: the topics the scheduler topology reads must be co-partitioned and the
 * original scheduler is one logical brain (FIFO queue, first come first served offers), so they
 * have one partition; the topics only consumed per key by the launcher, people or the tap have
 * three. A deployment may override partitions per topic in the catalogue.
 */
public enum Topic {
    PODS(
            "pods",
            "namespace/name",
            "io.k8sm.avro.PodSnapshot",
            1,
            COMPACT,
            null,
            "Kubernetes pod snapshots from the launcher's pod watch; tombstone on delete."),
    OFFERS(
            "offers",
            "scheduling shard",
            "io.k8sm.avro.OfferEvent",
            1,
            DELETE,
            Duration.ofDays(7),
            "Mesos offers and rescinds, as offer-ingest received them."),
    TASK_STATUS(
            "task-status",
            "task id",
            "io.k8sm.avro.TaskStatus",
            1,
            DELETE,
            Duration.ofDays(7),
            "Mesos task status updates."),
    FRAMEWORK(
            "framework",
            "framework name",
            "io.k8sm.avro.FrameworkEvent",
            1,
            DELETE,
            Duration.ofDays(7),
            "Subscription, heartbeat, agent/executor loss, master errors and rejected calls."),
    FRAMEWORK_ID(
            "framework-id",
            "framework name",
            "io.k8sm.avro.FrameworkId",
            1,
            COMPACT,
            null,
            "The framework id to reuse on re-subscription."),
    LAUNCH_REQUESTS(
            "launch-requests",
            "task id",
            "io.k8sm.avro.LaunchRequest",
            3,
            DELETE,
            Duration.ofDays(7),
            "A registry task matched to an offer, with its pod snapshot, for the launcher."),
    LAUNCHER_EVENTS(
            "launcher-events",
            "task id",
            "io.k8sm.avro.LauncherEvent",
            1,
            DELETE,
            Duration.ofDays(7),
            "Launched / bound / bind-failed / launch-rejected, from the launcher to the scheduler."),
    MESOS_CALLS(
            "mesos-calls",
            "call id",
            "io.k8sm.avro.MesosCall",
            1,
            DELETE,
            Duration.ofDays(7),
            "Calls to the Mesos master (accept, decline, kill, reconcile, acknowledge, revive, suppress)."),
    TASK_REGISTRY(
            "task-registry",
            "task id",
            "io.k8sm.avro.RegistryTask",
            1,
            COMPACT,
            null,
            "The task registry entry after each change; tombstone when a task is removed."),
    SCHEDULER_EVENTS(
            "scheduler-events",
            "namespace/name",
            "io.k8sm.avro.SchedulerEvent",
            3,
            DELETE,
            Duration.ofDays(7),
            "What the scheduler decided about each pod, for people and the tap."),
    POD_ACTIONS(
            "pod-actions",
            "namespace/name",
            "io.k8sm.avro.PodAction",
            3,
            DELETE,
            Duration.ofDays(7),
            "Actions on Kubernetes pods (delete) requested by the scheduler, carried out by the launcher."),
    NODES(
            "nodes",
            "node name",
            "io.k8sm.avro.NodeSnapshot",
            1,
            COMPACT,
            null,
            "Kubernetes node snapshots from the launcher's node watch; tombstone on delete."),
    CLOCK(
            "clock",
            "source",
            "io.k8sm.avro.ClockTick",
            1,
            DELETE,
            Duration.ofDays(1),
            "Clock ticks: time as an input, for deterministic replay."),
    DEAD_LETTERS(
            "dead-letters",
            "source coordinates",
            "io.k8sm.avro.DeadLetter",
            3,
            DELETE,
            Duration.ofDays(30),
            "Records that could not be read or processed: raw bytes, source coordinates and the reason.");

    private final String logicalName;
    private final String key;
    private final String valueClassName;
    private final int defaultPartitions;
    private final CleanupPolicy cleanupPolicy;
    private final Duration retention;
    private final String description;

    Topic(
            String logicalName,
            String key,
            String valueClassName,
            int defaultPartitions,
            CleanupPolicy cleanupPolicy,
            Duration retention,
            String description) {
        this.logicalName = logicalName;
        this.key = key;
        this.valueClassName = valueClassName;
        this.defaultPartitions = defaultPartitions;
        this.cleanupPolicy = cleanupPolicy;
        this.retention = retention;
        this.description = description;
    }

    /** The name without prefix, e.g. {@code task-status}. */
    public String logicalName() {
        return logicalName;
    }

    /** What the (string) key of a record is, e.g. {@code namespace/name}. */
    public String key() {
        return key;
    }

    /** The fully qualified name of the generated Avro class of the values. */
    public String valueClassName() {
        return valueClassName;
    }

    public int defaultPartitions() {
        return defaultPartitions;
    }

    public CleanupPolicy cleanupPolicy() {
        return cleanupPolicy;
    }

    /**
     * How long records are kept; empty for compact-only topics, which keep the latest value per key.
     */
    public Optional<Duration> retention() {
        return Optional.ofNullable(retention);
    }

    /** One line saying what the topic carries. */
    public String description() {
        return description;
    }

    /**
     * The topic-level configs to create the topic with: {@code cleanup.policy} and, when it deletes,
     * {@code retention.ms}.
     */
    public Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy.config());
        retention().ifPresent(r -> configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(r.toMillis())));
        return Map.copyOf(configs);
    }

    /**
     * The Avro schema of the values, read from the generated class.
     *
     * @throws IllegalStateException naming the class and the topic when the class is not on the class
     *     path
     */
    public Schema valueSchema() {
        return valueSchemaOf(this, valueClassName);
    }

    static Schema valueSchemaOf(Topic topic, String className) {
        try {
            Class<?> type = Class.forName(className, true, Topic.class.getClassLoader());
            return (Schema) type.getMethod("getClassSchema").invoke(null);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(
                    "value class " + className + " of topic " + topic.logicalName() + " is not on the class path", e);
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new IllegalStateException(
                    "value class "
                            + className
                            + " of topic "
                            + topic.logicalName()
                            + " is not a generated Avro SpecificRecord",
                    e);
        }
    }

    /** The topic with this logical name (without prefix). */
    public static Optional<Topic> byLogicalName(String logicalName) {
        return Arrays.stream(values())
                .filter(t -> t.logicalName.equals(logicalName))
                .findFirst();
    }
}
