package io.k8sm.schemaregistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Confluent schema registry REST API over {@link HttpClient} and Jackson. Works against
 * Confluent Schema Registry and Apicurio's compatibility API (a base URL such as {@code
 * http://host:8080/apis/ccompat/v7}).
 *
 * <p>Base URLs are tried in order; the one that last answered is tried first next time. Connect
 * errors, timeouts, HTTP 5xx and 429 move on to the next URL; after a full round the client backs
 * off exponentially and tries again, {@code max.retries} times, then throws {@link
 * RegistryUnreachableException}. Any other 4xx is mapped at once to a specific {@link
 * SchemaRegistryException} and never retried.
 *
 * <p>Schemas by id, ids by subject and schema, and numbered versions are immutable in a registry
 * and cached (bounded LRU); {@code latest}, {@code subjects} and compatibility checks always ask
 * the registry.
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);

    /**
     * How the client waits between retry rounds; replaced in tests to record the backoff without
     * waiting.
     */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private record SubjectSchema(String subject, Schema schema) {}

    private record SubjectVersion(String subject, int version) {}

    private final RegistryClientConfig config;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final Optional<String> authorization;
    private final Sleeper sleeper;
    private final LruCache<Integer, Schema> schemasById;
    private final LruCache<SubjectSchema, Integer> idsBySchema;
    private final LruCache<SubjectVersion, SchemaVersion> versions;
    private volatile int preferredUrl;

    public RestSchemaRegistryClient(Map<String, ?> configs) {
        this(RegistryClientConfig.from(configs));
    }

    public RestSchemaRegistryClient(RegistryClientConfig config) {
        this(config, d -> Thread.sleep(d.toMillis()));
    }

    RestSchemaRegistryClient(RegistryClientConfig config, Sleeper sleeper) {
        this.config = config;
        this.sleeper = sleeper;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL);
        config.tls().ifPresent(tls -> builder.sslContext(sslContext(tls)));
        this.http = builder.build();
        this.authorization = config.userInfo()
                .map(u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
        this.schemasById = new LruCache<>(config.cacheCapacity());
        this.idsBySchema = new LruCache<>(config.cacheCapacity());
        this.versions = new LruCache<>(config.cacheCapacity());
    }

    public RegistryClientConfig config() {
        return config;
    }

    @Override
    public int register(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("POST", "/subjects/" + segment(subject) + "/versions", schemaBody(schema));
        int id = requiredInt(answer, "id", "POST /subjects/" + subject + "/versions");
        idsBySchema.put(key, id);
        schemasById.put(id, schema);
        return id;
    }

    @Override
    public Schema getById(int id) {
        Schema cached = schemasById.get(id);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("GET", "/schemas/ids/" + id, null);
        Schema schema = parseSchema(answer, "schema id " + id);
        schemasById.put(id, schema);
        return schema;
    }

    @Override
    public int lookupId(String subject, Schema schema) {
        SubjectSchema key = new SubjectSchema(subject, schema);
        Integer cached = idsBySchema.get(key);
        if (cached != null) {
            return cached;
        }
        JsonNode answer = call("POST", "/subjects/" + segment(subject), schemaBody(schema));
        int id = requiredInt(answer, "id", "POST /subjects/" + subject);
        idsBySchema.put(key, id);
        schemasById.put(id, schema);
        return id;
    }

    @Override
    public SchemaVersion getVersion(String subject, String version) {
        boolean numbered = !LATEST.equals(version);
        if (numbered) {
            SchemaVersion cached = versions.get(new SubjectVersion(subject, parseVersion(version)));
            if (cached != null) {
                return cached;
            }
        }
        String what = "subject '" + subject + "' version " + version;
        JsonNode answer = call("GET", "/subjects/" + segment(subject) + "/versions/" + version, null);
        int id = requiredInt(answer, "id", what);
        int v = requiredInt(answer, "version", what);
        Schema schema = schemasById.get(id);
        if (schema == null) {
            schema = parseSchema(answer, what);
            schemasById.put(id, schema);
        }
        SchemaVersion result = new SchemaVersion(answer.path("subject").asText(subject), v, id, schema);
        versions.put(new SubjectVersion(subject, v), result);
        return result;
    }

    @Override
    public List<String> subjects() {
        JsonNode answer = call("GET", "/subjects", null);
        if (!answer.isArray()) {
            throw new SchemaRegistryException(
                    "GET /subjects", 200, -1, "expected a JSON array, got: " + abbreviate(answer.toString()), null);
        }
        List<String> out = new ArrayList<>();
        answer.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        ObjectNode body = json.createObjectNode().put("compatibility", level.name());
        call("PUT", "/config/" + segment(subject), body.toString());
    }

    @Override
    public boolean isCompatible(String subject, String version, Schema schema) {
        if (!LATEST.equals(version)) {
            parseVersion(version);
        }
        JsonNode answer = call(
                "POST", "/compatibility/subjects/" + segment(subject) + "/versions/" + version, schemaBody(schema));
        JsonNode flag = answer.get("is_compatible");
        if (flag == null || !flag.isBoolean()) {
            throw new SchemaRegistryException(
                    "POST /compatibility/subjects/" + subject + "/versions/" + version,
                    200,
                    -1,
                    "answer lacks the boolean is_compatible: " + abbreviate(answer.toString()),
                    null);
        }
        return flag.booleanValue();
    }

    // ---------------------------------------------------------------- HTTP

    private JsonNode call(String method, String path, String body) {
        List<URI> urls = config.baseUrls();
        int attempts = 0;
        int lastStatus = -1;
        int lastCode = -1;
        String lastProblem = "no attempt made";
        Throwable lastCause = null;
        for (int round = 0; round <= config.maxRetries(); round++) {
            if (round > 0) {
                Duration wait = backoff(round);
                LOG.debug(
                        "schema registry {} {}: retry round {} after {} ms ({})",
                        method,
                        path,
                        round,
                        wait.toMillis(),
                        lastProblem);
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RegistryUnreachableException(
                            method + " " + path,
                            attempts,
                            lastStatus,
                            lastCode,
                            "interrupted while backing off after: " + lastProblem,
                            e);
                }
            }
            int start = preferredUrl;
            for (int i = 0; i < urls.size(); i++) {
                int index = (start + i) % urls.size();
                URI uri = URI.create(urls.get(index) + path);
                String request = method + " " + uri;
                attempts++;
                HttpResponse<String> response;
                try {
                    response = http.send(
                            request(uri, method, body), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    lastStatus = -1;
                    lastCode = -1;
                    lastCause = e;
                    lastProblem = request + ": " + describe(e);
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RegistryUnreachableException(request, attempts, -1, -1, "interrupted", e);
                }
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    preferredUrl = index;
                    return parse(request, status, response.body());
                }
                ErrorBody error = errorBody(response.body());
                if (status >= 500 || status == 429) {
                    lastStatus = status;
                    lastCode = error.code();
                    lastCause = null;
                    lastProblem = request + " answered HTTP " + status + ": " + error.message();
                    continue;
                }
                throw mapError(request, status, error);
            }
        }
        throw new RegistryUnreachableException(
                method + " " + path + " on " + urls, attempts, lastStatus, lastCode, lastProblem, lastCause);
    }

    private HttpRequest request(URI uri, String method, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(config.requestTimeout())
                .header("Accept", CONTENT_TYPE + ", application/json");
        authorization.ifPresent(a -> b.header("Authorization", a));
        if (body != null) {
            b.header("Content-Type", CONTENT_TYPE);
            b.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    Duration backoff(int round) {
        long base = config.retryWait().toMillis();
        long max = config.retryMaxWait().toMillis();
        long wait = base << Math.min(round - 1, 30);
        return Duration.ofMillis(Math.min(wait < 0 ? max : wait, max));
    }

    private static String describe(IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "connect timed out";
        }
        if (e instanceof HttpTimeoutException) {
            return "request timed out";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private record ErrorBody(int code, String message) {}

    private ErrorBody errorBody(String body) {
        if (body == null || body.isBlank()) {
            return new ErrorBody(-1, "(empty body)");
        }
        try {
            JsonNode n = json.readTree(body);
            if (n != null && n.isObject()) {
                int code = n.path("error_code").asInt(-1);
                String message = n.path("message").asText(null);
                return new ErrorBody(code, message == null ? abbreviate(body) : message);
            }
        } catch (IOException notJson) {
            // an HTML or plain-text error page: report it as it is
        }
        return new ErrorBody(-1, abbreviate(body));
    }

    private static SchemaRegistryException mapError(String request, int status, ErrorBody error) {
        int code = error.code();
        if (status == 401 || status == 403) {
            return new RegistryAuthException(request, status, code, error.message());
        }
        if (status == 404 || code / 100 == 404) {
            return new SchemaNotFoundException(request, status, code, error.message());
        }
        if (status == 409 || code == SchemaRegistryException.INCOMPATIBLE_SCHEMA) {
            return new IncompatibleSchemaException(request, status, code, error.message());
        }
        if (status == 422 || code / 100 == 422) {
            return new InvalidSchemaException(request, status, code, error.message());
        }
        return new SchemaRegistryException(request, status, code, error.message(), null);
    }

    private JsonNode parse(String request, int status, String body) {
        try {
            JsonNode n = json.readTree(body == null ? "" : body);
            return n == null ? json.nullNode() : n;
        } catch (IOException e) {
            throw new SchemaRegistryException(request, status, -1, "answer is not JSON: " + abbreviate(body), e);
        }
    }

    // ---------------------------------------------------------------- helpers

    private String schemaBody(Schema schema) {
        return json.createObjectNode().put("schema", schema.toString()).toString();
    }

    private static Schema parseSchema(JsonNode answer, String what) {
        String type = answer.path("schemaType").asText("AVRO");
        if (!"AVRO".equalsIgnoreCase(type)) {
            throw new SchemaRegistryException(
                    "GET " + what, 200, -1, what + " is a " + type + " schema, not Avro", null);
        }
        JsonNode text = answer.get("schema");
        if (text == null || !text.isTextual()) {
            throw new SchemaRegistryException(
                    "GET " + what, 200, -1, "answer lacks the schema string: " + abbreviate(answer.toString()), null);
        }
        try {
            return new Schema.Parser().parse(text.asText());
        } catch (SchemaParseException e) {
            throw new SchemaRegistryException(
                    "GET " + what, 200, -1, what + " is not a valid Avro schema: " + e.getMessage(), e);
        }
    }

    private static int requiredInt(JsonNode answer, String field, String what) {
        JsonNode n = answer.get(field);
        if (n == null || !n.canConvertToInt()) {
            throw new SchemaRegistryException(
                    what, 200, -1, "answer lacks the integer '" + field + "': " + abbreviate(answer.toString()), null);
        }
        return n.intValue();
    }

    private static int parseVersion(String version) {
        try {
            int v = Integer.parseInt(version);
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // fall through to the error below
        }
        throw new IllegalArgumentException(
                "schema version must be a positive integer or \"latest\", got '" + version + "'");
    }

    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "(null)";
        }
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    private static SSLContext sslContext(RegistryClientConfig.TlsSettings tls) {
        try {
            TrustManagerFactory tmf = null;
            if (tls.truststore().isPresent()) {
                KeyStore ts = load(
                        tls.truststore().get(),
                        tls.truststoreType(),
                        tls.truststorePassword(),
                        RegistryClientConfig.TRUSTSTORE_LOCATION);
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
            }
            KeyManagerFactory kmf = null;
            if (tls.keystore().isPresent()) {
                KeyStore ks = load(
                        tls.keystore().get(),
                        tls.keystoreType(),
                        tls.keystorePassword(),
                        RegistryClientConfig.KEYSTORE_LOCATION);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                char[] keyPassword = tls.keyPassword()
                        .or(tls::keystorePassword)
                        .map(String::toCharArray)
                        .orElse(null);
                kmf.init(ks, keyPassword);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new ConfigException(
                    RegistryClientConfig.SSL_PREFIX + "*", "[hidden]", "cannot build the TLS context: " + e);
        }
    }

    private static KeyStore load(Path path, String type, Optional<String> password, String key) {
        try (InputStream in = Files.newInputStream(path)) {
            KeyStore ks = KeyStore.getInstance(type);
            ks.load(in, password.map(String::toCharArray).orElse(null));
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new ConfigException(
                    key,
                    path.toString(),
                    "cannot load the " + type + " store (wrong type or password?): " + e.getMessage());
        }
    }
}
