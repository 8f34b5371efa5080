package io.k8sm.sandbox.schemaregistry;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The schema topic on the broker: created compacted with one partition if missing, and read to its end on start. */
final class SchemaTopic {
    private static final Logger log = LoggerFactory.getLogger(SchemaStore.class);

    private SchemaTopic() {}

    static void ensure(Map<String, Object> common, String topic, Duration timeout) {
        try (Admin admin = Admin.create(common)) {
            NewTopic t = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            admin.createTopics(List.of(t)).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            log.info("Created the schema topic {}", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(
                        "Cannot create the schema topic '"
                                + topic
                                + "' on "
                                + common.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG)
                                + ": "
                                + e.getCause(),
                        e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Creating the schema topic '" + topic + "' timed out after " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating the schema topic '" + topic + "'", e);
        }
    }

    /** Reads the topic from the beginning to its end offset, handing each record to {@code apply}; returns the count. */
    static int readAll(
            Map<String, Object> common,
            String topic,
            Duration timeout,
            Consumer<ConsumerRecord<byte[], byte[]>> apply) {
        Map<String, Object> c = new HashMap<>(common);
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        TopicPartition tp = new TopicPartition(topic, 0);
        int records = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
            Instant deadline = Instant.now().plus(timeout);
            while (consumer.position(tp, timeout) < end) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("Reading the schema topic '"
                            + topic
                            + "' to offset "
                            + end
                            + " did not finish within "
                            + timeout
                            + " (at "
                            + consumer.position(tp)
                            + ")");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    apply.accept(r);
                    records++;
                }
            }
        }
        return records;
    }
}
