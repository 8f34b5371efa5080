package io.k8sm.sandbox.schemaregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.k8sm.sandbox.junit.KafkaWorld;
import io.k8sm.sandbox.junit.WithKafkaWorld;
import io.k8sm.sandbox.kafka.EmbeddedKafka;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The registry's REST API against a real broker. The class runs its own registry on its own topic
 * (the shared world's registry is left alone, because these tests change the global level).
 */
@WithKafkaWorld
class EmbeddedSchemaRegistryTest {

    static final String V1 = """
            {"type":"record","name":"Pod","namespace":"io.k8sm.test","fields":[
              {"name":"name","type":"string"}]}""";

    /** V1 plus a field with a default: BACKWARD and FORWARD compatible. */
    static final String V2 = """
            {"type":"record","name":"Pod","namespace":"io.k8sm.test","fields":[
              {"name":"name","type":"string"},
              {"name":"node","type":["null","string"],"default":null}]}""";

    /** V1 plus a field without a default: a new reader cannot read old data, so not BACKWARD. */
    static final String NO_DEFAULT = """
            {"type":"record","name":"Pod","namespace":"io.k8sm.test","fields":[
              {"name":"name","type":"string"},
              {"name":"uid","type":"string"}]}""";

    static final String OTHER = """
            {"type":"record","name":"Offer","namespace":"io.k8sm.test","fields":[{"name":"id","type":"string"}]}""";

    static String topic;
    static EmbeddedSchemaRegistry registry;
    static Http http;

    @BeforeAll
    static void start(KafkaWorld world) {
        topic = "_schemas-" + EmbeddedSchemaRegistryTest.class.getSimpleName();
        registry = EmbeddedSchemaRegistry.builder(world.bootstrapServers())
                .topic(topic)
                .start();
        http = new Http(registry.url());
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    static Map<String, String> schema(String text) {
        return Map.of("schema", text);
    }

    static int register(Http h, String subject, String text) {
        Http.Reply r = h.post("/subjects/" + subject + "/versions", schema(text));
        assertEquals(200, r.status(), () -> "registering under " + subject + ": " + r.body());
        return r.body().get("id").asInt();
    }

    @Test
    void theSameSchemaRegisteredTwiceGetsTheSameIdAndVersion() {
        int first = register(http, "same-twice-value", V1);
        // Written differently (whitespace, field order of the JSON object), the same schema.
        int again = register(
                http,
                "same-twice-value",
                "{ \"namespace\": \"io.k8sm.test\", \"name\": \"Pod\", \"type\": \"record\","
                        + " \"fields\": [ {\"type\": \"string\", \"name\": \"name\"} ] }");
        assertEquals(first, again);
        assertEquals(
                List.of(1), ints(http.get("/subjects/same-twice-value/versions").body()));
    }

    @Test
    void theSameSchemaUnderAnotherSubjectGetsTheSameId() {
        int a = register(http, "shared-a-value", OTHER);
        int b = register(http, "shared-b-value", OTHER);
        assertEquals(a, b);
        assertNotEquals(
                a,
                register(http, "shared-c-value", OTHER.replace("Offer", "Rescind")),
                "another schema gets another id");
    }

    @Test
    void aSchemaIsFetchedByIdAndAnUnknownIdAnswers40403() {
        int id = register(http, "by-id-value", V1);
        Http.Reply r = http.get("/schemas/ids/" + id);
        assertEquals(200, r.status());
        assertEquals(EmbeddedSchemaRegistry.CONTENT_TYPE, r.contentType());
        assertEquals(
                SchemaStore.canonical(SchemaStore.parse(V1)),
                r.body().get("schema").asText());

        Http.Reply missing = http.get("/schemas/ids/999999");
        assertEquals(404, missing.status());
        assertEquals(40403, missing.errorCode());
    }

    @Test
    void subjectsAndVersionsAreListedAndLatestIsTheNewest() {
        int v1 = register(http, "listed-value", V1);
        int v2 = register(http, "listed-value", V2);
        assertTrue(strings(http.get("/subjects").body()).contains("listed-value"));
        assertEquals(
                List.of(1, 2), ints(http.get("/subjects/listed-value/versions").body()));

        JsonNode one = http.get("/subjects/listed-value/versions/1").body();
        assertEquals("listed-value", one.get("subject").asText());
        assertEquals(1, one.get("version").asInt());
        assertEquals(v1, one.get("id").asInt());

        JsonNode latest = http.get("/subjects/listed-value/versions/latest").body();
        assertEquals(2, latest.get("version").asInt());
        assertEquals(v2, latest.get("id").asInt());
        assertEquals(
                SchemaStore.canonical(SchemaStore.parse(V2)),
                latest.get("schema").asText());
    }

    @Test
    void anUnknownSubjectAnswers40401AndAnUnknownVersion40402() {
        Http.Reply noSubject = http.get("/subjects/never-registered/versions");
        assertEquals(404, noSubject.status());
        assertEquals(40401, noSubject.errorCode());
        assertTrue(noSubject.body().get("message").asText().contains("never-registered"));

        register(http, "one-version-value", V1);
        Http.Reply noVersion = http.get("/subjects/one-version-value/versions/7");
        assertEquals(404, noVersion.status());
        assertEquals(40402, noVersion.errorCode());

        Http.Reply badVersion = http.get("/subjects/one-version-value/versions/zero");
        assertEquals(422, badVersion.status());
        assertEquals(42202, badVersion.errorCode());
    }

    @Test
    void lookupFindsTheSubjectIdVersionAndSchema() {
        register(http, "lookup-value", V1);
        int id2 = register(http, "lookup-value", V2);
        Http.Reply r = http.post("/subjects/lookup-value", schema(V2));
        assertEquals(200, r.status(), r.body()::toString);
        assertEquals("lookup-value", r.body().get("subject").asText());
        assertEquals(id2, r.body().get("id").asInt());
        assertEquals(2, r.body().get("version").asInt());
        assertEquals(
                SchemaStore.canonical(SchemaStore.parse(V2)),
                r.body().get("schema").asText());

        Http.Reply unknownSchema = http.post("/subjects/lookup-value", schema(OTHER));
        assertEquals(404, unknownSchema.status());
        assertEquals(40403, unknownSchema.errorCode());

        Http.Reply unknownSubject = http.post("/subjects/lookup-nobody", schema(V1));
        assertEquals(40401, unknownSubject.errorCode());
    }

    @Test
    void anInvalidSchemaAnswers42201() {
        Http.Reply r = http.post("/subjects/invalid-value/versions", schema("{\"type\":\"record\",\"name\":\"X\"}"));
        assertEquals(422, r.status());
        assertEquals(42201, r.errorCode());
        Http.Reply notJson = http.post("/subjects/invalid-value/versions", schema("not a schema"));
        assertEquals(42201, notJson.errorCode());
        assertEquals(40401, http.get("/subjects/invalid-value/versions").errorCode(), "nothing was registered");
    }

    @Test
    void anIncompatibleSchemaIsRefusedWith409UnderBackward() {
        register(http, "backward-value", V1);
        Http.Reply r = http.post("/subjects/backward-value/versions", schema(NO_DEFAULT));
        assertEquals(409, r.status(), r.body()::toString);
        assertEquals(409, r.errorCode());
        assertEquals(
                List.of(1), ints(http.get("/subjects/backward-value/versions").body()), "no version was added");
        // A compatible evolution is accepted.
        register(http, "backward-value", V2);
    }

    @Test
    void theCompatibilityEndpointAnswersIsCompatible() {
        register(http, "compat-value", V1);
        Http.Reply yes = http.post("/compatibility/subjects/compat-value/versions/latest", schema(V2));
        assertEquals(200, yes.status(), yes.body()::toString);
        assertTrue(yes.body().get("is_compatible").asBoolean());

        Http.Reply no = http.post("/compatibility/subjects/compat-value/versions/1?verbose=true", schema(NO_DEFAULT));
        assertFalse(no.body().get("is_compatible").asBoolean());
        assertFalse(no.body().get("messages").isEmpty(), "verbose names the incompatibility");

        assertEquals(
                40402,
                http.post("/compatibility/subjects/compat-value/versions/9", schema(V2))
                        .errorCode());
        assertEquals(
                40401,
                http.post("/compatibility/subjects/compat-nobody/versions/latest", schema(V2))
                        .errorCode());
    }

    @Test
    void theCompatibilityLevelDefaultsToBackwardAndCanBeSetPerSubject() {
        assertEquals(
                "BACKWARD", http.get("/config").body().get("compatibilityLevel").asText());

        Http.Reply none = http.get("/config/levels-value");
        assertEquals(40408, none.errorCode(), "no subject-level config yet");
        assertEquals(
                "BACKWARD",
                http.get("/config/levels-value?defaultToGlobal=true")
                        .body()
                        .get("compatibilityLevel")
                        .asText());

        Http.Reply set = http.put("/config/levels-value", Map.of("compatibility", "NONE"));
        assertEquals("NONE", set.body().get("compatibility").asText());
        assertEquals(
                "NONE",
                http.get("/config/levels-value")
                        .body()
                        .get("compatibilityLevel")
                        .asText());
        // Under NONE the schema BACKWARD refuses is accepted.
        register(http, "levels-value", V1);
        register(http, "levels-value", NO_DEFAULT);

        Http.Reply bad = http.put("/config/levels-value", Map.of("compatibility", "SIDEWAYS"));
        assertEquals(422, bad.status());
        assertEquals(42203, bad.errorCode());
    }

    @Test
    void theGlobalLevelAppliesToSubjectsWithoutTheirOwn(KafkaWorld world) {
        try (EmbeddedSchemaRegistry forward = EmbeddedSchemaRegistry.builder(world.bootstrapServers())
                .topic(topic + "-global")
                .start()) {
            Http h = new Http(forward.url());
            assertEquals(
                    "FORWARD",
                    h.put("/config", Map.of("compatibility", "forward"))
                            .body()
                            .get("compatibility")
                            .asText());
            assertEquals(
                    "FORWARD", h.get("/config").body().get("compatibilityLevel").asText());
            register(h, "global-value", NO_DEFAULT);
            // Dropping "uid": new readers are fine (BACKWARD), but old readers need it (not FORWARD).
            Http.Reply r = h.post("/subjects/global-value/versions", schema(V1));
            assertEquals(409, r.status(), r.body()::toString);
        }
    }

    @Test
    void jsonContentTypeIsAcceptedAndOthersAnswer415() {
        HttpRequest.Builder json = HttpRequest.newBuilder(URI.create(http.base() + "/subjects/ctype-value/versions"));
        assertEquals(
                200, http.send(json, "POST", schema(V1), "application/json").status());
        HttpRequest.Builder text = HttpRequest.newBuilder(URI.create(http.base() + "/subjects/ctype-value/versions"));
        Http.Reply r = http.send(text, "POST", schema(V1), "text/plain");
        assertEquals(415, r.status());
        assertEquals(415, r.errorCode());
    }

    @Test
    void basicAuthIsRequiredWhenConfigured(KafkaWorld world) {
        try (EmbeddedSchemaRegistry guarded = EmbeddedSchemaRegistry.builder(world.bootstrapServers())
                .topic(topic + "-auth")
                .basicAuth("k8sm", "s3cret")
                .start()) {
            Http.Reply anonymous = new Http(guarded.url()).get("/subjects");
            assertEquals(401, anonymous.status());
            assertEquals(401, anonymous.errorCode());
            assertEquals(
                    401, new Http(guarded.url(), "k8sm:wrong").get("/subjects").status());
            assertEquals(
                    200, new Http(guarded.url(), "k8sm:s3cret").get("/subjects").status());
        }
    }

    @Test
    void schemaIdsSurviveARegistryRestart(KafkaWorld world) {
        String restartTopic = topic + "-restart";
        int v1;
        int v2;
        int other;
        try (EmbeddedSchemaRegistry first = EmbeddedSchemaRegistry.builder(world.bootstrapServers())
                .topic(restartTopic)
                .start()) {
            Http h = new Http(first.url());
            v1 = register(h, "restart-value", V1);
            v2 = register(h, "restart-value", V2);
            other = register(h, "restart-other-value", OTHER);
            h.put("/config/restart-value", Map.of("compatibility", "FULL"));
        }
        try (EmbeddedSchemaRegistry second = EmbeddedSchemaRegistry.builder(world.bootstrapServers())
                .topic(restartTopic)
                .start()) {
            Http h = new Http(second.url());
            assertEquals(
                    SchemaStore.canonical(SchemaStore.parse(V1)),
                    h.get("/schemas/ids/" + v1).body().get("schema").asText());
            assertEquals(
                    SchemaStore.canonical(SchemaStore.parse(OTHER)),
                    h.get("/schemas/ids/" + other).body().get("schema").asText());
            assertEquals(
                    v2,
                    h.get("/subjects/restart-value/versions/latest")
                            .body()
                            .get("id")
                            .asInt());
            assertEquals(v1, register(h, "restart-value", V1), "re-registering an old schema keeps its id");
            assertEquals(
                    "FULL",
                    h.get("/config/restart-value")
                            .body()
                            .get("compatibilityLevel")
                            .asText());
            int next = register(h, "restart-new-value", OTHER.replace("Offer", "Agent"));
            assertEquals(
                    Math.max(Math.max(v1, v2), other) + 1, next, "ids continue after the highest one, never reused");
        }
    }

    @Test
    void aWriteTheBrokerCannotTakeAnswers500xxAndRegistersNothing() {
        EmbeddedKafka lonely = EmbeddedKafka.start();
        try (EmbeddedSchemaRegistry doomed = EmbeddedSchemaRegistry.builder(lonely.bootstrapServers())
                .writeTimeout(Duration.ofSeconds(2))
                .start()) {
            Http h = new Http(doomed.url());
            register(h, "doomed-value", V1);
            lonely.close();
            Http.Reply r = h.post("/subjects/doomed-value/versions", schema(V2));
            assertEquals(500, r.status(), r.body()::toString);
            assertTrue(r.errorCode() >= 50000 && r.errorCode() < 50100, r.body()::toString);
            assertTrue(r.body().get("message").asText().contains("_schemas"), "the message names the topic");
            assertEquals(
                    List.of(1), ints(h.get("/subjects/doomed-value/versions").body()), "nothing was registered");
        } finally {
            lonely.close();
        }
    }

    // ---- helpers ----

    static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return out;
    }

    static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
