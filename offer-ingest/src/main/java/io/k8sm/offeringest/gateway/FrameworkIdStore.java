package io.k8sm.offeringest.gateway;

import io.k8sm.avro.FrameworkId;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
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
 * Reads the framework id back from the compacted {@code framework-id} topic (key = framework name)
 * when offer-ingest starts, so that it re-subscribes as the same framework (a failover that keeps
 * the tasks). Reads the whole topic up to its end offsets without joining a group; the last record
 * for the key wins (a tombstone forgets the id).
 */
public final class FrameworkIdStore {
    private static final Logger LOG = LoggerFactory.getLogger(FrameworkIdStore.class);

    private FrameworkIdStore() {}

    public static Optional<FrameworkId> read(
            Properties kafka, String topic, String frameworkName, Deserializer<FrameworkId> values, Duration timeout) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                LOG.info("no topic {} yet: subscribing as a new framework", topic);
                return Optional.empty();
            }
            List<TopicPartition> parts = infos.stream()
                    .map(i -> new TopicPartition(topic, i.partition()))
                    .toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(parts, timeout));
            byte[] last = null;
            boolean seen = false;
            while (!end.entrySet().stream().allMatch(e -> c.position(e.getKey(), timeout) >= e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("cannot read " + topic + " to its end within " + timeout);
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (frameworkName.equals(r.key())) {
                        last = r.value();
                        seen = true;
                    }
                }
            }
            if (!seen || last == null) {
                return Optional.empty();
            }
            try {
                FrameworkId id = values.deserialize(topic, last);
                LOG.info("framework {} has id {} (from {}): failing over", frameworkName, id.getFrameworkId(), topic);
                return Optional.of(id);
            } catch (RuntimeException e) {
                LOG.warn(
                        "the stored framework id in {} cannot be read ({}); subscribing as a new framework",
                        topic,
                        e.toString());
                return Optional.empty();
            }
        }
    }
}
