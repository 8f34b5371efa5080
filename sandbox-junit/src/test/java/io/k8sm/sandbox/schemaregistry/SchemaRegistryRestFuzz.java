package io.k8sm.sandbox.schemaregistry;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.sandbox.kafka.EmbeddedKafka;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Fuzzes the embedded schema registry's REST API with weird methods and paths, bad JSON, JSON of
 * the wrong shape, invalid schemas, deeply nested and huge bodies. Invariant: every request is
 * answered, within the client's timeout, with a status below 500 (a refusal is 4xx, never a 5xx
 * crash or a hang). The registry runs on an embedded broker of its own.
 *
 * <p>Seeded: jqwik's seed is fixed; {@code -Dk8sm.fuzz.seed=N} varies the requests, {@code
 * -Djqwik.tries.default=N} their number.
 */
class SchemaRegistryRestFuzz {

    private static final long BASE_SEED = Long.getLong("k8sm.fuzz.seed", 0L);
    private static final String SCHEMA =
            "{\"type\":\"record\",\"name\":\"P\",\"fields\":[{\"name\":\"n\",\"type\":\"string\"}]}";

    private static EmbeddedKafka kafka;
    private static EmbeddedSchemaRegistry registry;
    private static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static int tried;
    private static int answered4xx;
    private static int answered2xx;
    private static final List<String> failures = new ArrayList<>();

    @BeforeContainer
    static void start() {
        kafka = EmbeddedKafka.start();
        registry = EmbeddedSchemaRegistry.builder(kafka.bootstrapServers())
                .topic("_schemas-fuzz")
                .start();
    }

    @AfterContainer
    static void stop() {
        if (registry != null) {
            registry.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @AfterProperty
    void summary() {
        System.out.printf(
                "fuzz schema registry REST: %d tried, %d crashes (5xx or no answer), %d refused with 4xx, %d accepted%n",
                tried, failures.size(), answered4xx, answered2xx);
    }

    @Property(seed = "20261231", shrinking = ShrinkingMode.OFF)
    void everyRequestIsAnsweredBelow500(@ForAll long seed) throws Exception {
        Random r = new Random(seed ^ BASE_SEED);
        String method = pick(r, "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "POST", "POST");
        String path = path(r);
        String body = body(r);
        String type = pick(
                r,
                EmbeddedSchemaRegistry.CONTENT_TYPE,
                "application/json",
                "text/plain",
                "",
                "application/octet-stream");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(registry.url() + path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (!type.isEmpty()) {
            b.header("Content-Type", type);
        }
        tried++;
        String what = method + " " + path + " with "
                + (body == null
                        ? "no body"
                        : body.length() + " chars: " + body.substring(0, Math.min(80, body.length())));
        int status;
        try {
            status = CLIENT.send(b.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (java.io.IOException e) {
            failures.add(what + " -> " + e);
            throw new AssertionError("no answer to " + what + " (seed " + seed + "): " + e, e);
        }
        if (status >= 500) {
            failures.add(what + " -> " + status);
        } else if (status >= 400) {
            answered4xx++;
        } else {
            answered2xx++;
        }
        assertTrue(status < 500, what + " answered " + status + " (seed " + seed + ")");
    }

    private static String path(Random r) {
        String subject = seg(r);
        String version = pick(r, "1", "latest", "-1", "0", "99999999999999999999", "x", "", "%00", "1.5");
        return switch (r.nextInt(12)) {
            case 0 -> "/subjects";
            case 1 -> "/subjects/" + subject;
            case 2, 3 -> "/subjects/" + subject + "/versions";
            case 4 -> "/subjects/" + subject + "/versions/" + version;
            case 5 -> "/subjects/" + subject + "/versions/" + version + "/schema";
            case 6 -> "/schemas/ids/" + version;
            case 7 -> "/schemas/ids/" + version + "/" + seg(r);
            case 8 -> "/config" + (r.nextBoolean() ? "" : "/" + subject);
            case 9 -> "/compatibility/subjects/" + subject + "/versions/" + version;
            case 10 -> "/" + seg(r) + "/" + seg(r) + "/" + seg(r) + "/" + seg(r);
            default -> "/subjects/" + subject + "/" + seg(r) + "?" + seg(r) + "=" + seg(r);
        };
    }

    private static String seg(Random r) {
        String raw = pick(r, "fuzz-value", "a", "名前", "..", ".", "x".repeat(2000), "%2F", " ", "\u0000", "ids", "🚀");
        return URLEncoder.encode(raw, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String body(Random r) {
        return switch (r.nextInt(14)) {
            case 0 -> null;
            case 1 -> "";
            case 2 -> "{";
            case 3 -> "not json at all \u0001\u0002";
            case 4 -> "[]";
            case 5 -> "null";
            case 6 -> "{\"schema\": 5}";
            case 7 -> "{\"schema\": \"not avro\"}";
            case 8 -> "{\"schema\": \"{\\\"type\\\":\\\"record\\\"}\"}";
            case 9 ->
                "{\"schema\": " + quote(SCHEMA) + ", \"schemaType\": \"" + pick(r, "AVRO", "PROTOBUF", "JSON", "")
                        + "\"}";
            case 10 -> "[".repeat(50_000) + "]".repeat(50_000);
            case 11 -> "{\"compatibility\": \"" + pick(r, "BACKWARD", "NONE", "bogus", "") + "\"}";
            case 12 -> {
                // huge bodies: 2 MiB of garbage, or a valid JSON string of 2 MiB where a schema belongs.
                // (A valid schema of 2 MiB answers 500 today: see OversizedSchemaRegistrationTest.)
                String big = "y".repeat(2 * 1024 * 1024);
                yield r.nextBoolean() ? big : "{\"schema\": \"" + big + "\"}";
            }
            default -> {
                StringBuilder s = new StringBuilder();
                for (int i = 0, n = r.nextInt(200); i < n; i++) {
                    s.append((char) (32 + r.nextInt(95)));
                }
                yield s.toString();
            }
        };
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @SafeVarargs
    private static <T> T pick(Random r, T... options) {
        return options[r.nextInt(options.length)];
    }
}
