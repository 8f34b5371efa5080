package io.k8sm.deadletter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.DeadLetter;
import io.k8sm.schemaregistry.CompatibilityLevel;
import io.k8sm.schemaregistry.InMemorySchemaRegistryClient;
import io.k8sm.schemaregistry.RegistryUnreachableException;
import io.k8sm.schemaregistry.SchemaRegistryClient;
import io.k8sm.schemaregistry.SchemaVersion;
import io.k8sm.serde.AvroDeserializer;
import io.k8sm.serde.AvroSerializer;
import io.k8sm.serde.test.Sample;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** D7 (a registry outage is not corrupt data) and 1.8 (a dead letter that is too large). */
class RegistryOutageAndLargeRecordTest {
    private static final String TOPIC = "k8sm.mesos-calls";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final FlakyRegistry flaky = new FlakyRegistry(registry);
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
                TOPIC, TP.partition(), offset, ("call-" + offset).getBytes(StandardCharsets.UTF_8), value));
    }

    private SafeRecordLoop<String, Sample> loop() {
        return new SafeRecordLoop<>(
                consumer,
                new StringDeserializer(),
                AvroDeserializer.specific(Sample.class, flaky),
                publisher,
                "k8sm-offer-ingest",
                r -> seen.add(r.value().getName()));
    }

    @Test
    void aRegistryOutageStallsTheLoopAndNoRecordIsSkippedOrDeadLettered() {
        AvroSerializer<Sample> writer = new AvroSerializer<>(registry);
        List<byte[]> log = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            log.add(writer.serialize(
                    TOPIC, Sample.newBuilder().setName("c" + i).setCount(i).build()));
        }
        // MockConsumer forgets what it delivered; like a broker, offer the whole log on every poll
        // (it delivers from the consumer's position on)
        Runnable broker = () -> {
            for (int i = 0; i < log.size(); i++) {
                add(i, log.get(i));
            }
        };
        SafeRecordLoop<String, Sample> loop = loop();
        flaky.down = true;
        for (int attempt = 0; attempt < 3; attempt++) {
            broker.run();
            try {
                loop.pollOnce(Duration.ZERO);
            } catch (RuntimeException acceptable) {
                // the loop may report the stall by throwing; it must not skip
            }
            assertEquals(0L, consumer.position(TP), "nothing is skipped while the registry is down");
        }
        assertTrue(producer.history().isEmpty(), "an outage is not corrupt data: no dead letter");
        flaky.down = false;
        for (int attempt = 0; attempt < 5 && seen.size() < 3; attempt++) {
            broker.run();
            loop.pollOnce(Duration.ZERO);
        }
        assertEquals(List.of("c0", "c1", "c2"), seen, "every record is processed once the registry is back");
        assertTrue(producer.history().isEmpty(), "no dead letters");
    }

    @Test
    void aMegabyteUnreadableRecordIsDeadLetteredUnderMaxRequestSizeWithItsReason() {
        byte[] huge = new byte[1024 * 1024 - 200];
        new Random(42).nextBytes(huge);
        huge[0] = 7; // not the magic byte: unreadable
        add(0, huge);
        loop().pollOnce(Duration.ZERO);

        assertEquals(1, producer.history().size());
        byte[] encoded = producer.history().get(0).value();
        int maxRequestSize =
                (Integer) ProducerConfig.configDef().defaultValues().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        assertTrue(encoded.length < maxRequestSize / 8, "dead letter is " + encoded.length + " bytes");
        DeadLetter d = AvroDeserializer.specific(DeadLetter.class, registry).deserialize("k8sm.dead-letters", encoded);
        assertTrue(d.getReason().contains("magic byte"), d.getReason());
        assertTrue(d.getValue().remaining() > 0, "a prefix of the value is kept");
        assertEquals(7, d.getValue().get(0));
        assertTrue(d.getTruncated());
        assertEquals(Integer.valueOf(huge.length), d.getValueLength());
        assertEquals(32, d.getValueSha256().remaining());
    }

    /** A registry client whose {@code getById} fails as an outage while {@link #down}. */
    static final class FlakyRegistry implements SchemaRegistryClient {
        private final SchemaRegistryClient delegate;
        volatile boolean down;

        FlakyRegistry(SchemaRegistryClient delegate) {
            this.delegate = delegate;
        }

        private void check(String request) {
            if (down) {
                throw new RegistryUnreachableException(request, 3, 503, -1, "HTTP 503", null);
            }
        }

        @Override
        public int register(String subject, Schema schema) {
            check("POST /subjects/" + subject + "/versions");
            return delegate.register(subject, schema);
        }

        @Override
        public Schema getById(int id) {
            check("GET /schemas/ids/" + id);
            return delegate.getById(id);
        }

        @Override
        public int lookupId(String subject, Schema schema) {
            check("POST /subjects/" + subject);
            return delegate.lookupId(subject, schema);
        }

        @Override
        public SchemaVersion getVersion(String subject, String version) {
            check("GET /subjects/" + subject);
            return delegate.getVersion(subject, version);
        }

        @Override
        public List<String> subjects() {
            check("GET /subjects");
            return delegate.subjects();
        }

        @Override
        public void setCompatibility(String subject, CompatibilityLevel level) {
            check("PUT /config/" + subject);
            delegate.setCompatibility(subject, level);
        }

        @Override
        public boolean isCompatible(String subject, String version, Schema schema) {
            check("POST /compatibility/subjects/" + subject);
            return delegate.isCompatible(subject, version, schema);
        }

        @Override
        public void close() {}
    }
}
