package io.k8sm.schemaregistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
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
 *
 * <p>This class is the endpoints and the caches; the failover, retries and error mapping are {@link
 * RegistryHttp}, the TLS context {@link RegistryTls}.
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
    private final ObjectMapper json = new ObjectMapper();
    private final RegistryHttp http;
    private final LruCache<Integer, Schema> schemasById;
    private final LruCache<SubjectSchema, Integer> idsBySchema;
    private final LruCache<SubjectVersion, SchemaVersion> versions;

    public RestSchemaRegistryClient(Map<String, ?> configs) {
        this(RegistryClientConfig.from(configs));
    }

    public RestSchemaRegistryClient(RegistryClientConfig config) {
        this(config, d -> Thread.sleep(d.toMillis()));
    }

    RestSchemaRegistryClient(RegistryClientConfig config, Sleeper sleeper) {
        this.config = config;
        this.http = new RegistryHttp(config, sleeper, json);
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
        JsonNode answer = http.call("POST", "/subjects/" + segment(subject) + "/versions", schemaBody(schema));
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
        JsonNode answer = http.call("GET", "/schemas/ids/" + id, null);
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
        JsonNode answer = http.call("POST", "/subjects/" + segment(subject), schemaBody(schema));
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
        JsonNode answer = http.call("GET", "/subjects/" + segment(subject) + "/versions/" + version, null);
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
        JsonNode answer = http.call("GET", "/subjects", null);
        if (!answer.isArray()) {
            throw new SchemaRegistryException(
                    "GET /subjects",
                    200,
                    -1,
                    "expected a JSON array, got: " + RegistryHttp.abbreviate(answer.toString()),
                    null);
        }
        List<String> out = new ArrayList<>();
        answer.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Override
    public void setCompatibility(String subject, CompatibilityLevel level) {
        ObjectNode body = json.createObjectNode().put("compatibility", level.name());
        http.call("PUT", "/config/" + segment(subject), body.toString());
    }

    @Override
    public boolean isCompatible(String subject, String version, Schema schema) {
        if (!LATEST.equals(version)) {
            parseVersion(version);
        }
        JsonNode answer = http.call(
                "POST", "/compatibility/subjects/" + segment(subject) + "/versions/" + version, schemaBody(schema));
        JsonNode flag = answer.get("is_compatible");
        if (flag == null || !flag.isBoolean()) {
            throw new SchemaRegistryException(
                    "POST /compatibility/subjects/" + subject + "/versions/" + version,
                    200,
                    -1,
                    "answer lacks the boolean is_compatible: " + RegistryHttp.abbreviate(answer.toString()),
                    null);
        }
        return flag.booleanValue();
    }

    /** The wait before retry round {@code round} (1 is the first retry). */
    Duration backoff(int round) {
        return http.backoff(round);
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
                    "GET " + what,
                    200,
                    -1,
                    "answer lacks the schema string: " + RegistryHttp.abbreviate(answer.toString()),
                    null);
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
                    what,
                    200,
                    -1,
                    "answer lacks the integer '" + field + "': " + RegistryHttp.abbreviate(answer.toString()),
                    null);
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
}
