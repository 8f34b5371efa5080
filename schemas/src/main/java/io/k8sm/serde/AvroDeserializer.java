package io.k8sm.serde;

import io.k8sm.errors.SerdeException;
import io.k8sm.schemaregistry.RegistryClientConfig;
import io.k8sm.schemaregistry.SchemaNotFoundException;
import io.k8sm.schemaregistry.SchemaRegistryClient;
import io.k8sm.schemaregistry.SchemaRegistryClients;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads the Confluent wire format. The writer schema comes from the registry by the id in bytes 1-4
 * (cached: one registry call per id for the deserializer's life) and is resolved against the reader
 * schema: the target class's schema ({@link #specific}), or the writer schema itself ({@link
 * #generic}, for tools that print what was written).
 *
 * <p>Failures are distinct {@link SerdeException}s naming the topic, key or value, and the schema
 * id: {@link CorruptRecordException} (too short, undecodable body, trailing bytes), {@link
 * UnknownMagicByteException}, {@link UnknownSchemaIdException}, {@link SchemaMismatchException}
 * (writer not readable as reader) and the registry's own errors such as {@link
 * io.k8sm.schemaregistry.RegistryUnreachableException}, which are {@linkplain
 * SerdeException#isTransient() transient}. {@code null} reads as {@code null}. Allocations are
 * bounded by {@link AvroLimits}: a body declaring a huge string, bytes or collection is corrupt.
 */
public class AvroDeserializer<T> implements Deserializer<T> {
    private static final ThreadLocal<BinaryDecoder> DECODER = new ThreadLocal<>();

    static {
        AvroLimits.apply();
    }

    private volatile SchemaRegistryClient client;
    private boolean ownsClient;
    private boolean isKey;
    private final Class<T> targetClass;
    private boolean specificByName;
    private final Map<Integer, DatumReader<T>> readers = new ConcurrentHashMap<>();

    /**
     * For configuration by Kafka: decodes to GenericRecord, or to generated classes with {@code
     * specific.avro.reader=true}.
     */
    public AvroDeserializer() {
        this(null, null);
    }

    private AvroDeserializer(SchemaRegistryClient client, Class<T> targetClass) {
        this.client = client;
        this.targetClass = targetClass;
    }

    /**
     * Decodes to the generated class {@code type}, resolving the writer schema to the class's schema.
     */
    public static <T extends SpecificRecord> AvroDeserializer<T> specific(Class<T> type, SchemaRegistryClient client) {
        return new AvroDeserializer<>(client, Objects.requireNonNull(type, "type"));
    }

    /** Decodes to the generated class {@code type}; the registry comes from {@link #configure}. */
    public static <T extends SpecificRecord> AvroDeserializer<T> specific(Class<T> type) {
        return new AvroDeserializer<>(null, Objects.requireNonNull(type, "type"));
    }

    /**
     * Decodes to {@link org.apache.avro.generic.GenericRecord} (or other generic data) with the
     * writer's schema.
     */
    public static <T> AvroDeserializer<T> generic(SchemaRegistryClient client) {
        return new AvroDeserializer<>(client, null);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        this.specificByName = RegistryClientConfig.booleanValue(configs, AvroSerdeConfig.SPECIFIC_AVRO_READER, false);
        if (client == null) {
            client = SchemaRegistryClients.fromConfig(configs);
            ownsClient = true;
        }
    }

    /** Sets key or value side for a deserializer built with a client and not configured by Kafka. */
    public AvroDeserializer<T> forKeys(boolean isKey) {
        this.isKey = isKey;
        return this;
    }

    void useClient(SchemaRegistryClient shared) {
        if (client == null) {
            client = shared;
        }
    }

    @Override
    public T deserialize(String topic, Headers headers, byte[] data) {
        return deserialize(topic, data);
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        if (data.length < AvroSerdeConfig.HEADER_SIZE) {
            throw new CorruptRecordException(
                    topic,
                    isKey,
                    null,
                    "record is "
                            + data.length
                            + " byte(s) long; the Confluent wire format needs at least 5 (magic byte and 4-byte schema id)",
                    null);
        }
        if (data[0] != AvroSerdeConfig.MAGIC_BYTE) {
            throw new UnknownMagicByteException(topic, isKey, data[0]);
        }
        int id = ((data[1] & 0xff) << 24) | ((data[2] & 0xff) << 16) | ((data[3] & 0xff) << 8) | (data[4] & 0xff);
        DatumReader<T> reader = readers.get(id);
        if (reader == null) {
            reader = readerFor(topic, id);
            readers.put(id, reader);
        }
        try {
            BinaryDecoder decoder = DecoderFactory.get()
                    .binaryDecoder(
                            data,
                            AvroSerdeConfig.HEADER_SIZE,
                            data.length - AvroSerdeConfig.HEADER_SIZE,
                            DECODER.get());
            DECODER.set(decoder);
            T value = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new CorruptRecordException(
                        topic,
                        isKey,
                        id,
                        "trailing bytes after the Avro body decoded with schema id "
                                + id
                                + " (wrong schema id, or bytes appended)",
                        null);
            }
            return value;
        } catch (CorruptRecordException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CorruptRecordException(
                    topic,
                    isKey,
                    id,
                    "Avro body ("
                            + (data.length - AvroSerdeConfig.HEADER_SIZE)
                            + " bytes) cannot be decoded with writer schema id "
                            + id
                            + ": "
                            + e,
                    e);
        }
    }

    private DatumReader<T> readerFor(String topic, int id) {
        if (client == null) {
            throw new CorruptRecordException(
                    topic,
                    isKey,
                    id,
                    "deserializer not configured: give it a SchemaRegistryClient or configure schema.registry.url",
                    null);
        }
        Schema writer;
        try {
            writer = client.getById(id);
        } catch (SchemaNotFoundException e) {
            throw new UnknownSchemaIdException(topic, isKey, id, e);
        } catch (SerdeException e) {
            throw e.withRecordContext(topic, isKey, id);
        }
        Class<?> type = targetClass;
        SpecificData model = null;
        if (type != null) {
            model = SpecificData.getForClass(type);
        } else if (specificByName) {
            type = SpecificData.get().getClass(writer);
            if (type != null) {
                model = SpecificData.getForClass(type);
            }
        }
        if (model == null) {
            return new GenericDatumReader<>(writer, writer, GenericData.get());
        }
        Schema reader = model.getSchema(type);
        var compatibility = SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
        if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
            throw new SchemaMismatchException(
                    topic,
                    isKey,
                    id,
                    "writer schema "
                            + writer.getFullName()
                            + " (id "
                            + id
                            + ") cannot be read as "
                            + type.getName()
                            + ": "
                            + compatibility.getDescription());
        }
        return new SpecificDatumReader<>(writer, reader, model);
    }

    @Override
    public void close() {
        if (ownsClient && client != null) {
            client.close();
        }
    }
}
