package io.k8sm.schemaregistry;

/** The registry refused a schema as incompatible with the subject's earlier versions (HTTP 409). */
public class IncompatibleSchemaException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;

    public IncompatibleSchemaException(String request, int httpStatus, int errorCode, String message) {
        super(request, httpStatus, errorCode, message, null);
    }
}
