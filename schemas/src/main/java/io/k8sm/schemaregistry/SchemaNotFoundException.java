package io.k8sm.schemaregistry;

/** Subject (40401), version (40402) or schema (40403) not found; see {@link #errorCode()}. */
public class SchemaNotFoundException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;

    public SchemaNotFoundException(String request, int httpStatus, int errorCode, String message) {
        super(request, httpStatus, errorCode, message, null);
    }
}
