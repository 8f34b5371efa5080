package io.k8sm.sandbox.schemaregistry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's HTTP side: the Confluent REST routes over a {@link SchemaStore}, Basic auth, and
 * the error bodies ({@code error_code}, {@code message}) Confluent clients expect.
 */
final class SchemaRegistryHttp {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    private static final String CONTENT_TYPE = EmbeddedSchemaRegistry.CONTENT_TYPE;
    private static final List<String> ACCEPTED_CONTENT_TYPES = List.of(
            "application/vnd.schemaregistry.v1+json", "application/vnd.schemaregistry+json",
            "application/json", "application/octet-stream");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The largest request body read (review ER1): 4 MiB, far above any real schema. */
    static final int MAX_BODY_BYTES = 4 * 1024 * 1024;

    /** How much of an oversized body is read and dropped so that its sender still gets the 413. */
    static final long DRAIN_LIMIT_BYTES = 64L * 1024 * 1024;

    private final SchemaStore store;
    private final String expectedAuthorization;

    SchemaRegistryHttp(SchemaStore store, String expectedAuthorization) {
        this.store = store;
        this.expectedAuthorization = expectedAuthorization;
    }

    void handle(HttpExchange ex) throws IOException {
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
            // every answer — a refusal before the body was read above all — first reads what is left of the body:
            // closing the exchange over unread bytes resets the connection, and the client loses the answer
            drain(ex);
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
        String declared = ex.getRequestHeaders().getFirst("Content-Length");
        if (declared != null
                && declared.trim().matches("\\d{1,19}")
                && Long.parseLong(declared.trim()) > MAX_BODY_BYTES) {
            throw tooLarge(ex);
        }
        try (InputStream in = ex.getRequestBody()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                throw tooLarge(ex);
            }
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

    /**
     * The 413 for a body over the limit. The rest of the body, up to {@link #DRAIN_LIMIT_BYTES}, is
     * read and dropped first: a client still sending it would otherwise lose the answer when the
     * connection closes under it.
     */
    private static RegistryException tooLarge(HttpExchange ex) {
        drain(ex);
        return new RegistryException(
                413, 413, "Request Entity Too Large: the body may have at most " + MAX_BODY_BYTES + " bytes");
    }

    /**
     * Reads and drops what is left of the request body, at most {@link #DRAIN_LIMIT_BYTES} (a body that was read, or
     * whose stream is closed, costs nothing). Beyond the limit the connection is closed under the sender.
     */
    private static void drain(HttpExchange ex) {
        try (InputStream in = ex.getRequestBody()) {
            long left = DRAIN_LIMIT_BYTES;
            byte[] sink = new byte[64 * 1024];
            for (int n; left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0; ) {
                left -= n;
            }
        } catch (IOException e) {
            // already closed (the route read it), or the client went away and the answer is lost with it
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
}
