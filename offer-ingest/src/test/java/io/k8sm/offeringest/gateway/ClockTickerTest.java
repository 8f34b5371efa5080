package io.k8sm.offeringest.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.ClockTick;
import io.k8sm.schemaregistry.InMemorySchemaRegistryClient;
import io.k8sm.serde.AvroDeserializer;
import io.k8sm.serde.AvroSerializer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class ClockTickerTest {

    private final InMemorySchemaRegistryClient registry = InMemorySchemaRegistryClient.scope("clock-ticker-test");
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());

    private ClockTicker ticker(Duration period, Clock clock) {
        return new ClockTicker(
                producer, new AvroSerializer<>(registry), "k8sm.clock", "offer-ingest:k8sm", period, clock);
    }

    @Test
    void aTickIsTheClocksNowKeyedByItsSourceWithTheSameRecordTimestamp() {
        Instant now = Instant.parse("2026-12-01T10:00:00Z");
        ClockTick tick =
                ticker(Duration.ofSeconds(1), Clock.fixed(now, ZoneOffset.UTC)).tick();

        assertEquals(new ClockTick(now, "offer-ingest:k8sm"), tick);
        ProducerRecord<byte[], byte[]> r = producer.history().get(0);
        assertEquals("k8sm.clock", r.topic());
        assertEquals("offer-ingest:k8sm", new String(r.key(), StandardCharsets.UTF_8));
        assertEquals(now.toEpochMilli(), r.timestamp());
        assertEquals(tick, AvroDeserializer.specific(ClockTick.class, registry).deserialize(r.topic(), r.value()));
    }

    @Test
    void startedItTicksAtItsPeriodUntilClosed() throws Exception {
        try (ClockTicker t = ticker(Duration.ofMillis(20), Clock.systemUTC()).start()) {
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (producer.history().size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        int written = producer.history().size();
        assertTrue(written >= 3, "ticks written: " + written);
        Thread.sleep(100);
        assertEquals(written, producer.history().size(), "no tick after close");
    }

    @Test
    void aZeroPeriodWritesNothingAndANegativeOneIsRefused() throws Exception {
        try (ClockTicker t = ticker(Duration.ZERO, Clock.systemUTC()).start()) {
            Thread.sleep(50);
        }
        assertEquals(0, producer.history().size());
        assertThrows(IllegalArgumentException.class, () -> ticker(Duration.ofMillis(-1), Clock.systemUTC()));
    }
}
