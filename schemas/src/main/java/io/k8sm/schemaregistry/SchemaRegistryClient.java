package io.k8sm.schemaregistry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The operations of the Confluent schema registry REST API that k8sm uses. Every method throws a
 * {@link SchemaRegistryException} subtype on failure: {@link SchemaNotFoundException}, {@link
 * IncompatibleSchemaException}, {@link InvalidSchemaException}, {@link RegistryAuthException} or
 * {@link RegistryUnreachableException}.
 */
public interface SchemaRegistryClient extends AutoCloseable {

    /** The version keyword the API accepts in place of a number. */
    String LATEST = "latest";

    /**
     * Registers the schema under the subject (idempotent) and returns its global id. {@code POST
     * /subjects/{s}/versions}
     */
    int register(String subject, Schema schema);

    /** The schema with that global id. {@code GET /schemas/ids/{id}} */
    Schema getById(int id);

    /** The id of a schema already registered under the subject. {@code POST /subjects/{s}} */
    int lookupId(String subject, Schema schema);

    /** The subject's latest version. {@code GET /subjects/{s}/versions/latest} */
    default SchemaVersion latest(String subject) {
        return getVersion(subject, LATEST);
    }

    /** One version of the subject. {@code GET /subjects/{s}/versions/{v}} */
    default SchemaVersion getVersion(String subject, int version) {
        return getVersion(subject, Integer.toString(version));
    }

    /** One version of the subject, {@code version} a number or {@code "latest"}. */
    SchemaVersion getVersion(String subject, String version);

    /** All subjects. {@code GET /subjects} */
    List<String> subjects();

    /** The subject's compatibility level. {@code PUT /config/{s}} */
    void setCompatibility(String subject, CompatibilityLevel level);

    /**
     * Whether the schema is compatible with that version of the subject (a number or {@code
     * "latest"}). {@code POST /compatibility/subjects/{s}/versions/{v}}
     */
    boolean isCompatible(String subject, String version, Schema schema);

    default boolean isCompatible(String subject, int version, Schema schema) {
        return isCompatible(subject, Integer.toString(version), schema);
    }

    /**
     * The subject naming of the Confluent default strategy: {@code <topic>-key} / {@code
     * <topic>-value}.
     */
    static String subjectFor(String topic, boolean isKey) {
        return topic + (isKey ? "-key" : "-value");
    }

    @Override
    default void close() {}
}
