package io.k8sm.serde;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8sm.sandbox.apicurio.ApicurioRegistryProcess;
import io.k8sm.sandbox.apicurio.ApicurioTestSupport;
import io.k8sm.schemaregistry.CompatibilityLevel;
import io.k8sm.schemaregistry.IncompatibleSchemaException;
import io.k8sm.schemaregistry.RegistryClientConfig;
import io.k8sm.schemaregistry.RestSchemaRegistryClient;
import io.k8sm.schemaregistry.SchemaRegistryClient;
import io.k8sm.schemaregistry.SchemaVersion;
import io.k8sm.serde.test.Sample;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Our registry client and serde against Apicurio Registry 2.4.2's Confluent-compatible API: an
 * implementation of the API that we did not write. Apicurio runs as a separate process (see {@code
 * tools/apicurio-registry}); without its runner this test fails on CI and is skipped elsewhere,
 * with the command that builds it.
 *
 * <p>Facts about the registry are checked with plain HTTP against Apicurio, not through the client
 * under test, so that the client cannot agree with itself.
 */
class ApicurioInteropTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Schema PERSON_V1 = SchemaBuilder.record("Person")
            .namespace("io.k8sm.interop")
            .fields()
            .requiredString("name")
            .requiredInt("age")
            .endRecord();

    private static ApicurioRegistryProcess apicurio;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startApicurio() {
        // A missing runner is reported per test (skipped with the build hint, or failed on CI) in
        // requireApicurio(): an abort here would hide the whole class from the test report.
        if (ApicurioRegistryProcess.locateRunner().isPresent()) {
            apicurio = ApicurioRegistryProcess.start();
        }
    }

    @BeforeEach
    void requireApicurio() {
        ApicurioTestSupport.runnerOrSkip();
    }

    @AfterAll
    static void stopApicurio() {
        if (apicurio != null) {
            apicurio.close();
        }
    }

    /** A new client each time: its caches must not answer for the registry. */
    private static RestSchemaRegistryClient client() {
        return new RestSchemaRegistryClient(RegistryClientConfig.of(apicurio.confluentUrl()));
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> answer = HTTP.send(
                HttpRequest.newBuilder(URI.create(apicurio.confluentUrl() + path))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), () -> "GET " + path + " -> " + answer.body());
        return JSON.readTree(answer.body());
    }

    @Test
    void aSchemaRegisteredThroughOurClientComesBackByIdFromApicurio() throws Exception {
        String subject = "register-value";
        int id;
        try (SchemaRegistryClient registering = client()) {
            id = registering.register(subject, PERSON_V1);
        }

        // Apicurio itself says the subject's version 1 is that schema under that id
        JsonNode v1 = get("/subjects/" + subject + "/versions/1");
        assertEquals(id, v1.get("id").asInt());
        assertEquals(PERSON_V1, new Schema.Parser().parse(v1.get("schema").asText()));

        try (SchemaRegistryClient fresh = client()) {
            assertEquals(PERSON_V1, fresh.getById(id));
            assertEquals(id, fresh.lookupId(subject, PERSON_V1));
            SchemaVersion latest = fresh.latest(subject);
            assertEquals(new SchemaVersion(subject, 1, id, PERSON_V1), latest);
            assertTrue(
                    fresh.subjects().contains(subject), () -> fresh.subjects().toString());
            // registering again is idempotent: same id, no new version
            assertEquals(id, fresh.register(subject, PERSON_V1));
            assertEquals(1, get("/subjects/" + subject + "/versions").size());
        }
    }

    @Test
    void apicurioRefusesAnIncompatibleSchemaUnderBackwardAndOurClientSaysSo() throws Exception {
        String subject = "backward-value";
        // a new required field without a default: a v2 reader cannot read v1 data
        Schema incompatible = SchemaBuilder.record("Person")
                .namespace("io.k8sm.interop")
                .fields()
                .requiredString("name")
                .requiredInt("age")
                .requiredString("email")
                .endRecord();
        Schema compatible = SchemaBuilder.record("Person")
                .namespace("io.k8sm.interop")
                .fields()
                .requiredString("name")
                .requiredInt("age")
                .name("email")
                .type()
                .stringType()
                .stringDefault("unknown")
                .endRecord();

        try (SchemaRegistryClient client = client()) {
            int v1 = client.register(subject, PERSON_V1);
            client.setCompatibility(subject, CompatibilityLevel.BACKWARD);
            assertEquals(
                    "BACKWARD",
                    get("/config/" + subject).get("compatibilityLevel").asText());

            assertFalse(client.isCompatible(subject, SchemaRegistryClient.LATEST, incompatible));
            IncompatibleSchemaException refused =
                    assertThrows(IncompatibleSchemaException.class, () -> client.register(subject, incompatible));
            assertEquals(409, refused.httpStatus(), refused::getMessage);
            assertEquals(
                    1,
                    get("/subjects/" + subject + "/versions").size(),
                    "the refused schema must not have become a version");

            assertTrue(client.isCompatible(subject, SchemaRegistryClient.LATEST, compatible));
            int v2 = client.register(subject, compatible);
            assertTrue(v2 != v1, "a new schema gets a new id");
            assertEquals(2, client.latest(subject).version());
        }
    }

    @Test
    void theSameSchemaUnderTwoSubjectsIsOneIdAndAnUnknownIdIsNotFound() {
        try (SchemaRegistryClient client = client()) {
            Schema other = SchemaBuilder.record("Shared")
                    .namespace("io.k8sm.interop")
                    .fields()
                    .requiredLong("n")
                    .endRecord();
            int a = client.register("shared-a-value", other);
            int b = client.register("shared-b-value", other);
            assertEquals(a, b, "Apicurio (like Confluent) gives identical schemas one global id");
            assertThrows(io.k8sm.schemaregistry.SchemaNotFoundException.class, () -> client.getById(Integer.MAX_VALUE));
        }
    }

    // --------------------------------------------------------------------------------------------
    // the serde

    private static Map<String, Object> serdeConfig() {
        return Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL, apicurio.confluentUrl());
    }

    private static <T> AvroSerializer<T> serializer() {
        AvroSerializer<T> serializer = new AvroSerializer<>();
        serializer.configure(serdeConfig(), false);
        return serializer;
    }

    /** The Avro binary body as Avro itself writes it, without any of our code. */
    private static byte[] avroBody(GenericRecord record) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static GenericRecord person(String name, int age) {
        GenericRecord r = new GenericData.Record(PERSON_V1);
        r.put("name", name);
        r.put("age", age);
        return r;
    }

    @Test
    void ourSerializerAutoRegistersAtApicurioWritesTheConfluentWireFormatAndReadsBack() throws Exception {
        String topic = "people";
        GenericRecord alice = person("alice", 42);
        byte[] bytes;
        try (AvroSerializer<GenericRecord> serializer = serializer()) {
            bytes = serializer.serialize(topic, alice);
        }

        // Apicurio now has the subject, and its id is the one in the record's header
        JsonNode latest = get("/subjects/" + topic + "-value/versions/latest");
        int apicurioId = latest.get("id").asInt();
        assertEquals(PERSON_V1, new Schema.Parser().parse(latest.get("schema").asText()));
        byte[] body = avroBody(alice);
        ByteBuffer expected = ByteBuffer.allocate(5 + body.length)
                .put((byte) 0) // magic byte
                .putInt(apicurioId) // big-endian schema id
                .put(body); // the Avro binary encoding
        assertArrayEquals(
                expected.array(),
                bytes,
                () -> "wire bytes "
                        + HexFormat.of().formatHex(bytes)
                        + " vs expected "
                        + HexFormat.of().formatHex(expected.array()));

        try (AvroDeserializer<GenericRecord> deserializer = new AvroDeserializer<>()) {
            deserializer.configure(serdeConfig(), false);
            assertEquals(alice, deserializer.deserialize(topic, bytes));
            // bytes we did not write ourselves, for an id Apicurio handed out, read the same way
            GenericRecord bob = person("bob", 7);
            byte[] handMade = ByteBuffer.allocate(5 + avroBody(bob).length)
                    .put((byte) 0)
                    .putInt(apicurioId)
                    .put(avroBody(bob))
                    .array();
            assertEquals(bob, deserializer.deserialize(topic, handMade));
        }
    }

    @Test
    void oldBytesAreReadByTheEvolvedReaderAndAnIncompatibleWriterIsRefused() throws Exception {
        String topic = "samples";
        String subject = topic + "-value";
        Schema sampleV1 = new Schema.Parser().parse("""
        {"type":"record","name":"Sample","namespace":"io.k8sm.serde.test","fields":[
          {"name":"name","type":"string"},
          {"name":"count","type":"int"}]}""");
        GenericRecord oldRecord = new GenericData.Record(sampleV1);
        oldRecord.put("name", "old");
        oldRecord.put("count", 3);

        byte[] oldBytes;
        byte[] newBytes;
        Sample newRecord =
                Sample.newBuilder().setName("new").setCount(4).setZone("eu-1").build();
        try (AvroSerializer<Object> serializer = serializer();
                SchemaRegistryClient client = client()) {
            oldBytes = serializer.serialize(topic, oldRecord);
            client.setCompatibility(subject, CompatibilityLevel.BACKWARD);
            // version 2 adds "zone" with a default: BACKWARD-compatible, so auto-registration works
            newBytes = serializer.serialize(topic, newRecord);
            assertEquals(2, get("/subjects/" + subject + "/versions").size());
            int oldId = ByteBuffer.wrap(oldBytes, 1, 4).getInt();
            int newId = ByteBuffer.wrap(newBytes, 1, 4).getInt();
            assertTrue(oldId != newId, "the evolved schema has its own id");
            assertEquals(get("/subjects/" + subject + "/versions/2").get("id").asInt(), newId);

            // a version 3 with a new field and no default cannot read version 2 data: Apicurio refuses
            // it (BACKWARD) and the serializer surfaces that as our incompatible-schema exception, not a
            // generic failure
            Schema sampleV3 = SchemaBuilder.record("Sample")
                    .namespace("io.k8sm.serde.test")
                    .fields()
                    .requiredString("name")
                    .requiredInt("count")
                    .requiredString("zone")
                    .requiredString("rack")
                    .endRecord();
            GenericRecord v3 = new GenericData.Record(sampleV3);
            v3.put("name", "x");
            v3.put("count", 1);
            v3.put("zone", "z");
            v3.put("rack", "r");
            IncompatibleSchemaException refused =
                    assertThrows(IncompatibleSchemaException.class, () -> serializer.serialize(topic, v3));
            assertEquals(409, refused.httpStatus(), refused::getMessage);
            assertTrue(refused.getMessage().contains(topic), refused::getMessage);
            assertEquals(2, get("/subjects/" + subject + "/versions").size());
        }

        // the evolved reader (the generated class of version 2) reads version 1 bytes, "zone" from
        // its default; writer schemas are fetched from Apicurio by the ids in the bytes
        try (AvroDeserializer<Sample> reader = AvroDeserializer.specific(Sample.class, client())) {
            assertEquals(
                    Sample.newBuilder()
                            .setName("old")
                            .setCount(3)
                            .setZone("unknown")
                            .build(),
                    reader.deserialize(topic, oldBytes));
            assertEquals(newRecord, reader.deserialize(topic, newBytes));
        }
    }
}
