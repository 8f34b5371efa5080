package io.k8sm.schemaregistry;

/** The registry refused the credentials (HTTP 401) or the access (HTTP 403). Never retried. */
public class RegistryAuthException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;

    public RegistryAuthException(String request, int httpStatus, int errorCode, String message) {
        super(request, httpStatus, errorCode, message, null);
    }
}
