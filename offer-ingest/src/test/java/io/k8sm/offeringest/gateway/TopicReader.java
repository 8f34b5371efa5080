package io.k8sm.offeringest.gateway;

import static org.junit.jupiter.api.Assertions.fail;

import io.k8sm.schemaregistry.SchemaRegistryClient;
import io.k8sm.serde.AvroDeserializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads one topic from the beginning (all partitions, no group) and keeps every record it saw. */
final class TopicReader<T extends SpecificRecord> implements AutoCloseable {
    static final Duration DEADLINE = Duration.ofSeconds(30);

    private final KafkaConsumer<String, byte[]> consumer;
    private final AvroDeserializer<T> values;
    private final String topic;
    private final List<ConsumerRecord<String, T>> seen = new ArrayList<>();

    TopicReader(String bootstrap, SchemaRegistryClient registry, String topic, Class<T> type, int partitions) {
        this.topic = topic;
        this.values = AvroDeserializer.specific(type, registry);
        this.consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> parts = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            parts.add(new TopicPartition(topic, p));
        }
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
    }

    /** Polls until a record matches, failing after the deadline; returns it. */
    ConsumerRecord<String, T> await(String what, Predicate<ConsumerRecord<String, T>> p) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        int checked = 0;
        while (true) {
            for (; checked < seen.size(); checked++) {
                if (p.test(seen.get(checked))) {
                    return seen.get(checked);
                }
            }
            if (System.nanoTime() > deadline) {
                fail("no record on "
                        + topic
                        + " for: "
                        + what
                        + "; saw "
                        + seen.stream().map(r -> r.key() + "=" + r.value()).toList());
            }
            poll();
        }
    }

    ConsumerRecord<String, T> awaitValue(String what, Predicate<T> p) {
        return await(what, r -> r.value() != null && p.test(r.value()));
    }

    void poll() {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            T v = r.value() == null ? null : values.deserialize(topic, r.value());
            seen.add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(), v));
        }
    }

    /** Every record seen so far (poll first for fresh ones). */
    List<ConsumerRecord<String, T>> seen() {
        return seen;
    }

    List<T> valuesSeen() {
        return seen.stream().map(ConsumerRecord::value).toList();
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(2));
    }
}
