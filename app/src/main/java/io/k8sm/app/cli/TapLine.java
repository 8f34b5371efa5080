package io.k8sm.app.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.k8sm.errors.SerdeException;
import io.k8sm.serde.AvroDeserializer;
import io.k8sm.serde.AvroSerdeConfig;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * One record as tap prints it, and tap's filters on it: {@code {"topic", "partition", "offset",
 * "timestamp", "key", ["headers"], ["schemaId"], "value"}} — the value decoded through the registry
 * and rendered by {@link AvroJson}, or {@code "error"} for an unreadable record of a k8sm topic. A
 * topic outside the catalogue (a changelog, {@code _schemas}) is decoded when its value is in the
 * Confluent wire format and shown raw (text or base64) otherwise.
 */
final class TapLine {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> ENVELOPE =
            Set.of("topic", "partition", "offset", "timestamp", "key", "headers", "schemaId", "value", "error");

    /** Thrown when the registry is out of reach: an outage, not a bad record, so tap stops. */
    static final class RegistryOutage extends RuntimeException {
        RegistryOutage(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final AvroDeserializer<Object> values;
    private final boolean headers;
    private final boolean schemaId;
    private final boolean pretty;

    TapLine(AvroDeserializer<Object> values, boolean headers, boolean schemaId, boolean pretty) {
        this.values = values;
        this.headers = headers;
        this.schemaId = schemaId;
        this.pretty = pretty;
    }

    /** The JSON of a record; {@code catalogued}: a k8sm topic, whose values must be Avro. */
    ObjectNode render(ConsumerRecord<byte[], byte[]> r, boolean catalogued) {
        ObjectNode o = JSON.createObjectNode();
        o.put("topic", r.topic());
        o.put("partition", r.partition());
        o.put("offset", r.offset());
        o.put("timestamp", Instant.ofEpochMilli(r.timestamp()).toString());
        o.set("key", AvroJson.raw(r.key()));
        if (headers) {
            ArrayNode hs = o.putArray("headers");
            for (Header h : r.headers()) {
                ObjectNode hn = hs.addObject();
                hn.put("key", h.key());
                hn.set("value", AvroJson.raw(h.value()));
            }
        }
        byte[] v = r.value();
        boolean wire = v != null && v.length >= AvroSerdeConfig.HEADER_SIZE && v[0] == AvroSerdeConfig.MAGIC_BYTE;
        if (schemaId) {
            if (wire) {
                o.put("schemaId", ByteBuffer.wrap(v, 1, 4).getInt());
            } else {
                o.putNull("schemaId");
            }
        }
        if (v == null) {
            o.putNull("value");
            return o;
        }
        if (!catalogued && !wire) {
            o.set("value", AvroJson.raw(v));
            return o;
        }
        try {
            o.set("value", AvroJson.of(values.deserialize(r.topic(), r.headers(), v)));
        } catch (RuntimeException e) {
            if (SerdeException.isTransient(e)) {
                throw new RegistryOutage(
                        "cannot decode " + r.topic() + "/" + r.partition() + "/" + r.offset() + ": " + e.getMessage()
                                + " (-r / schema.registry.url names the registry)",
                        e);
            }
            if (!catalogued) {
                o.set("value", AvroJson.raw(v));
                return o;
            }
            o.put("error", e.getMessage() + " (at " + r.topic() + "/" + r.partition() + "/" + r.offset() + ")");
        }
        return o;
    }

    /** The line as printed: compact, or indented with {@code -o pretty}. */
    String text(JsonNode line) {
        return text(line, pretty);
    }

    static String text(JsonNode line, boolean pretty) {
        try {
            return (pretty ? PRETTY : JSON).writeValueAsString(line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a record as JSON", e);
        }
    }

    /** A {@code --where PATH=VALUE} condition. */
    record Where(List<String> path, String value) {
        static Where parse(String spec) {
            int eq = spec.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "--where: expected PATH=VALUE (e.g. value.podKey=default/web-1), not '" + spec + "'");
            }
            List<String> path = List.of(spec.substring(0, eq).split("\\."));
            if (!ENVELOPE.contains(path.get(0))) {
                path = new java.util.ArrayList<>(path);
                path.add(0, "value");
            }
            return new Where(List.copyOf(path), spec.substring(eq + 1));
        }

        /**
         * True when the field at the path is the value (as text; {@code null} for null), or is an
         * object with a field of that name (a union's branch: {@code value.event=Heartbeat}).
         */
        boolean matches(JsonNode line) {
            JsonNode n = line;
            for (String p : path) {
                n = n == null ? null : n.get(p);
            }
            if (n == null) {
                return false;
            }
            if (n.isNull()) {
                return value.equals("null");
            }
            if (n.isObject()) {
                return n.has(value);
            }
            if (n.isArray()) {
                for (JsonNode e : n) {
                    if (e.isValueNode() && e.asText().equals(value)) {
                        return true;
                    }
                }
                return false;
            }
            return n.asText().equals(value);
        }
    }

    /** All conditions hold, and the grep pattern (if any) is found in the rendered line. */
    static boolean accepted(JsonNode line, String text, List<Where> where, Pattern grep, String key) {
        if (key != null && !key.equals(line.path("key").asText(null))) {
            return false;
        }
        for (Where w : where) {
            if (!w.matches(line)) {
                return false;
            }
        }
        return grep == null || grep.matcher(text).find();
    }
}
