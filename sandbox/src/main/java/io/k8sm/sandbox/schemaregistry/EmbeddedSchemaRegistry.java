package io.k8sm.sandbox.schemaregistry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry speaking the Confluent Schema Registry REST API (the subset listed in {@code
 * sandbox/README.md}) at the root path, for Avro schemas, with its state in a compacted Kafka topic
 * on the broker it is given. Confluent clients and serdes can use its {@link #url()}.
 *
 * <p>Only one registry instance may write to a given topic at a time (see {@link SchemaStore}).
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    public static final String DEFAULT_TOPIC = "_schemas";
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final List<String> ACCEPTED_CONTENT_TYPES = List.of(
            "application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json",
            "application/json", "application/octet-stream");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;
    private final SchemaStore store;
    private final String expectedAuthorization;
    private final String host;

    private EmbeddedSchemaRegistry(
            HttpServer server, ExecutorService executor, SchemaStore store, String expectedAuthorization, String host) {
        this.server = server;
        this.executor = executor;
        this.store = store;
        this.expectedAuthorization = expectedAuthorization;
        this.host = host;
    }

    /** A registry on a free port storing its schemas in {@code _schemas} on the given broker. */
    public static EmbeddedSchemaRegistry start(String bootstrapServers) {
        return builder(bootstrapServers).start();
    }

    public static Builder builder(String bootstrapServers) {
        return new Builder(bootstrapServers);
    }

    /** {@code http://localhost:port} (no trailing slash), for {@code schema.registry.url}. */
    public String url() {
        return "http://" + host + ":" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Stops serving and closes the Kafka producer. Every write is awaited before its answer, so
     * nothing acknowledged is lost; a request still in flight may be cut off.
     */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        } finally {
            store.close();
            log.info("Schema registry on {} stopped", url());
        }
    }

    /** Configuration for an {@link EmbeddedSchemaRegistry}. */
    public static final class Builder {
        private final String bootstrapServers;
        private String topic = DEFAULT_TOPIC;
        private int port;
        private String host = "localhost";
        private String basicAuth;
        private Duration writeTimeout = SchemaStore.DEFAULT_WRITE_TIMEOUT;
        private final Map<String, Object> clientProperties = new HashMap<>();

        private Builder(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        }

        /** The compacted topic holding the schemas. Default {@code _schemas}. */
        public Builder topic(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /** The HTTP port. Default 0: a free port. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 (free) or 1..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** The interface to listen on and the host in {@link #url()}. Default {@code localhost}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Require HTTP basic authentication with this user and password. Default: none. */
        public Builder basicAuth(String user, String password) {
            if (user == null || user.contains(":") || password == null) {
                throw new IllegalArgumentException("basic auth wants a user without ':' and a password");
            }
            this.basicAuth = user + ":" + password;
            return this;
        }

        /**
         * How long a write to the schema topic may take before the request fails with 50002. Default 30
         * s.
         */
        public Builder writeTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("writeTimeout must be positive, was " + timeout);
            }
            this.writeTimeout = timeout;
            return this;
        }

        /**
         * Extra Kafka client properties (security settings, say) for the registry's producer and
         * consumer.
         */
        public Builder clientProperty(String key, Object value) {
            clientProperties.put(key, value);
            return this;
        }

        /** Loads the schema topic and starts serving. */
        public EmbeddedSchemaRegistry start() {
            SchemaStore store = SchemaStore.open(bootstrapServers, topic, writeTimeout, clientProperties);
            HttpServer server;
            try {
                InetAddress address = InetAddress.getByName(host);
                server = HttpServer.create(new InetSocketAddress(address, port), 50);
            } catch (IOException e) {
                store.close();
                throw new UncheckedIOException("Schema registry cannot listen on " + host + ":" + port, e);
            }
            AtomicInteger n = new AtomicInteger();
            ExecutorService executor = Executors.newFixedThreadPool(4, r -> {
                Thread t = new Thread(r, "schema-registry-http-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            String expected = basicAuth == null
                    ? null
                    : "Basic " + Base64.getEncoder().encodeToString(basicAuth.getBytes(StandardCharsets.UTF_8));
            EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(server, executor, store, expected, host);
            server.createContext("/", registry::handle);
            server.setExecutor(executor);
            server.start();
            log.info("Schema registry serving on {} (topic {} on {})", registry.url(), topic, bootstrapServers);
            return registry;
        }
    }

    // ---- HTTP ----

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            int status;
            Object body;
            try {
                checkAuth(ex);
                Response r = route(ex.getRequestMethod().toUpperCase(Locale.ROOT), segments(ex), ex);
                status = r.status();
                body = r.body();
            } catch (RegistryException e) {
                if (e.httpStatus() >= 500) {
                    log.error("{} {} failed: {}", ex.getRequestMethod(), ex.getRequestURI(), e.getMessage(), e);
                }
                status = e.httpStatus();
                body = error(e.errorCode(), e.getMessage());
            } catch (RuntimeException e) {
                log.error("{} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
                status = 500;
                body = error(50001, "Internal error: " + e);
            }
            byte[] bytes = body instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : JSON.writeValueAsBytes(body);
            ex.getResponseHeaders().set("Content-Type", CONTENT_TYPE); // a raw schema (String) is JSON too
            if (status == 401) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"k8sm-schema-registry\"");
            }
            ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        }
    }

    private record Response(int status, Object body) {
        static Response ok(Object body) {
            return new Response(200, body);
        }
    }

    private Response route(String method, List<String> p, HttpExchange ex) {
        int n = p.size();
        if (n == 0) {
            return get(method, () -> JSON.createObjectNode());
        }
        switch (p.get(0)) {
            case "subjects" -> {
                if (n == 1) {
                    return get(method, store::subjects);
                }
                String subject = p.get(1);
                if (n == 2) {
                    requireMethod(method, "POST");
                    return Response.ok(lookup(subject, readSchema(ex)));
                }
                if (p.get(2).equals("versions")) {
                    if (n == 3 && method.equals("POST")) {
                        return Response.ok(JSON.createObjectNode().put("id", store.register(subject, readSchema(ex))));
                    }
                    if (n == 3) {
                        return get(method, () -> store.versions(subject));
                    }
                    if (n == 4) {
                        return get(method, () -> versionBody(store.version(subject, p.get(3))));
                    }
                    if (n == 5 && p.get(4).equals("schema")) {
                        return get(
                                method, () -> store.version(subject, p.get(3)).schema());
                    }
                }
            }
            case "schemas" -> {
                if (n >= 3 && p.get(1).equals("ids")) {
                    int id = parseId(p.get(2));
                    if (n == 3) {
                        return get(method, () -> JSON.createObjectNode().put("schema", store.schemaById(id)));
                    }
                    if (n == 4 && p.get(3).equals("schema")) {
                        return get(method, () -> store.schemaById(id));
                    }
                    if (n == 4 && p.get(3).equals("versions")) {
                        return get(method, () -> {
                            ArrayNode out = JSON.createArrayNode();
                            store.versionsOfId(id)
                                    .forEach(v -> out.addObject()
                                            .put("subject", v.subject())
                                            .put("version", v.version()));
                            return out;
                        });
                    }
                }
                if (n == 2 && p.get(1).equals("types")) {
                    return get(method, () -> List.of("AVRO"));
                }
            }
            case "config" -> {
                String subject = n == 2 ? p.get(1) : null;
                if (n <= 2) {
                    if (method.equals("PUT")) {
                        JsonNode body = readJson(ex);
                        CompatibilityLevel level = CompatibilityLevel.parse(
                                body.path("compatibility").asText(null));
                        store.setLevel(subject, level);
                        return Response.ok(JSON.createObjectNode().put("compatibility", level.name()));
                    }
                    return get(method, () -> {
                        CompatibilityLevel level;
                        if (subject == null) {
                            level = store.globalLevel();
                        } else if ("true".equals(query(ex).get("defaultToGlobal"))) {
                            level = store.effectiveLevel(subject);
                        } else {
                            level = store.subjectLevel(subject)
                                    .orElseThrow(() -> RegistryException.subjectLevelConfigNotFound(subject));
                        }
                        return JSON.createObjectNode().put("compatibilityLevel", level.name());
                    });
                }
            }
            case "compatibility" -> {
                if ((n == 4 || n == 5)
                        && p.get(1).equals("subjects")
                        && p.get(3).equals("versions")) {
                    requireMethod(method, "POST");
                    String version = n == 5 ? p.get(4) : null;
                    List<String> problems = store.compatibilityProblems(p.get(2), version, readSchema(ex));
                    ObjectNode out = JSON.createObjectNode().put("is_compatible", problems.isEmpty());
                    if ("true".equals(query(ex).get("verbose"))) {
                        problems.forEach(out.putArray("messages")::add);
                    }
                    return Response.ok(out);
                }
            }
            default -> {
                // fall through to 404
            }
        }
        throw new RegistryException(
                404,
                404,
                "HTTP 404 Not Found: no endpoint " + method + " "
                        + ex.getRequestURI().getPath());
    }

    private ObjectNode lookup(String subject, String schema) {
        return versionBody(store.lookup(subject, schema));
    }

    private static ObjectNode versionBody(SchemaStore.Version v) {
        return JSON.createObjectNode()
                .put("subject", v.subject())
                .put("version", v.version())
                .put("id", v.id())
                .put("schema", v.schema());
    }

    private static Response get(String method, java.util.function.Supplier<Object> body) {
        requireMethod(method, "GET");
        return Response.ok(body.get());
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw new RegistryException(405, 405, "HTTP 405 Method Not Allowed: use " + allowed);
        }
    }

    private void checkAuth(HttpExchange ex) {
        if (expectedAuthorization != null
                && !expectedAuthorization.equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            throw new RegistryException(401, 401, "Unauthorized");
        }
    }

    /** The body's {@code schema}; only Avro is supported. */
    private static String readSchema(HttpExchange ex) {
        JsonNode body = readJson(ex);
        String type = body.path("schemaType").asText("AVRO");
        if (!type.equalsIgnoreCase("AVRO")) {
            throw RegistryException.invalidSchema("schemaType " + type + " is not supported (only AVRO)", null);
        }
        JsonNode refs = body.get("references");
        if (refs != null && refs.isArray() && !refs.isEmpty()) {
            throw RegistryException.invalidSchema("schema references are not supported", null);
        }
        JsonNode schema = body.get("schema");
        if (schema == null || !schema.isTextual()) {
            throw RegistryException.invalidSchema("the body has no \"schema\" string", null);
        }
        return schema.asText();
    }

    private static JsonNode readJson(HttpExchange ex) {
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        if (contentType != null) {
            String mime = contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
            if (!ACCEPTED_CONTENT_TYPES.contains(mime)) {
                throw new RegistryException(415, 415, "HTTP 415 Unsupported Media Type: " + contentType);
            }
        }
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readAllBytes();
            JsonNode node = bytes.length == 0 ? null : JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw new RegistryException(422, 422, "Unprocessable entity: the request body must be a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new RegistryException(
                    400, 400, "Unrecognized JSON in the request body: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Reading the request body of " + ex.getRequestURI() + " failed", e);
        }
    }

    private static int parseId(String id) {
        try {
            return Integer.parseInt(id);
        } catch (NumberFormatException e) {
            throw RegistryException.schemaNotFound("id '" + id + "'");
        }
    }

    private static List<String> segments(HttpExchange ex) {
        String raw = ex.getRequestURI().getRawPath();
        List<String> out = new ArrayList<>();
        for (String s : raw.split("/")) {
            if (!s.isEmpty()) {
                out.add(URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> out = new HashMap<>();
        String q = ex.getRequestURI().getRawQuery();
        if (q != null) {
            for (String kv : q.split("&")) {
                int eq = kv.indexOf('=');
                String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
                out.put(k, eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static ObjectNode error(int code, String message) {
        return JSON.createObjectNode().put("error_code", code).put("message", message);
    }

    /**
     * Runs a registry until SIGTERM / Ctrl-C. Arguments: {@code --bootstrap-servers H:P [--port N]
     * [--topic T] [--basic-auth user:password]}.
     */
    public static void main(String[] args) throws InterruptedException {
        String bootstrap = null;
        Builder b = null;
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-h") || args[i].equals("--help")) {
                System.out.println(
                        "usage: EmbeddedSchemaRegistry --bootstrap-servers H:P [--port N] [--topic T] [--basic-auth user:password]");
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            opts.put(args[i], args[++i]);
        }
        bootstrap = opts.remove("--bootstrap-servers");
        if (bootstrap == null) {
            throw new IllegalArgumentException("--bootstrap-servers is required (try --help)");
        }
        b = builder(bootstrap);
        for (Map.Entry<String, String> e : opts.entrySet()) {
            switch (e.getKey()) {
                case "--port" -> b.port(Integer.parseInt(e.getValue()));
                case "--topic" -> b.topic(e.getValue());
                case "--basic-auth" -> {
                    int c = e.getValue().indexOf(':');
                    if (c <= 0) {
                        throw new IllegalArgumentException("--basic-auth wants user:password");
                    }
                    b.basicAuth(e.getValue().substring(0, c), e.getValue().substring(c + 1));
                }
                default -> throw new IllegalArgumentException("unknown argument " + e.getKey() + " (try --help)");
            }
        }
        EmbeddedSchemaRegistry registry = b.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            registry.close();
                            stopped.countDown();
                        },
                        "schema-registry-shutdown"));
        System.out.println("k8sm schema registry (Confluent REST API subset, Avro) at "
                + registry.url()
                + " storing schemas on "
                + bootstrap
                + "; SIGTERM or Ctrl-C stops it");
        stopped.await();
    }
}
