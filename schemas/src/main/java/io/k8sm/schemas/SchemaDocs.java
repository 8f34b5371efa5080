package io.k8sm.schemas;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;

/** Finds the records, enums, fixed types and fields of a schema that carry no documentation. */
public final class SchemaDocs {

    private SchemaDocs() {}

    /**
     * The places in {@code schema} (and every type it contains) without a non-blank {@code doc}, as
     * readable paths such as {@code io.k8sm.avro.PodSnapshot.containers} or {@code
     * io.k8sm.avro.Protocol}; empty when everything is documented.
     */
    public static List<String> undocumented(Schema schema) {
        List<String> missing = new ArrayList<>();
        walk(schema, new HashSet<>(), missing);
        return missing;
    }

    private static void walk(Schema schema, Set<String> seen, List<String> missing) {
        switch (schema.getType()) {
            case RECORD -> {
                if (!seen.add(schema.getFullName())) {
                    return;
                }
                if (blank(schema.getDoc())) {
                    missing.add(schema.getFullName());
                }
                for (Schema.Field field : schema.getFields()) {
                    if (blank(field.doc())) {
                        missing.add(schema.getFullName() + "." + field.name());
                    }
                    walk(field.schema(), seen, missing);
                }
            }
            case ENUM, FIXED -> {
                if (seen.add(schema.getFullName()) && blank(schema.getDoc())) {
                    missing.add(schema.getFullName());
                }
            }
            case UNION -> schema.getTypes().forEach(t -> walk(t, seen, missing));
            case ARRAY -> walk(schema.getElementType(), seen, missing);
            case MAP -> walk(schema.getValueType(), seen, missing);
            default -> {}
        }
    }

    private static boolean blank(String doc) {
        return doc == null || doc.isBlank();
    }
}
