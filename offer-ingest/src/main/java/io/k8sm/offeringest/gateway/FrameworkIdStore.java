package io.k8sm.offeringest.gateway;

import io.k8sm.avro.FrameworkId;
import io.k8sm.schemaregistry.RegistryUnreachableException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The framework id in the compacted {@code framework-id} topic (key = framework name).
 *
 * <p>{@link #read} at start: reads the whole topic up to its end offsets without joining a group; the
 * last record for the key wins. Only a topic with <em>no record at all</em> for the key means a first
 * start (a new framework). A tombstone, or a value that does not decode (corrupt bytes, a schema id the
 * registry does not know), refuses to start ({@link FrameworkIdUnreadableException}) unless the
 * operator asked for a new framework: subscribing as a new framework would make Mesos report every
 * task lost. A registry that cannot be reached is transient: retried until the timeout, never read as
 * "no id".
 *
 * <p>{@link #writeUntilDurable} on SUBSCRIBED: the id is written and confirmed (acks=all) before
 * anything else is published, retried with backoff until it is.
 */
public final class FrameworkIdStore {
    private static final Logger LOG = LoggerFactory.getLogger(FrameworkIdStore.class);
    private static final Duration RETRY_MAX = Duration.ofSeconds(5);

    private FrameworkIdStore() {}

    /**
     * The stored id; empty when the topic holds no record for the key, or when {@code newFramework}
     * (the operator's word) lets an unreadable one go.
     *
     * @throws FrameworkIdUnreadableException a tombstone or undecodable record, without {@code newFramework}
     * @throws IllegalStateException the topic (or the registry) could not be read within {@code timeout}
     */
    public static Optional<FrameworkId> read(
            Properties kafka,
            String topic,
            String frameworkName,
            Deserializer<FrameworkId> values,
            Duration timeout,
            boolean newFramework) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<byte[]> stored = lastValue(kafka, topic, frameworkName, timeout, deadline);
        if (stored == null) {
            LOG.info("no framework id for {} in {}: subscribing as a new framework", frameworkName, topic);
            return Optional.empty();
        }
        String fix = "; if the old framework is really to be given up, start with --new-framework"
                + " (mesos.framework.new=true)";
        if (stored.isEmpty()) {
            return refuse(
                    newFramework,
                    "the framework id of " + frameworkName + " in " + topic + " is a tombstone (deleted)" + fix,
                    null);
        }
        for (long pause = 200; ; pause = Math.min(pause * 2, RETRY_MAX.toMillis())) {
            try {
                FrameworkId id = values.deserialize(topic, stored.get());
                if (id == null
                        || id.getFrameworkId() == null
                        || id.getFrameworkId().isEmpty()) {
                    return refuse(
                            newFramework,
                            "the framework id of " + frameworkName + " in " + topic + " is empty" + fix,
                            null);
                }
                LOG.info("framework {} has id {} (from {}): failing over", frameworkName, id.getFrameworkId(), topic);
                return Optional.of(id);
            } catch (RuntimeException e) {
                if (!unreachable(e)) {
                    return refuse(
                            newFramework,
                            "the framework id of " + frameworkName + " in " + topic + " (key " + frameworkName
                                    + ") cannot be read (" + e.getMessage() + ")" + fix,
                            e);
                }
                if (System.nanoTime() + pause * 1_000_000 > deadline) {
                    throw new IllegalStateException(
                            "the schema registry stayed unreachable for " + timeout
                                    + " while reading the framework id of " + frameworkName + " from " + topic
                                    + " (" + e.getMessage() + "); not starting as a new framework",
                            e);
                }
                LOG.warn(
                        "the schema registry is unreachable ({}); reading the framework id again in {} ms",
                        e.getMessage(),
                        pause);
                sleep(pause);
            }
        }
    }

    /**
     * Writes the id with {@code attempt} (which waits for Kafka's confirmation), again and again with
     * backoff until it is confirmed or {@code stop} says so. Returns whether it was confirmed.
     */
    public static boolean writeUntilDurable(Callable<?> attempt, BooleanSupplier stop, String topic, String id) {
        for (long pause = 100; ; pause = Math.min(pause * 2, RETRY_MAX.toMillis())) {
            try {
                attempt.call();
                return true;
            } catch (Exception e) {
                if (stop.getAsBoolean()) {
                    LOG.warn("framework id {} not stored in {} ({}): stopping", id, topic, e.toString());
                    return false;
                }
                LOG.warn(
                        "framework id {} not stored in {} yet ({}); nothing else is published until it is;"
                                + " again in {} ms",
                        id,
                        topic,
                        e.toString(),
                        pause);
                sleep(pause);
            }
        }
    }

    private static Optional<FrameworkId> refuse(boolean newFramework, String message, Throwable cause) {
        if (newFramework) {
            LOG.warn("{}: subscribing as a NEW framework, as asked (mesos.framework.new)", message);
            return Optional.empty();
        }
        throw new FrameworkIdUnreadableException(message, cause);
    }

    private static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RegistryUnreachableException) {
                return true;
            }
        }
        return false;
    }

    /** null: no record for the key; empty: a tombstone; else the last value. */
    private static Optional<byte[]> lastValue(
            Properties kafka, String topic, String frameworkName, Duration timeout, long deadline) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                LOG.info("no topic {} yet", topic);
                return null;
            }
            List<TopicPartition> parts = infos.stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(parts, timeout));
            Optional<byte[]> last = null;
            while (!end.entrySet().stream().allMatch(e -> c.position(e.getKey(), timeout) >= e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (frameworkName.equals(r.key())) {
                        last = Optional.ofNullable(r.value());
                    }
                }
            }
            return last;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
