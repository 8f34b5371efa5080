package io.k8sm.serde;

import io.k8sm.schemaregistry.SchemaRegistryClient;
import io.k8sm.schemaregistry.SchemaRegistryClients;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link AvroSerializer} and {@link AvroDeserializer} as one Kafka {@link Serde}, sharing one
 * registry client. Kafka Streams configures serdes it instantiates from {@code
 * default.key.serde}/{@code default.value.serde} (the no-argument constructor gives generic
 * records, or generated classes with {@code specific.avro.reader=true}); serdes passed to {@code
 * Consumed.with(...)} must be configured by the caller, or built on a client.
 */
public class AvroSerde<T> implements Serde<T> {
    private final AvroSerializer<T> serializer;
    private final AvroDeserializer<T> deserializer;
    private SchemaRegistryClient client;
    private boolean ownsClient;

    /**
     * For Kafka Streams' default serde configs: generic records unless {@code
     * specific.avro.reader=true}.
     */
    public AvroSerde() {
        this(null, new AvroDeserializer<>());
    }

    private AvroSerde(SchemaRegistryClient client, AvroDeserializer<T> deserializer) {
        this.client = client;
        this.serializer = client == null ? new AvroSerializer<>() : new AvroSerializer<>(client);
        this.deserializer = deserializer;
    }

    /** A serde for a generated class; configure it (registry URL, key or value) before use. */
    public static <T extends SpecificRecord> AvroSerde<T> specific(Class<T> type) {
        return new AvroSerde<>(null, AvroDeserializer.specific(type));
    }

    /**
     * A serde for a generated class on a given registry client, for values (call {@link #configure}
     * for keys or other options).
     */
    public static <T extends SpecificRecord> AvroSerde<T> specific(Class<T> type, SchemaRegistryClient client) {
        return new AvroSerde<>(client, AvroDeserializer.specific(type, client));
    }

    /** A configured serde for a generated class. */
    public static <T extends SpecificRecord> AvroSerde<T> specific(
            Class<T> type, Map<String, ?> configs, boolean isKey) {
        AvroSerde<T> serde = specific(type);
        serde.configure(configs, isKey);
        return serde;
    }

    /**
     * A serde of generic records decoded with the writer's schema (for {@code tap}); configure it
     * before use.
     */
    public static AvroSerde<GenericRecord> generic() {
        return new AvroSerde<>();
    }

    /** A serde of generic records on a given registry client, for values. */
    public static AvroSerde<GenericRecord> generic(SchemaRegistryClient client) {
        return new AvroSerde<>(client, AvroDeserializer.generic(client));
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        if (client == null) {
            client = SchemaRegistryClients.fromConfig(configs);
            ownsClient = true;
        }
        serializer.useClient(client);
        deserializer.useClient(client);
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public Serializer<T> serializer() {
        return serializer;
    }

    @Override
    public Deserializer<T> deserializer() {
        return deserializer;
    }

    @Override
    public void close() {
        serializer.close();
        deserializer.close();
        if (ownsClient) {
            client.close();
        }
    }
}
