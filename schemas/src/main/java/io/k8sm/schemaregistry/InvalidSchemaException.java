package io.k8sm.schemaregistry;

/**
 * The registry refused the request as invalid (HTTP 422: invalid schema 42201, version 42202,
 * compatibility level 42203).
 */
public class InvalidSchemaException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;

    public InvalidSchemaException(String request, int httpStatus, int errorCode, String message) {
        super(request, httpStatus, errorCode, message, null);
    }
}
