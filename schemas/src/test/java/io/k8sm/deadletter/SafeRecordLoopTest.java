package io.k8sm.deadletter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.DeadLetter;
import io.k8sm.schemaregistry.InMemorySchemaRegistryClient;
import io.k8sm.serde.AvroDeserializer;
import io.k8sm.serde.AvroSerializer;
import io.k8sm.serde.CorruptRecordException;
import io.k8sm.serde.test.Sample;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SafeRecordLoopTest {
    private static final String TOPIC = "k8sm.task-status";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 2);

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");
    private final DeadLetterPublisher publisher = new DeadLetterPublisher(
            producer, "k8sm.dead-letters", new AvroSerializer<>(registry), Clock.fixed(Instant.EPOCH, ZoneOffset.UTC));
    private final List<String> seen = new ArrayList<>();

    @BeforeEach
    void assign() {
        consumer.assign(List.of(TP));
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
    }

    private void add(long offset, byte[] value) {
        consumer.addRecord(new ConsumerRecord<>(
                TOPIC, TP.partition(), offset, ("task-" + offset).getBytes(StandardCharsets.UTF_8), value));
    }

    private byte[] good(String name) {
        return new AvroSerializer<Sample>(registry)
                .serialize(TOPIC, Sample.newBuilder().setName(name).setCount(1).build());
    }

    private SafeRecordLoop<String, Sample> loop(SafeRecordLoop.RecordHandler<String, Sample> handler) {
        return new SafeRecordLoop<>(
                consumer,
                new StringDeserializer(),
                AvroDeserializer.specific(Sample.class, registry),
                publisher,
                "k8sm-launcher",
                handler);
    }

    @Test
    void badRecordsGoToDeadLettersWithTheReasonAndGoodOnesReachTheHandler() {
        add(0, good("a"));
        add(1, new byte[] {0, 0, 0});
        add(2, good("c"));
        SafeRecordLoop.Batch batch =
                loop(r -> seen.add(r.key() + "=" + r.value().getName())).pollOnce(Duration.ZERO);

        assertEquals(new SafeRecordLoop.Batch(2, 1), batch);
        assertEquals(List.of("task-0=a", "task-2=c"), seen);
        assertEquals(1, producer.history().size());
        assertEquals(TOPIC + "/2/1", new String(producer.history().get(0).key(), StandardCharsets.UTF_8));
        DeadLetter d = AvroDeserializer.specific(DeadLetter.class, registry)
                .deserialize("k8sm.dead-letters", producer.history().get(0).value());
        assertEquals(CorruptRecordException.class.getName(), d.getExceptionClass());
        assertTrue(d.getReason().contains("partition 2 offset 1"), d.getReason());
        assertEquals("k8sm-launcher", d.getApplication());
    }

    @Test
    void handlerFailureRewindsToTheFailedRecordAndNamesIt() {
        add(0, good("a"));
        add(1, good("b"));
        add(2, good("c"));
        SafeRecordLoop<String, Sample> loop = loop(r -> {
            if (r.value().getName().equals("b")) {
                throw new IllegalStateException("kube API down");
            }
            seen.add(r.value().getName());
        });
        SafeRecordLoop.HandlerException e =
                assertThrows(SafeRecordLoop.HandlerException.class, () -> loop.pollOnce(Duration.ZERO));
        assertTrue(e.getMessage().contains(TOPIC + "/2/1"), e.getMessage());
        assertEquals(List.of("a"), seen);
        assertEquals(1L, consumer.position(TP), "the next poll starts at the failed record");
        assertTrue(producer.history().isEmpty(), "a handler failure is not a dead letter");
    }
}
