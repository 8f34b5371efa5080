package io.k8sm.app.deadletters;

import io.k8sm.app.cli.TimeoutOption;
import io.k8sm.avro.DeadLetter;
import io.k8sm.avro.DeadLetterRedrive;
import io.k8sm.config.K8smConfig;
import io.k8sm.deadletter.DeadLetters;
import io.k8sm.serde.AvroDeserializer;
import io.k8sm.topics.Topic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the dead-letter topic and the redrive record of each letter, to its end (read committed,
 * no consumer group, nothing committed, no topic created).
 */
final class DeadLetterLog {

    /** A dead letter with its place in the dead-letter topic; {@code letter} null when unreadable. */
    record Entry(int partition, long offset, long timestamp, String key, DeadLetter letter, String error) {
        /** The id the commands use: {@code PARTITION:OFFSET} in the dead-letter topic. */
        String id() {
            return partition + ":" + offset;
        }
    }

    private final K8smConfig config;
    private final TimeoutOption timeout;
    final String deadLetterTopic;
    final String redriveTopic;

    DeadLetterLog(K8smConfig config, TimeoutOption timeout) {
        this.config = config;
        this.timeout = timeout;
        this.deadLetterTopic = config.topics().name(Topic.DEAD_LETTERS);
        this.redriveTopic = config.topics().name(Topic.DEAD_LETTER_REDRIVES);
    }

    /** The key of a letter's redrive record: its source coordinates, else its own. */
    static String redriveKey(Entry e) {
        DeadLetter l = e.letter();
        if (l.getSourcePartition() >= 0 && l.getSourceOffset() >= 0) {
            return DeadLetters.keyFor(l.getSourceTopic(), l.getSourcePartition(), l.getSourceOffset());
        }
        return DeadLetters.keyFor(l.getSourceTopic(), -1, -1) + "@" + e.id();
    }

    /** Every dead letter, in partition and offset order. */
    List<Entry> letters() throws Exception {
        List<Entry> out = new ArrayList<>();
        try (AvroDeserializer<DeadLetter> values = AvroDeserializer.specific(DeadLetter.class)) {
            values.configure(config.serdeConfig(), false);
            readAll(deadLetterTopic, (r, key) -> {
                try {
                    out.add(new Entry(
                            r.partition(),
                            r.offset(),
                            r.timestamp(),
                            key,
                            values.deserialize(r.topic(), r.value()),
                            null));
                } catch (RuntimeException ex) {
                    if (io.k8sm.deadletter.DeadLetters.isTransient(ex)) {
                        throw ex;
                    }
                    out.add(new Entry(r.partition(), r.offset(), r.timestamp(), key, null, ex.getMessage()));
                }
            });
        }
        out.sort((a, b) -> a.partition() != b.partition()
                ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        return out;
    }

    /** The latest redrive record per key (a missing redrive topic reads as none). */
    Map<String, DeadLetterRedrive> redrives() throws Exception {
        Map<String, DeadLetterRedrive> out = new LinkedHashMap<>();
        if (!exists(redriveTopic)) {
            return out;
        }
        try (AvroDeserializer<DeadLetterRedrive> values = AvroDeserializer.specific(DeadLetterRedrive.class)) {
            values.configure(config.serdeConfig(), false);
            readAll(redriveTopic, (r, key) -> {
                if (r.value() == null) {
                    out.remove(key);
                } else {
                    out.put(key, values.deserialize(r.topic(), r.value()));
                }
            });
        }
        return out;
    }

    boolean exists(String topic) throws Exception {
        return topics().contains(topic);
    }

    /** The partition count of a topic on the cluster; 0 when it does not exist. */
    int partitions(String topic) throws Exception {
        try (Admin admin = Admin.create(timeout.apply(config.kafkaProperties()))) {
            if (!await(admin.listTopics().names(), "listing topics").contains(topic)) {
                return 0;
            }
            TopicDescription d = await(admin.describeTopics(List.of(topic)).allTopicNames(), "describing " + topic)
                    .get(topic);
            return d.partitions().size();
        }
    }

    private Set<String> topics() throws Exception {
        try (Admin admin = Admin.create(timeout.apply(config.kafkaProperties()))) {
            return await(admin.listTopics().names(), "listing topics");
        }
    }

    private <T> T await(KafkaFuture<T> f, String what) throws Exception {
        try {
            return f.get(timeout.duration().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException(timeout.notAnswering(config.bootstrapServers(), what));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
                throw new IllegalStateException(timeout.notAnswering(config.bootstrapServers(), what));
            }
            throw e.getCause() instanceof Exception c ? c : e;
        }
    }

    private void readAll(String topic, BiConsumer<ConsumerRecord<byte[], byte[]>, String> each) throws Exception {
        int n = partitions(topic);
        if (n == 0) {
            throw new IllegalStateException("topic " + topic + " does not exist (create it with: k8sm topics create)");
        }
        Properties p = timeout.apply(config.kafkaProperties());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "k8sm-dead-letters");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                parts.add(new TopicPartition(topic, i));
            }
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            Map<TopicPartition, Long> end = consumer.endOffsets(parts, timeout.duration());
            while (!atEnd(consumer, end)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String key = r.key() == null ? null : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
                    each.accept(r, key);
                }
            }
        }
    }

    private boolean atEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), timeout.duration()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
