package io.k8sm.sandbox.schemaregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.k8sm.sandbox.junit.KafkaWorld;
import io.k8sm.sandbox.junit.WithKafkaWorld;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Found by {@code SchemaRegistryRestFuzz} (seed 20261231): a valid schema bigger than the
 * broker's record limit is accepted by the REST layer and fails in the store — {@code
 * RecordTooLargeException} writing to {@code _schemas}, answered 500 with error 50001 — where a
 * client error belongs: the store now answers 413.
 */
@WithKafkaWorld
class OversizedSchemaRegistrationTest {

    @Test
    void aSchemaTooBigToStoreIsRefusedWithAClientErrorNotA500(KafkaWorld world) {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder(world.bootstrapServers())
                .topic("_schemas-" + OversizedSchemaRegistrationTest.class.getSimpleName())
                .start()) {
            String doc = "y".repeat(2 * 1024 * 1024);
            String schema = "{\"type\":\"record\",\"name\":\"Big\",\"doc\":\"" + doc + "\",\"fields\":[]}";
            Http.Reply r = new Http(registry.url()).post("/subjects/big-value/versions", Map.of("schema", schema));
            assertEquals(4, r.status() / 100, () -> "answered " + r.status() + ": " + r.body());
        }
    }

    /**
     * Also found by {@code SchemaRegistryRestFuzz} (seed 20261231): a request whose body the route
     * never reads (here 100,000 characters on a GET the registry refuses) loses its answer — the
     * client sees {@code IOException: fixed content-length: 63, bytes received: 0}, since the
     * exchange is closed over the unread body. Every answer now drains what is left of the body
     * (bounded by {@code DRAIN_LIMIT_BYTES}) before it is sent.
     */
    @Test
    void aRequestWhoseBodyIsNotReadStillGetsItsAnswer(KafkaWorld world) {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder(world.bootstrapServers())
                .topic("_schemas-" + OversizedSchemaRegistrationTest.class.getSimpleName() + "-unread")
                .start()) {
            String body = "[".repeat(50_000) + "]".repeat(50_000);
            Http http = new Http(registry.url());
            // whether the unread rest of the body costs the answer is a race: try several refusals, several times
            for (int i = 0; i < 5; i++) {
                for (String method : List.of("GET", "PUT", "POST", "DELETE")) {
                    for (String path : List.of("/schemas/ids/%00", "/schemas/ids/%00/%00", "/nowhere")) {
                        String what = method + " " + path + " (round " + i + ")";
                        Http.Reply r = http.send(
                                java.net.http.HttpRequest.newBuilder(java.net.URI.create(registry.url() + path)),
                                method,
                                body,
                                EmbeddedSchemaRegistry.CONTENT_TYPE);
                        assertEquals(4, r.status() / 100, () -> what + " answered " + r.status() + ": " + r.body());
                    }
                }
            }
        }
    }
}
