package io.k8sm.schemaregistry;

/**
 * The registry refused the credentials (HTTP 401) or the access (HTTP 403). Never retried by the
 * client, but {@linkplain #isTransient() transient} for consumers: the record is not at fault, and
 * skipping it would lose it until an operator fixes the credentials.
 */
public class RegistryAuthException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;

    public RegistryAuthException(String request, int httpStatus, int errorCode, String message) {
        super(request, httpStatus, errorCode, message, null);
    }

    @Override
    public boolean isTransient() {
        return true;
    }
}
