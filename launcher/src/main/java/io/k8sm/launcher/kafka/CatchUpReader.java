package io.k8sm.launcher.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads whole topics (every partition, from the beginning, committed records only, no group) and
 * {@link #catchUp() catches up} to their current end on demand: how the launcher derives what it
 * has already done from what it wrote, instead of keeping a separate store.
 */
public final class CatchUpReader implements AutoCloseable {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Consumer<ConsumerRecord<String, byte[]>> handler;
    private final Clock clock;

    /** {@code clock} measures the catch-up deadline. */
    public CatchUpReader(
            Properties kafka, List<String> topics, Consumer<ConsumerRecord<String, byte[]>> handler, Clock clock) {
        this.clock = clock;
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.handler = handler;
        List<TopicPartition> parts = new ArrayList<>();
        for (String t : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(t, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                throw new KafkaException(
                        "topic " + t + " does not exist (create the topics first: k8sm topics create)");
            }
            infos.forEach(i -> parts.add(new TopicPartition(t, i.partition())));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    /**
     * Reads until every partition's position reaches the end seen when called (the last stable
     * offset).
     */
    public void catchUp() {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        Instant deadline = clock.instant().plus(DEADLINE);
        while (!caughtUp(end)) {
            if (clock.instant().isAfter(deadline)) {
                throw new KafkaException("could not catch up with " + end + " within " + DEADLINE.toSeconds() + " s");
            }
            consumer.poll(Duration.ofMillis(100)).forEach(handler);
        }
    }

    private boolean caughtUp(Map<TopicPartition, Long> end) {
        for (var e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
