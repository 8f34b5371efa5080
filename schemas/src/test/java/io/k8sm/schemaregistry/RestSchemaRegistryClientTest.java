package io.k8sm.schemaregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RestSchemaRegistryClientTest {
    private static final Schema SCHEMA = SchemaBuilder.record("Thing")
            .namespace("io.k8sm.test")
            .fields()
            .requiredString("name")
            .endRecord();
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeRegistryServer server;
    private final List<Duration> sleeps = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = FakeRegistryServer.http();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RestSchemaRegistryClient client(Map<String, Object> extra) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(RegistryClientConfig.URL, server.url());
        cfg.put(RegistryClientConfig.RETRIES_WAIT_MS, 100);
        cfg.put(RegistryClientConfig.RETRIES_MAX_WAIT_MS, 1000);
        cfg.putAll(extra);
        return new RestSchemaRegistryClient(RegistryClientConfig.from(cfg), sleeps::add);
    }

    private static String schemaAnswer(Schema s) {
        return JSON.createObjectNode().put("schema", s.toString()).toString();
    }

    @Test
    void registerPostsTheSchemaWithTheRegistryContentTypeAndReturnsTheId() throws Exception {
        server.on("POST /subjects/pods-value/versions", 200, "{\"id\":7}");
        int id = client(Map.of()).register("pods-value", SCHEMA);
        assertEquals(7, id);
        FakeRegistryServer.Recorded r = server.requests().get(0);
        assertEquals(RestSchemaRegistryClient.CONTENT_TYPE, r.header("Content-Type"));
        assertEquals(
                SCHEMA,
                new Schema.Parser().parse(JSON.readTree(r.body()).get("schema").asText()));
    }

    @Test
    void repeatedLookupsByIdMakeOneHttpCall() {
        server.on("GET /schemas/ids/3", 200, schemaAnswer(SCHEMA));
        RestSchemaRegistryClient c = client(Map.of());
        assertEquals(SCHEMA, c.getById(3));
        assertEquals(SCHEMA, c.getById(3));
        assertEquals(SCHEMA, c.getById(3));
        assertEquals(1, server.requests().size());
    }

    @Test
    void repeatedRegistrationsAndLookupsOfOneSchemaMakeOneHttpCallEach() {
        server.on("POST /subjects/a-value/versions", 200, "{\"id\":4}");
        server.on(
                "POST /subjects/b-value",
                200,
                "{\"subject\":\"b-value\",\"id\":5,\"version\":1,\"schema\":\"\\\"string\\\"\"}");
        RestSchemaRegistryClient c = client(Map.of());
        for (int i = 0; i < 3; i++) {
            assertEquals(4, c.register("a-value", SCHEMA));
            assertEquals(5, c.lookupId("b-value", SCHEMA));
        }
        assertEquals(2, server.requests().size());
        assertEquals(SCHEMA, c.getById(4), "a registered schema is known by id without a call");
        assertEquals(2, server.requests().size());
    }

    @Test
    void cachesAreBoundedByTheConfiguredCapacity() {
        for (int id = 1; id <= 3; id++) {
            server.on("GET /schemas/ids/" + id, 200, schemaAnswer(SCHEMA));
        }
        RestSchemaRegistryClient c = client(Map.of(RegistryClientConfig.CACHE_CAPACITY, 2));
        c.getById(1);
        c.getById(2);
        c.getById(3); // evicts id 1
        c.getById(1);
        assertEquals(4, server.requests().size());
    }

    @Test
    void retriesWithExponentialBackoffOn503ThenSucceeds() {
        server.on("GET /schemas/ids/1", 503, "{\"error_code\":50003,\"message\":\"forwarding failed\"}")
                .on("GET /schemas/ids/1", 503, "")
                .on("GET /schemas/ids/1", 200, schemaAnswer(SCHEMA));
        assertEquals(SCHEMA, client(Map.of()).getById(1));
        assertEquals(3, server.requests().size());
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), sleeps);
    }

    @Test
    void retriesOn429() {
        server.on("GET /subjects", 429, "slow down").on("GET /subjects", 200, "[\"a-value\",\"b-key\"]");
        assertEquals(List.of("a-value", "b-key"), client(Map.of()).subjects());
        assertEquals(1, sleeps.size());
    }

    @Test
    void backoffIsCappedAtTheMaximumWait() {
        RestSchemaRegistryClient c = client(Map.of());
        assertEquals(Duration.ofMillis(800), c.backoff(4));
        assertEquals(Duration.ofMillis(1000), c.backoff(5));
        assertEquals(Duration.ofMillis(1000), c.backoff(40));
    }

    @Test
    void doesNotRetryOn404AndMapsTheErrorCodeToSchemaNotFound() {
        server.on("GET /schemas/ids/99", 404, "{\"error_code\":40403,\"message\":\"Schema 99 not found\"}");
        SchemaNotFoundException e = assertThrows(
                SchemaNotFoundException.class, () -> client(Map.of()).getById(99));
        assertEquals(1, server.requests().size());
        assertTrue(sleeps.isEmpty());
        assertEquals(40403, e.errorCode());
        assertEquals(404, e.httpStatus());
        assertTrue(e.getMessage().contains("Schema 99 not found"), e.getMessage());
        assertTrue(e.getMessage().contains("/schemas/ids/99"), e.getMessage());
    }

    @Test
    void conflictIsAnIncompatibleSchemaException() {
        server.on(
                "POST /subjects/s/versions",
                409,
                "{\"error_code\":409,\"message\":\"incompatible with an earlier schema\"}");
        assertThrows(IncompatibleSchemaException.class, () -> client(Map.of()).register("s", SCHEMA));
    }

    @Test
    void unprocessableIsAnInvalidSchemaException() {
        server.on("POST /subjects/s/versions", 422, "{\"error_code\":42201,\"message\":\"Invalid schema\"}");
        InvalidSchemaException e = assertThrows(
                InvalidSchemaException.class, () -> client(Map.of()).register("s", SCHEMA));
        assertEquals(42201, e.errorCode());
    }

    @Test
    void unauthorizedIsAnAuthExceptionAndNotRetried() {
        server.on("GET /subjects", 401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");
        assertThrows(RegistryAuthException.class, () -> client(Map.of()).subjects());
        assertEquals(1, server.requests().size());
    }

    @Test
    void basicAuthHeaderIsSentFromUserInfoConfig() {
        server.on("GET /subjects", 200, "[]");
        client(Map.of(
                        RegistryClientConfig.CREDENTIALS_SOURCE,
                        "USER_INFO",
                        RegistryClientConfig.USER_INFO,
                        "alice:s3cret"))
                .subjects();
        String expected =
                "Basic " + Base64.getEncoder().encodeToString("alice:s3cret".getBytes(StandardCharsets.UTF_8));
        assertEquals(expected, server.requests().get(0).header("Authorization"));
    }

    @Test
    void basicAuthHeaderIsSentFromUserInfoInTheUrlWhichIsStrippedFromTheBase() {
        server.on("GET /subjects", 200, "[]");
        String url = server.url().replace("://", "://bob:pw@");
        RestSchemaRegistryClient c = client(Map.of(RegistryClientConfig.URL, url));
        c.subjects();
        assertEquals(
                "Basic " + Base64.getEncoder().encodeToString("bob:pw".getBytes(StandardCharsets.UTF_8)),
                server.requests().get(0).header("Authorization"));
        assertFalse(c.config().baseUrls().get(0).toString().contains("bob"));
    }

    @Test
    void noAuthorizationHeaderWithoutCredentials() {
        server.on("GET /subjects", 200, "[]");
        client(Map.of()).subjects();
        assertNull(server.requests().get(0).header("Authorization"));
    }

    @Test
    void baseUrlPathIsKeptSoApicurioCompatibilityApiWorks() {
        server.on("GET /apis/ccompat/v7/schemas/ids/2", 200, schemaAnswer(SCHEMA));
        assertEquals(
                SCHEMA,
                client(Map.of(RegistryClientConfig.URL, server.url() + "/apis/ccompat/v7/"))
                        .getById(2));
    }

    @Test
    void subjectIsPercentEncodedInThePath() {
        server.on(
                "GET /subjects/a%20b%2Fc-value/versions/latest",
                200,
                "{\"subject\":\"a b/c-value\",\"id\":3,\"version\":2,\"schema\":"
                        + JSON.valueToTree(SCHEMA.toString())
                        + "}");
        SchemaVersion v = client(Map.of()).latest("a b/c-value");
        assertEquals(new SchemaVersion("a b/c-value", 2, 3, SCHEMA), v);
    }

    @Test
    void numberedVersionsAreCachedButLatestIsAlwaysAsked() {
        String answer =
                "{\"subject\":\"s\",\"id\":3,\"version\":1,\"schema\":" + JSON.valueToTree(SCHEMA.toString()) + "}";
        server.on("GET /subjects/s/versions/1", 200, answer).on("GET /subjects/s/versions/latest", 200, answer);
        RestSchemaRegistryClient c = client(Map.of());
        c.getVersion("s", 1);
        c.getVersion("s", 1);
        c.latest("s");
        c.latest("s");
        assertEquals(3, server.requests().size());
    }

    @Test
    void setCompatibilityPutsTheLevel() throws Exception {
        server.on("PUT /config/s", 200, "{\"compatibility\":\"FULL\"}");
        client(Map.of()).setCompatibility("s", CompatibilityLevel.FULL);
        assertEquals(
                "FULL",
                JSON.readTree(server.requests().get(0).body())
                        .get("compatibility")
                        .asText());
    }

    @Test
    void isCompatibleReadsTheAnswerFlag() {
        server.on("POST /compatibility/subjects/s/versions/latest", 200, "{\"is_compatible\":false}");
        server.on("POST /compatibility/subjects/s/versions/2", 200, "{\"is_compatible\":true}");
        RestSchemaRegistryClient c = client(Map.of());
        assertFalse(c.isCompatible("s", SchemaRegistryClient.LATEST, SCHEMA));
        assertTrue(c.isCompatible("s", 2, SCHEMA));
    }

    @Test
    void requestTimeoutBecomesRegistryUnreachable() {
        server.hangOn("GET /schemas/ids/1");
        RegistryUnreachableException e = assertThrows(
                RegistryUnreachableException.class,
                () -> client(Map.of(RegistryClientConfig.READ_TIMEOUT_MS, 200, RegistryClientConfig.MAX_RETRIES, 0))
                        .getById(1));
        assertInstanceOf(HttpTimeoutException.class, e.getCause());
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
    }

    @Test
    void failsOverToTheSecondUrlWhenTheFirstRefusesConnections() throws IOException {
        server.on("GET /schemas/ids/1", 200, schemaAnswer(SCHEMA));
        String dead = "http://127.0.0.1:" + freePort();
        RestSchemaRegistryClient c = client(Map.of(RegistryClientConfig.URL, dead + "," + server.url()));
        assertEquals(SCHEMA, c.getById(1));
        assertTrue(sleeps.isEmpty(), "failover within a round needs no backoff");
    }

    @Test
    void unreachableAfterAllRetriesOnAllUrlsNamesTheAttempts() throws IOException {
        String a = "http://127.0.0.1:" + freePort();
        String b = "http://127.0.0.1:" + freePort();
        RegistryUnreachableException e = assertThrows(
                RegistryUnreachableException.class,
                () -> client(Map.of(RegistryClientConfig.URL, a + "," + b, RegistryClientConfig.MAX_RETRIES, 2))
                        .getById(1));
        assertEquals(6, e.attempts());
        assertEquals(2, sleeps.size());
        assertTrue(e.getMessage().contains("connection refused"), e.getMessage());
    }

    @Test
    void persistent5xxBecomesUnreachableWithTheLastStatus() {
        server.on("GET /schemas/ids/1", 500, "{\"error_code\":50001,\"message\":\"store error\"}");
        RegistryUnreachableException e = assertThrows(
                RegistryUnreachableException.class,
                () -> client(Map.of(RegistryClientConfig.MAX_RETRIES, 1)).getById(1));
        assertEquals(500, e.httpStatus());
        assertEquals(50001, e.errorCode());
        assertEquals(2, server.requests().size());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
