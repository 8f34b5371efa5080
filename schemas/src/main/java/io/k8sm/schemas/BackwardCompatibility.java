package io.k8sm.schemas;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/**
 * The BACKWARD compatibility rule of the contract: data written with a released schema (the writer)
 * must stay readable with the current schema (the reader). A current schema with no released
 * counterpart is new and always allowed; a released schema that disappeared is a violation.
 */
public final class BackwardCompatibility {

    private BackwardCompatibility() {}

    /**
     * One reason why a current schema cannot read data written with its released version.
     *
     * @param schema full name of the schema at fault
     * @param kind what is wrong (an Avro {@code SchemaIncompatibilityType} name, or {@code REMOVED})
     * @param location where in the schema (a JSON pointer into the reader schema), or empty
     * @param message Avro's explanation
     */
    public record Violation(String schema, String kind, String location, String message) {
        @Override
        public String toString() {
            return schema + ": " + kind + (location.isEmpty() ? "" : " at " + location) + ": " + message;
        }
    }

    /**
     * The violations of reading {@code released}-written data with {@code current}; empty if none.
     */
    public static List<Violation> check(Schema current, Schema released) {
        var result = SchemaCompatibility.checkReaderWriterCompatibility(current, released)
                .getResult();
        if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        List<Violation> violations = new ArrayList<>();
        for (Incompatibility inc : result.getIncompatibilities()) {
            violations.add(new Violation(
                    released.getFullName(),
                    inc.getType().name(),
                    inc.getLocation() == null ? "" : inc.getLocation(),
                    inc.getMessage()));
        }
        return violations;
    }

    /**
     * Checks every released schema against the current schema of the same full name.
     *
     * @param released released schemas, by full name
     * @param current current schemas, by full name (may contain more: those are new)
     */
    public static List<Violation> checkAll(Map<String, Schema> released, Map<String, Schema> current) {
        List<Violation> violations = new ArrayList<>();
        released.forEach((name, writer) -> {
            Schema reader = current.get(name);
            if (reader == null) {
                violations.add(new Violation(
                        name, "REMOVED", "", "the schema was released but no current schema has this name"));
            } else {
                violations.addAll(check(reader, writer));
            }
        });
        return violations;
    }

    /**
     * Checks the top-level schema of every released file against the current directory.
     *
     * @throws IncompatibleSchemaException listing every violation, each naming its schema
     */
    public static void requireCompatible(SchemaDirectory released, SchemaDirectory current) {
        Map<String, Schema> releasedTopLevel = released.files().stream()
                .collect(Collectors.toMap(
                        SchemaDirectory.SchemaFile::fullName,
                        SchemaDirectory.SchemaFile::schema,
                        (a, b) -> a,
                        java.util.LinkedHashMap::new));
        List<Violation> violations = checkAll(releasedTopLevel, current.named());
        if (!violations.isEmpty()) {
            throw new IncompatibleSchemaException(violations);
        }
    }

    /** Thrown when current schemas cannot read data written with released ones. */
    public static final class IncompatibleSchemaException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient List<Violation> violations;

        public IncompatibleSchemaException(List<Violation> violations) {
            super("schemas are not BACKWARD compatible with their released versions:\n  "
                    + violations.stream().map(Violation::toString).collect(Collectors.joining("\n  ")));
            this.violations = List.copyOf(violations);
        }

        public List<Violation> violations() {
            return violations;
        }
    }
}
