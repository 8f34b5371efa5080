package io.k8sm.launcher.kafka;

import io.k8sm.serde.AvroSerde;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes topic values with the Confluent wire format (one {@link AvroSerde} per record
 * class, all sharing the registry configuration). Keys are plain strings everywhere.
 */
public final class Codec implements AutoCloseable {
    private final Map<String, ?> serdeConfig;
    private final Map<Class<?>, AvroSerde<?>> serdes = new ConcurrentHashMap<>();

    public Codec(Map<String, ?> serdeConfig) {
        this.serdeConfig = Map.copyOf(serdeConfig);
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> AvroSerde<T> serde(Class<T> type) {
        return (AvroSerde<T>) serdes.computeIfAbsent(type, t -> AvroSerde.specific(type, serdeConfig, false));
    }

    /** The value's bytes for a topic; {@code null} (a tombstone) stays {@code null}. */
    @SuppressWarnings("unchecked")
    public <T extends SpecificRecord> byte[] encode(String topic, T value) {
        if (value == null) {
            return null;
        }
        return serde((Class<T>) value.getClass()).serializer().serialize(topic, value);
    }

    /**
     * Decodes a value; throws a {@code SerdeException} (a Kafka SerializationException) when it
     * cannot.
     */
    public <T extends SpecificRecord> T decode(Class<T> type, String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        return serde(type).deserializer().deserialize(topic, bytes);
    }

    @Override
    public void close() {
        serdes.values().forEach(AvroSerde::close);
    }
}
