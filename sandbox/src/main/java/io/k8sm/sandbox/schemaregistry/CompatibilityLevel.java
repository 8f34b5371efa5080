package io.k8sm.sandbox.schemaregistry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * The Confluent compatibility levels, decided with Avro's own {@link SchemaCompatibility}.
 *
 * <p>BACKWARD: the new schema can read data written with the old one. FORWARD: the old schema can
 * read data written with the new one. FULL: both. Plain levels compare with the latest version
 * only; the {@code _TRANSITIVE} ones with every earlier version.
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    public boolean transitive() {
        return transitive;
    }

    /** Parses a level name (case-insensitive), or fails with Confluent's 42203. */
    public static CompatibilityLevel parse(String name) {
        if (name == null) {
            throw RegistryException.invalidCompatibility("null");
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw RegistryException.invalidCompatibility(name);
        }
    }

    /**
     * The incompatibilities of {@code candidate} against {@code existing} (oldest first) under this
     * level; empty when compatible. Plain levels look at the last element only.
     */
    public List<String> problems(Schema candidate, List<Schema> existing) {
        List<String> out = new ArrayList<>();
        if (this == NONE || existing.isEmpty()) {
            return out;
        }
        List<Schema> against = transitive ? existing : List.of(existing.get(existing.size() - 1));
        for (Schema old : against) {
            if (backward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, old), "BACKWARD", out);
            }
            if (forward) {
                describe(SchemaCompatibility.checkReaderWriterCompatibility(old, candidate), "FORWARD", out);
            }
        }
        return out;
    }

    private static void describe(SchemaPairCompatibility result, String direction, List<String> out) {
        if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
            return;
        }
        result.getResult()
                .getIncompatibilities()
                .forEach(i ->
                        out.add(direction + ": " + i.getType() + " at " + i.getLocation() + ": " + i.getMessage()));
        if (result.getResult().getIncompatibilities().isEmpty()) {
            out.add(direction + ": " + result.getDescription());
        }
    }
}
