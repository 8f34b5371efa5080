package io.k8sm.schemaregistry;

/**
 * No registry URL gave a usable answer after all retries: connection refused, timeouts, HTTP 5xx or
 * 429. {@link #httpStatus()} is the last status seen (-1 if none arrived); the cause is the last
 * I/O error, if any.
 */
public class RegistryUnreachableException extends SchemaRegistryException {
    private static final long serialVersionUID = 1L;
    private final int attempts;

    public RegistryUnreachableException(
            String request, int attempts, int lastStatus, int lastErrorCode, String lastProblem, Throwable cause) {
        super(
                request,
                lastStatus,
                lastErrorCode,
                "unreachable after " + attempts + " attempt(s); last problem: " + lastProblem,
                cause);
        this.attempts = attempts;
    }

    /** Always transient: an outage says nothing about the record. */
    @Override
    public boolean isTransient() {
        return true;
    }

    public int attempts() {
        return attempts;
    }
}
