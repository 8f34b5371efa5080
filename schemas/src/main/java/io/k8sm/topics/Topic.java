package io.k8sm.topics;

import static io.k8sm.topics.CleanupPolicy.COMPACT;
import static io.k8sm.topics.CleanupPolicy.DELETE;
import static io.k8sm.topics.Component.DEAD_LETTERS_COMMAND;
import static io.k8sm.topics.Component.LAUNCHER;
import static io.k8sm.topics.Component.OFFER_INGEST;
import static io.k8sm.topics.Component.REPLAY_COMMAND;
import static io.k8sm.topics.Component.SCHEDULER;
import static io.k8sm.topics.Component.TAP;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Every topic of k8sm: its logical name (the deployed name is {@link TopicCatalogue#name(Topic)}),
 * its key, its Avro value class, its default settings and who writes and reads it in production
 * ({@link #writers()}, {@link #readers()}; the README's table is generated from them by {@link
 * TopicDocs}). Keys are plain strings on every topic.
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
            "Kubernetes pod snapshots from the launcher's pod watch; tombstone on delete.",
            List.of(LAUNCHER),
            List.of(SCHEDULER)),
    OFFERS(
            "offers",
            "scheduling shard",
            "io.k8sm.avro.OfferEvent",
            1,
            DELETE,
            Duration.ofDays(7),
            "Mesos offers and rescinds, as offer-ingest received them.",
            List.of(OFFER_INGEST),
            List.of(SCHEDULER, LAUNCHER)),
    TASK_STATUS(
            "task-status",
            "task id",
            "io.k8sm.avro.TaskStatus",
            1,
            DELETE,
            Duration.ofDays(7),
            "Mesos task status updates.",
            List.of(OFFER_INGEST),
            List.of(SCHEDULER, LAUNCHER)),
    FRAMEWORK(
            "framework",
            "framework name",
            "io.k8sm.avro.FrameworkEvent",
            1,
            DELETE,
            Duration.ofDays(7),
            "Subscription, heartbeat, agent/executor loss, master errors and rejected calls.",
            List.of(OFFER_INGEST),
            List.of(SCHEDULER, LAUNCHER)),
    FRAMEWORK_ID(
            "framework-id",
            "framework name",
            "io.k8sm.avro.FrameworkId",
            1,
            COMPACT,
            null,
            "The framework id to reuse on re-subscription.",
            List.of(OFFER_INGEST),
            List.of(OFFER_INGEST)),
    LAUNCH_REQUESTS(
            "launch-requests",
            "task id",
            "io.k8sm.avro.LaunchRequest",
            3,
            DELETE,
            Duration.ofDays(7),
            "A registry task matched to an offer, with its pod snapshot, for the launcher.",
            List.of(SCHEDULER),
            List.of(LAUNCHER)),
    LAUNCHER_EVENTS(
            "launcher-events",
            "task id",
            "io.k8sm.avro.LauncherEvent",
            1,
            DELETE,
            Duration.ofDays(7),
            "Launched / bound / bind-failed / launch-rejected, from the launcher to the scheduler.",
            List.of(LAUNCHER),
            List.of(SCHEDULER, LAUNCHER)),
    MESOS_CALLS(
            "mesos-calls",
            "call id",
            "io.k8sm.avro.MesosCall",
            1,
            DELETE,
            Duration.ofDays(7),
            "Calls to the Mesos master (accept, decline, kill, reconcile, acknowledge, revive, suppress).",
            List.of(SCHEDULER, LAUNCHER),
            List.of(OFFER_INGEST, LAUNCHER)),
    TASK_REGISTRY(
            "task-registry",
            "task id",
            "io.k8sm.avro.RegistryTask",
            1,
            COMPACT,
            null,
            "The task registry entry after each change; tombstone when a task is removed.",
            List.of(SCHEDULER),
            List.of(TAP)),
    SCHEDULER_EVENTS(
            "scheduler-events",
            "namespace/name",
            "io.k8sm.avro.SchedulerEvent",
            3,
            DELETE,
            Duration.ofDays(7),
            "What the scheduler decided about each pod, for people and the tap; the launcher turns"
                    + " FAILED_SCHEDULING into Kubernetes FailedScheduling Events.",
            List.of(SCHEDULER),
            List.of(LAUNCHER, TAP)),
    POD_ACTIONS(
            "pod-actions",
            "namespace/name",
            "io.k8sm.avro.PodAction",
            3,
            DELETE,
            Duration.ofDays(7),
            "Actions on Kubernetes pods (delete) requested by the scheduler, carried out by the launcher.",
            List.of(SCHEDULER),
            List.of(LAUNCHER)),
    NODES(
            "nodes",
            "node name",
            "io.k8sm.avro.NodeSnapshot",
            1,
            COMPACT,
            null,
            "The Kubernetes nodes of the Mesos agents, from the launcher's node watch: their labels, cordon and"
                    + " taints, which the scheduler places by; tombstone on delete.",
            List.of(LAUNCHER),
            List.of(SCHEDULER, TAP)),
    CLOCK(
            "clock",
            "source",
            "io.k8sm.avro.ClockTick",
            1,
            DELETE,
            Duration.ofDays(1),
            "Time as an input: offer-ingest ticks at a fixed period, so the scheduler's time advances while"
                    + " the master is silent, and replays deterministically.",
            List.of(OFFER_INGEST),
            List.of(SCHEDULER)),
    INPUT_ORDER(
            "input-order",
            "topic/partition/offset",
            "io.k8sm.avro.InputOrder",
            1,
            DELETE,
            Duration.ofDays(7),
            "The inputs the scheduler processed out of timestamp order (they became visible late), each with"
                    + " the one it followed, so that a replay follows the live order exactly.",
            List.of(SCHEDULER),
            List.of(REPLAY_COMMAND)),
    DEAD_LETTERS(
            "dead-letters",
            "source coordinates",
            "io.k8sm.avro.DeadLetter",
            3,
            DELETE,
            Duration.ofDays(30),
            "Records that could not be read or processed: raw bytes, source coordinates and the reason.",
            List.of(SCHEDULER, LAUNCHER, OFFER_INGEST),
            List.of(TAP, DEAD_LETTERS_COMMAND)),
    DEAD_LETTER_REDRIVES(
            "dead-letter-redrives",
            "source coordinates",
            "io.k8sm.avro.DeadLetterRedrive",
            1,
            COMPACT,
            null,
            "Which dead letters were redriven, when and to which offset; written in the same transaction as"
                    + " the re-sent record, so that a letter is redriven once.",
            List.of(DEAD_LETTERS_COMMAND),
            List.of(DEAD_LETTERS_COMMAND));

    private final String logicalName;
    private final String key;
    private final String valueClassName;
    private final int defaultPartitions;
    private final CleanupPolicy cleanupPolicy;
    private final Duration retention;
    private final String description;
    private final List<Component> writers;
    private final List<Component> readers;

    Topic(
            String logicalName,
            String key,
            String valueClassName,
            int defaultPartitions,
            CleanupPolicy cleanupPolicy,
            Duration retention,
            String description,
            List<Component> writers,
            List<Component> readers) {
        this.logicalName = logicalName;
        this.key = key;
        this.valueClassName = valueClassName;
        this.defaultPartitions = defaultPartitions;
        this.cleanupPolicy = cleanupPolicy;
        this.retention = retention;
        this.description = description;
        this.writers = writers;
        this.readers = readers;
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

    /** The components that write the topic in production. */
    public List<Component> writers() {
        return writers;
    }

    /** The components that read the topic in production. */
    public List<Component> readers() {
        return readers;
    }

    /**
     * The topic-level configs to create the topic with: {@code cleanup.policy}, when it deletes
     * {@code retention.ms}, and for the scheduler's inputs
     * {@code message.timestamp.type=LogAppendTime}, so that the scheduler's event time is the
     * broker's append time (a producer's clock an hour ahead cannot freeze offer expiry).
     */
    public Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, cleanupPolicy.config());
        retention().ifPresent(r -> configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(r.toMillis())));
        if (readers.contains(SCHEDULER)) {
            // The scheduler's time is its inputs' record time: the broker's clock, not a producer's.
            configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
        }
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
