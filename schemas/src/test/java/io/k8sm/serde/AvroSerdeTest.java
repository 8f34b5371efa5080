package io.k8sm.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.errors.SerdeException;
import io.k8sm.schemaregistry.CompatibilityLevel;
import io.k8sm.schemaregistry.InMemorySchemaRegistryClient;
import io.k8sm.schemaregistry.RegistryUnreachableException;
import io.k8sm.schemaregistry.SchemaRegistryClient;
import io.k8sm.schemaregistry.SchemaVersion;
import io.k8sm.serde.test.Sample;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.util.Utf8;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {
    private static final String TOPIC = "k8sm.pods";

    /** Golden: five fields of the common Avro kinds, one of them a union. */
    private static final Schema GOLDEN = new Schema.Parser().parse("""
            {"type":"record","name":"Golden","namespace":"io.k8sm.test","fields":[
              {"name":"name","type":"string"},
              {"name":"count","type":"int"},
              {"name":"when","type":"long"},
              {"name":"ok","type":"boolean"},
              {"name":"note","type":["null","string"]}]}""");

    /** Sample version 1: the same full name as the generated class, without zone. */
    private static final Schema SAMPLE_V1 = new Schema.Parser().parse("""
            {"type":"record","name":"Sample","namespace":"io.k8sm.serde.test","fields":[
              {"name":"name","type":"string"},
              {"name":"count","type":"int"}]}""");

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    @AfterEach
    void dropMockScope() {
        InMemorySchemaRegistryClient.dropScope("serde-test");
    }

    /** A registry that knows one schema under one fixed id. */
    private static SchemaRegistryClient fixedId(int id, Schema schema) {
        return new SchemaRegistryClient() {
            public int register(String subject, Schema s) {
                return id;
            }

            public Schema getById(int i) {
                return schema;
            }

            public int lookupId(String subject, Schema s) {
                return id;
            }

            public SchemaVersion getVersion(String subject, String version) {
                return new SchemaVersion(subject, 1, id, schema);
            }

            public List<String> subjects() {
                return List.of();
            }

            public void setCompatibility(String subject, CompatibilityLevel level) {}

            public boolean isCompatible(String subject, String version, Schema s) {
                return true;
            }
        };
    }

    private static GenericRecord golden() {
        GenericRecord r = new GenericData.Record(GOLDEN);
        r.put("name", "pod-a");
        r.put("count", -3);
        r.put("when", 300L);
        r.put("ok", true);
        r.put("note", "x");
        return r;
    }

    // Worked by hand from the Avro spec and the Confluent wire format:
    //   00            magic byte
    //   00 00 01 02   schema id 258, big-endian
    //   0a 706f642d61 "pod-a": length 5 zigzag -> 10 = 0x0a, then UTF-8
    //   05            int -3: zigzag (-3 << 1) ^ (-3 >> 31) = 5
    //   d8 04         long 300: zigzag 600 = 0b100_1011000 -> 0x58|0x80 = 0xd8, then 600 >> 7 = 4
    //   01            boolean true
    //   02 02 78      union branch 1 (zigzag 2), then "x": length 1 (zigzag 2), 0x78
    private static final String GOLDEN_HEX = "0000000102" + "0a706f642d61" + "05" + "d804" + "01" + "020278";

    @Test
    void goldenBytesForAFixedRecordAndSchemaId() {
        byte[] bytes = new AvroSerializer<GenericRecord>(fixedId(258, GOLDEN)).serialize(TOPIC, golden());
        assertEquals(GOLDEN_HEX, HexFormat.of().formatHex(bytes));
    }

    @Test
    void goldenBytesDecodeToTheRecord() {
        GenericRecord r = AvroDeserializer.<GenericRecord>generic(fixedId(258, GOLDEN))
                .deserialize(TOPIC, HexFormat.of().parseHex(GOLDEN_HEX));
        assertEquals(new Utf8("pod-a"), r.get("name"));
        assertEquals(-3, r.get("count"));
        assertEquals(300L, r.get("when"));
        assertEquals(true, r.get("ok"));
        assertEquals(new Utf8("x"), r.get("note"));
    }

    @Test
    void specificRecordRoundTrips() {
        Sample s = Sample.newBuilder().setName("a").setCount(2).setZone("eu-1").build();
        AvroSerde<Sample> serde = AvroSerde.specific(Sample.class, registry);
        byte[] bytes = serde.serializer().serialize(TOPIC, s);
        assertEquals(s, serde.deserializer().deserialize(TOPIC, bytes));
        assertEquals(List.of(TOPIC + "-value"), registry.subjects());
    }

    @Test
    void genericRecordRoundTripsWithTheWritersSchema() {
        AvroSerde<GenericRecord> serde = AvroSerde.generic(registry);
        GenericRecord back =
                serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, golden()));
        assertEquals(GOLDEN, back.getSchema());
        assertEquals(golden().toString(), back.toString());
    }

    @Test
    void oldWriterNewReaderFillsTheNewFieldsDefault() {
        GenericRecord old = new GenericData.Record(SAMPLE_V1);
        old.put("name", "b");
        old.put("count", 7);
        byte[] bytes = new AvroSerializer<GenericRecord>(registry).serialize(TOPIC, old);
        Sample read = AvroDeserializer.specific(Sample.class, registry).deserialize(TOPIC, bytes);
        assertEquals(
                Sample.newBuilder().setName("b").setCount(7).setZone("unknown").build(), read);
    }

    @Test
    void nullIsATombstoneBothWays() {
        AvroSerde<Sample> serde = AvroSerde.specific(Sample.class, registry);
        assertNull(serde.serializer().serialize(TOPIC, null));
        assertNull(serde.deserializer().deserialize(TOPIC, null));
    }

    @Test
    void noRegistryCallOnceTheSchemaIsCached() {
        AvroSerde<Sample> serde = AvroSerde.specific(Sample.class, registry);
        Sample s = Sample.newBuilder().setName("a").setCount(1).build();
        serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, s));
        int calls = registry.calls();
        for (int i = 0; i < 50; i++) {
            serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, s));
        }
        assertEquals(calls, registry.calls());
    }

    @Test
    void keysUseTheKeySubject() {
        AvroSerializer<Sample> keys = new AvroSerializer<>(registry, true, true, false);
        keys.serialize(TOPIC, Sample.newBuilder().setName("a").setCount(1).build());
        assertEquals(List.of(TOPIC + "-key"), registry.subjects());
    }

    @Test
    void withoutAutoRegisterAnUnregisteredSchemaIsReportedWithTopicAndSubject() {
        AvroSerializer<Sample> s = new AvroSerializer<>(registry, false, false, false);
        SchemaNotRegisteredException e = assertThrows(
                SchemaNotRegisteredException.class,
                () -> s.serialize(
                        TOPIC, Sample.newBuilder().setName("a").setCount(1).build()));
        assertEquals(TOPIC, e.topic().orElseThrow());
        assertTrue(e.getMessage().contains(TOPIC + "-value"), e.getMessage());
    }

    @Test
    void withoutAutoRegisterARegisteredSchemaIsLookedUp() {
        int id = registry.register(TOPIC + "-value", Sample.getClassSchema());
        byte[] bytes = new AvroSerializer<Sample>(registry, false, false, false)
                .serialize(TOPIC, Sample.newBuilder().setName("a").setCount(1).build());
        assertEquals(id, bytes[4]);
    }

    @Test
    void useLatestVersionWritesWithTheLatestSchemaAndItsId() {
        registry.register(TOPIC + "-value", SAMPLE_V1);
        int latest = registry.register(TOPIC + "-value", Sample.getClassSchema());
        GenericRecord old = new GenericData.Record(SAMPLE_V1);
        old.put("name", "c");
        old.put("count", 3);
        byte[] bytes = new AvroSerializer<GenericRecord>(registry, false, false, true).serialize(TOPIC, old);
        assertEquals(latest, bytes[4]);
        GenericRecord back = AvroDeserializer.<GenericRecord>generic(registry).deserialize(TOPIC, bytes);
        assertEquals(Sample.getClassSchema(), back.getSchema());
        assertEquals("unknown", back.get("zone").toString());
    }

    @Test
    void configuredThroughConfluentKeysWithTheSharedMockRegistry() {
        AvroSerde<Sample> serde = AvroSerde.specific(
                Sample.class, Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "mock://serde-test"), false);
        Sample s = Sample.newBuilder().setName("a").setCount(1).build();
        assertEquals(
                s, serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, s)));
        assertEquals(
                List.of(TOPIC + "-value"),
                InMemorySchemaRegistryClient.scope("serde-test").subjects());
    }

    @Test
    void specificAvroReaderDecodesToTheGeneratedClassNamedByTheWriter() {
        AvroSerde<Object> serde = new AvroSerde<>();
        serde.configure(
                Map.of(
                        AvroSerdeConfig.SCHEMA_REGISTRY_URL,
                        "mock://serde-test",
                        AvroSerdeConfig.SPECIFIC_AVRO_READER,
                        "true"),
                false);
        Sample s = Sample.newBuilder().setName("a").setCount(1).build();
        assertEquals(
                s, serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, s)));
    }

    // ------------------------------------------------------------ failures, each naming the topic

    @Test
    void unknownMagicByteIsReportedWithTopic() {
        UnknownMagicByteException e = assertThrows(
                UnknownMagicByteException.class,
                () -> AvroDeserializer.specific(Sample.class, registry)
                        .deserialize(TOPIC, new byte[] {7, 0, 0, 0, 1, 2}));
        assertEquals(7, e.magicByte());
        assertEquals(TOPIC, e.topic().orElseThrow());
        assertEquals(false, e.isKey().orElseThrow());
        assertTrue(
                e.getMessage().contains("value of topic '" + TOPIC + "'")
                        && e.getMessage().contains("0x07"),
                e.getMessage());
    }

    @Test
    void recordShorterThanTheHeaderIsCorruptAndNamesTopicAndKeySide() {
        CorruptRecordException e = assertThrows(
                CorruptRecordException.class,
                () -> AvroDeserializer.specific(Sample.class, registry)
                        .forKeys(true)
                        .deserialize(TOPIC, new byte[] {0, 0, 1}));
        assertTrue(e.getMessage().startsWith("key of topic '" + TOPIC + "'"), e.getMessage());
        assertTrue(e.getMessage().contains("3 byte(s)"), e.getMessage());
    }

    @Test
    void undecodableBodyIsCorruptAndNamesTheSchemaId() {
        int id = registry.register(TOPIC + "-value", Sample.getClassSchema());
        // a string length of -1 (zigzag 0x01) cannot be decoded
        byte[] bytes = {0, 0, 0, 0, (byte) id, 0x01, 0x61};
        CorruptRecordException e = assertThrows(
                CorruptRecordException.class,
                () -> AvroDeserializer.specific(Sample.class, registry).deserialize(TOPIC, bytes));
        assertEquals(id, e.schemaId().getAsInt());
        assertTrue(e.getMessage().contains("schema id " + id) && e.getMessage().contains(TOPIC), e.getMessage());
    }

    @Test
    void truncatedBodyIsCorrupt() {
        AvroSerializer<Sample> ser = new AvroSerializer<>(registry);
        byte[] good = ser.serialize(
                TOPIC, Sample.newBuilder().setName("abcdef").setCount(1).build());
        byte[] truncated = java.util.Arrays.copyOf(good, 8);
        assertThrows(
                CorruptRecordException.class,
                () -> AvroDeserializer.specific(Sample.class, registry).deserialize(TOPIC, truncated));
    }

    @Test
    void trailingBytesAfterTheBodyAreCorrupt() {
        byte[] good = new AvroSerializer<Sample>(registry)
                .serialize(TOPIC, Sample.newBuilder().setName("a").setCount(1).build());
        byte[] longer = java.util.Arrays.copyOf(good, good.length + 2);
        CorruptRecordException e = assertThrows(
                CorruptRecordException.class,
                () -> AvroDeserializer.specific(Sample.class, registry).deserialize(TOPIC, longer));
        assertTrue(e.getMessage().contains("trailing bytes"), e.getMessage());
    }

    @Test
    void unknownSchemaIdIsReportedWithTopicAndId() {
        UnknownSchemaIdException e = assertThrows(
                UnknownSchemaIdException.class,
                () -> AvroDeserializer.specific(Sample.class, registry)
                        .deserialize(TOPIC, new byte[] {0, 0, 0, 0x30, 0x39, 2, 0x61, 2}));
        assertEquals(12345, e.schemaId().getAsInt());
        assertTrue(e.getMessage().contains(TOPIC) && e.getMessage().contains("12345"), e.getMessage());
    }

    @Test
    void writerSchemaTheReaderCannotReadIsASchemaMismatch() {
        Schema other = new Schema.Parser().parse("""
                {"type":"record","name":"Sample","namespace":"io.k8sm.serde.test","fields":[
                  {"name":"name","type":"int"}]}""");
        GenericRecord r = new GenericData.Record(other);
        r.put("name", 5);
        byte[] bytes = new AvroSerializer<GenericRecord>(registry).serialize("elsewhere", r);
        SchemaMismatchException e = assertThrows(
                SchemaMismatchException.class,
                () -> AvroDeserializer.specific(Sample.class, registry).deserialize(TOPIC, bytes));
        assertTrue(e.getMessage().contains(Sample.class.getName()), e.getMessage());
    }

    @Test
    void registryUnreachableNamesTheTopicAndSchemaId() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        AvroDeserializer<Sample> d = AvroDeserializer.specific(Sample.class);
        d.configure(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, "http://127.0.0.1:" + port, "max.retries", 0), false);
        RegistryUnreachableException e = assertThrows(
                RegistryUnreachableException.class, () -> d.deserialize(TOPIC, new byte[] {0, 0, 0, 0, 9, 2, 0x61, 2}));
        assertEquals(TOPIC, e.topic().orElseThrow());
        assertEquals(9, e.schemaId().getAsInt());
        assertTrue(e.getMessage().startsWith("value of topic '" + TOPIC + "' (schema id 9)"), e.getMessage());
    }

    @Test
    void coordinatesAreAddedToTheMessageWhenKnown() {
        UnknownMagicByteException e = new UnknownMagicByteException(TOPIC, false, (byte) 1);
        e.at(3, 42L);
        assertTrue(e.getMessage().startsWith("value of topic '" + TOPIC + "' partition 3 offset 42"), e.getMessage());
        RuntimeException wrapped = SerdeException.atCoordinates(new IllegalStateException("boom"), TOPIC, 1, 2L);
        assertInstanceOf(org.apache.kafka.common.errors.SerializationException.class, wrapped);
        assertTrue(wrapped.getMessage().contains(TOPIC + "/1@2"), wrapped.getMessage());
    }

    @Test
    void serializingTheSameRecordTwiceGivesTheSameBytes() {
        AvroSerializer<Sample> s = new AvroSerializer<>(registry);
        Sample a = Sample.newBuilder().setName("a").setCount(1).build();
        assertArrayEquals(s.serialize(TOPIC, a), s.serialize(TOPIC, a));
    }
}
