package io.k8sm.serde;

/**
 * Serde configuration keys (Confluent names); the registry client's keys are in {@link
 * io.k8sm.schemaregistry.RegistryClientConfig}.
 */
public final class AvroSerdeConfig {
    /**
     * Comma list of registry base URLs, or {@code mock://<scope>} for the shared in-memory registry.
     */
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";

    /** Serializer registers the record's schema under {@code <topic>-key|value} (default true). */
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";

    /** Serializer writes with the subject's latest version instead of registering (default false). */
    public static final String USE_LATEST_VERSION = "use.latest.version";

    /**
     * A deserializer without a target class decodes to the generated class named by the writer
     * schema, when on the class path (default false).
     */
    public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

    /** The Confluent wire format's first byte. */
    public static final byte MAGIC_BYTE = 0;

    /** Magic byte plus the 4-byte schema id. */
    public static final int HEADER_SIZE = 5;

    private AvroSerdeConfig() {}
}
