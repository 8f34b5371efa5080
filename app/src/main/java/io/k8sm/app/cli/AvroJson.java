package io.k8sm.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.avro.LogicalType;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

/**
 * Decoded Avro data as readable JSON, for people and {@code jq}: a union with more than one
 * non-null branch names its branch ({@code {"Heartbeat": {}}}, the schema's simple name, so that
 * {@code --where value.event.Heartbeat...} paths need no dots in names); {@code timestamp-millis}
 * and {@code date} read as ISO-8601; {@code bytes} as base64, except a 16-byte field named {@code
 * uuid}, which reads as a UUID. Raw bytes with no schema read as UTF-8 text when they are that,
 * base64 otherwise ({@link #raw}).
 */
public final class AvroJson {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    private AvroJson() {}

    /** A decoded value (a record of any schema, or a primitive) as JSON. */
    public static JsonNode of(Object value) {
        if (value instanceof IndexedRecord r) {
            return of(value, r.getSchema(), null);
        }
        return of(value, null, null);
    }

    static JsonNode of(Object v, Schema schema, String field) {
        if (v == null) {
            return F.nullNode();
        }
        if (schema != null && schema.getType() == Schema.Type.UNION) {
            int i = GenericData.get().resolveUnion(schema, v);
            Schema branch = schema.getTypes().get(i);
            JsonNode inner = of(v, branch, field);
            long nonNull = schema.getTypes().stream()
                    .filter(s -> s.getType() != Schema.Type.NULL)
                    .count();
            if (nonNull <= 1) {
                return inner;
            }
            ObjectNode named = F.objectNode();
            named.set(branchName(branch), inner);
            return named;
        }
        LogicalType logical = schema == null ? null : schema.getLogicalType();
        if (v instanceof IndexedRecord r) {
            ObjectNode o = F.objectNode();
            for (Schema.Field f : r.getSchema().getFields()) {
                o.set(f.name(), of(r.get(f.pos()), f.schema(), f.name()));
            }
            return o;
        }
        if (v instanceof Map<?, ?> m) {
            ObjectNode o = F.objectNode();
            Schema values = schema == null ? null : schema.getValueType();
            m.forEach((k, x) -> o.set(String.valueOf(k), of(x, values, null)));
            return o;
        }
        if (v instanceof List<?> l) {
            ArrayNode a = F.arrayNode();
            Schema items = schema == null ? null : schema.getElementType();
            l.forEach(x -> a.add(of(x, items, null)));
            return a;
        }
        if (v instanceof ByteBuffer b) {
            return bytes(toArray(b), field);
        }
        if (v instanceof GenericFixed fx) {
            return bytes(fx.bytes(), field);
        }
        if (v instanceof Instant t) {
            return F.textNode(t.toString());
        }
        if (v instanceof Long n) {
            if (logical != null && logical.getName().startsWith("timestamp-millis")) {
                return F.textNode(Instant.ofEpochMilli(n).toString());
            }
            if (logical != null && logical.getName().startsWith("timestamp-micros")) {
                return F.textNode(Instant.EPOCH.plusNanos(n * 1000).toString());
            }
            return F.numberNode(n);
        }
        if (v instanceof Integer n) {
            if (logical != null && logical.getName().equals("date")) {
                return F.textNode(LocalDate.ofEpochDay(n).toString());
            }
            return F.numberNode(n);
        }
        if (v instanceof Double d) {
            return Double.isFinite(d) ? F.numberNode(d) : F.textNode(d.toString());
        }
        if (v instanceof Float d) {
            return Float.isFinite(d) ? F.numberNode(d) : F.textNode(d.toString());
        }
        if (v instanceof Boolean b) {
            return F.booleanNode(b);
        }
        if (v instanceof GenericEnumSymbol<?> || v instanceof Enum<?>) {
            return F.textNode(v.toString());
        }
        return F.textNode(v.toString());
    }

    private static String branchName(Schema branch) {
        return switch (branch.getType()) {
            case RECORD, ENUM, FIXED -> branch.getName();
            default -> branch.getType().getName();
        };
    }

    private static JsonNode bytes(byte[] b, String field) {
        if (b.length == 16
                && field != null
                && field.toLowerCase(java.util.Locale.ROOT).endsWith("uuid")) {
            ByteBuffer bb = ByteBuffer.wrap(b);
            return F.textNode(new UUID(bb.getLong(), bb.getLong()).toString());
        }
        return F.textNode(Base64.getEncoder().encodeToString(b));
    }

    /** Raw bytes without a schema: UTF-8 text when they decode as such, else {@code {"base64": ...}}. */
    public static JsonNode raw(byte[] b) {
        if (b == null) {
            return F.nullNode();
        }
        String text = utf8(b);
        if (text != null) {
            return F.textNode(text);
        }
        ObjectNode o = F.objectNode();
        o.put("base64", Base64.getEncoder().encodeToString(b));
        return o;
    }

    /** The bytes as text if they are valid UTF-8 without control characters other than whitespace. */
    public static String utf8(byte[] b) {
        try {
            CharBuffer c = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(b));
            for (int i = 0; i < c.length(); i++) {
                char ch = c.charAt(i);
                if (Character.isISOControl(ch) && !Character.isWhitespace(ch)) {
                    return null;
                }
            }
            return c.toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static byte[] toArray(ByteBuffer b) {
        ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
