package io.k8sm.launcher.kafka;

import io.k8sm.service.metrics.ServiceMetrics;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads whole topics (every partition, from the beginning, committed records only, no group) and
 * {@link #catchUp() catches up} to their current end on demand: how the launcher derives what it
 * has already done from what it wrote, instead of keeping a separate store.
 */
public final class CatchUpReader implements AutoCloseable {
    /** How long a catch-up may go without reading anything before it gives up (and is retried). */
    static final Duration STALL = Duration.ofSeconds(60);
    /** A catch-up longer than this is logged. */
    static final Duration SLOW = Duration.ofSeconds(2);

    private static final Logger log = LoggerFactory.getLogger(CatchUpReader.class);
    private final List<String> topics;

    private final KafkaConsumer<String, byte[]> consumer;
    private final Consumer<ConsumerRecord<String, byte[]>> handler;
    private final Clock clock;
    private AutoCloseable binding = () -> {};

    /** {@code clock} measures how long a catch-up has gone without progress. */
    public CatchUpReader(
            Properties kafka, List<String> topics, Consumer<ConsumerRecord<String, byte[]>> handler, Clock clock) {
        this.clock = clock;
        this.topics = List.copyOf(topics);
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
     * offset). However long that takes (a restart reads days of history): it gives up only after
     * {@link #STALL} without any progress (a broker gone, a transaction left open), with a {@link
     * KafkaException} that the loop answers by retrying the batch later.
     */
    public void catchUp() {
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        long position = behind(end);
        long records = position;
        Instant started = clock.instant();
        Instant lastProgress = started;
        while (position > 0) {
            consumer.poll(Duration.ofMillis(100)).forEach(handler);
            long now = behind(end);
            if (now < position) {
                position = now;
                lastProgress = clock.instant();
            } else if (clock.instant().isAfter(lastProgress.plus(STALL))) {
                throw new KafkaException("catching up with " + end + " made no progress for " + STALL.toSeconds()
                        + " s (" + now + " records behind)");
            }
        }
        Duration took = Duration.between(started, clock.instant());
        if (took.compareTo(SLOW) > 0) {
            log.info("caught up with {} offsets of {} in {} ms", records, topics, took.toMillis());
        }
    }

    /** How many offsets the reader still has to go to reach {@code end}. */
    private long behind(Map<TopicPartition, Long> end) {
        long behind = 0;
        for (var e : end.entrySet()) {
            behind += Math.max(0, e.getValue() - consumer.position(e.getKey()));
        }
        return behind;
    }

    /**
     * Adds the reader's consumer to {@code metrics} (its {@code records-lag-max}: how far a catch-up
     * still has to go); {@link #close()} unbinds it.
     */
    public void bindTo(ServiceMetrics metrics) {
        binding = metrics.bind(consumer);
    }

    @Override
    public void close() {
        try {
            binding.close();
        } catch (Exception e) {
            log.debug("unbinding the catch-up reader's metrics: {}", e.toString());
        }
        consumer.close(Duration.ofSeconds(5));
    }
}
