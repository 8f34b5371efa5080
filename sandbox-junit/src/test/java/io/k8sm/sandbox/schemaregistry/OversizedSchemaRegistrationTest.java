package io.k8sm.sandbox.schemaregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.k8sm.sandbox.junit.KafkaWorld;
import io.k8sm.sandbox.junit.WithKafkaWorld;
import java.util.Map;
import org.junit.jupiter.api.Disabled;
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
     * exchange is closed over the unread body. The handler must drain (bounded) or refuse the body
     * before it answers; only the 413 path drains today, so this stays disabled until every refusal does.
     */
    @Test
    @Disabled(
            "fuzz-tier finding still open: a refused route closes the exchange over an unread body, so the client loses the answer; only the 413 path drains it today")
    void aRequestWhoseBodyIsNotReadStillGetsItsAnswer(KafkaWorld world) {
        try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder(world.bootstrapServers())
                .topic("_schemas-" + OversizedSchemaRegistrationTest.class.getSimpleName() + "-unread")
                .start()) {
            String body = "[".repeat(50_000) + "]".repeat(50_000);
            Http.Reply r = new Http(registry.url())
                    .send(
                            java.net.http.HttpRequest.newBuilder(
                                    java.net.URI.create(registry.url() + "/schemas/ids/%00")),
                            "GET",
                            body,
                            EmbeddedSchemaRegistry.CONTENT_TYPE);
            assertEquals(4, r.status() / 100, () -> "answered " + r.status() + ": " + r.body());
        }
    }
}
