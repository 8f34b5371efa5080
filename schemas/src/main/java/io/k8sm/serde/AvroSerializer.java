package io.k8sm.serde;

import io.k8sm.errors.SerdeException;
import io.k8sm.schemaregistry.RegistryClientConfig;
import io.k8sm.schemaregistry.SchemaNotFoundException;
import io.k8sm.schemaregistry.SchemaRegistryClient;
import io.k8sm.schemaregistry.SchemaRegistryClients;
import io.k8sm.schemaregistry.SchemaVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericContainer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes Avro records (generated {@link SpecificRecord}s or {@link
 * org.apache.avro.generic.GenericRecord}s) in the Confluent wire format: magic byte 0, the 4-byte
 * big-endian schema id, the Avro binary body.
 *
 * <p>The schema id comes from the subject {@code <topic>-key} / {@code <topic>-value}: registered
 * ({@code auto.register.schemas=true}, the default), the subject's latest version ({@code
 * use.latest.version=true}; a record whose schema differs is converted by field name), or looked up
 * ({@link SchemaNotRegisteredException} when absent). The id is cached per topic and schema: after
 * the first record of a schema there is no registry call. {@code null} is written as {@code null}
 * (a tombstone).
 */
public class AvroSerializer<T> implements Serializer<T> {
    private static final ThreadLocal<BinaryEncoder> ENCODER = new ThreadLocal<>();

    private record TopicSchema(String topic, Schema schema) {}

    /**
     * How one topic writes one record schema: the id, the schema written, and whether records must be
     * converted to it first.
     */
    private record Plan(
            int id, Schema writerSchema, DatumWriter<Object> writer, Schema recordSchema, boolean convert) {}

    private volatile SchemaRegistryClient client;
    private boolean ownsClient;
    private boolean isKey;
    private boolean autoRegister = true;
    private boolean useLatest;
    private final Map<TopicSchema, Plan> plans = new ConcurrentHashMap<>();

    /**
     * For configuration by Kafka ({@link #configure}); the registry comes from {@code
     * schema.registry.url}.
     */
    public AvroSerializer() {}

    /** A serializer on a given registry client, registering schemas, for values. */
    public AvroSerializer(SchemaRegistryClient client) {
        this(client, false, true, false);
    }

    public AvroSerializer(SchemaRegistryClient client, boolean isKey, boolean autoRegister, boolean useLatest) {
        this.client = client;
        this.isKey = isKey;
        this.autoRegister = autoRegister;
        this.useLatest = useLatest;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.isKey = isKey;
        this.autoRegister = RegistryClientConfig.booleanValue(configs, AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, true);
        this.useLatest = RegistryClientConfig.booleanValue(configs, AvroSerdeConfig.USE_LATEST_VERSION, false);
        if (client == null) {
            client = SchemaRegistryClients.fromConfig(configs);
            ownsClient = true;
        }
    }

    void useClient(SchemaRegistryClient shared) {
        if (client == null) {
            client = shared;
        }
    }

    @Override
    public byte[] serialize(String topic, T data) {
        if (data == null) {
            return null;
        }
        if (!(data instanceof GenericContainer container)) {
            throw new SerializationFailure(
                    topic,
                    isKey,
                    null,
                    "AvroSerializer writes Avro records; got " + data.getClass().getName());
        }
        if (client == null) {
            throw new SerializationFailure(
                    topic,
                    isKey,
                    null,
                    "serializer not configured: give it a SchemaRegistryClient or configure schema.registry.url");
        }
        Plan plan = plans.computeIfAbsent(
                new TopicSchema(topic, container.getSchema()), k -> plan(topic, k.schema(), data));
        Object toWrite = plan.convert() ? convert(topic, plan, data) : data;
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        int id = plan.id();
        out.write(AvroSerdeConfig.MAGIC_BYTE);
        out.write(id >>> 24);
        out.write(id >>> 16);
        out.write(id >>> 8);
        out.write(id);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, ENCODER.get());
            ENCODER.set(encoder);
            plan.writer().write(toWrite, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SerializationFailure(
                    topic,
                    isKey,
                    id,
                    "cannot encode " + container.getSchema().getFullName() + " with schema id " + id + ": " + e,
                    e);
        }
        return out.toByteArray();
    }

    private Plan plan(String topic, Schema schema, Object sample) {
        String subject = SchemaRegistryClient.subjectFor(topic, isKey);
        try {
            if (useLatest) {
                SchemaVersion latest = client.latest(subject);
                boolean convert = !latest.schema().equals(schema);
                if (convert) {
                    var result = SchemaCompatibility.checkReaderWriterCompatibility(latest.schema(), schema);
                    if (result.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
                        throw new SchemaMismatchException(
                                topic,
                                isKey,
                                latest.id(),
                                "use.latest.version: the record's schema "
                                        + schema.getFullName()
                                        + " cannot be written as version "
                                        + latest.version()
                                        + " of subject '"
                                        + subject
                                        + "': "
                                        + result.getDescription());
                    }
                }
                return new Plan(
                        latest.id(),
                        latest.schema(),
                        writerFor(latest.schema(), convert ? null : sample),
                        schema,
                        convert);
            }
            int id;
            if (autoRegister) {
                id = client.register(subject, schema);
            } else {
                try {
                    id = client.lookupId(subject, schema);
                } catch (SchemaNotFoundException e) {
                    throw new SchemaNotRegisteredException(topic, isKey, subject, e);
                }
            }
            return new Plan(id, schema, writerFor(schema, sample), schema, false);
        } catch (SerdeException e) {
            throw e.withRecordContext(topic, isKey, null);
        }
    }

    @SuppressWarnings("unchecked")
    private static DatumWriter<Object> writerFor(Schema schema, Object sample) {
        if (sample instanceof SpecificRecord) {
            return new SpecificDatumWriter<>(schema, SpecificData.getForClass(sample.getClass()));
        }
        return (DatumWriter<Object>) (DatumWriter<?>) new GenericDatumWriter<>(schema, GenericData.get());
    }

    /** Re-reads the record (by field name, defaults filled in) as the subject's latest schema. */
    private Object convert(String topic, Plan plan, T data) {
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream(128);
            BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(buf, null);
            writerFor(plan.recordSchema(), data).write(data, enc);
            enc.flush();
            return new GenericDatumReader<>(plan.recordSchema(), plan.writerSchema(), GenericData.get())
                    .read(null, DecoderFactory.get().binaryDecoder(buf.toByteArray(), null));
        } catch (IOException | RuntimeException e) {
            throw new SchemaMismatchException(
                    topic,
                    isKey,
                    plan.id(),
                    "cannot convert " + plan.recordSchema().getFullName() + " to the subject's latest schema: " + e);
        }
    }

    @Override
    public void close() {
        if (ownsClient && client != null) {
            client.close();
        }
    }

    /** Encoding failed: the record does not match its own schema, or is not an Avro record. */
    public static final class SerializationFailure extends SerdeException {
        private static final long serialVersionUID = 1L;

        SerializationFailure(String topic, boolean isKey, Integer schemaId, String detail) {
            super(topic, isKey, schemaId, detail, null);
        }

        SerializationFailure(String topic, boolean isKey, Integer schemaId, String detail, Throwable cause) {
            super(topic, isKey, schemaId, detail, cause);
        }
    }
}
