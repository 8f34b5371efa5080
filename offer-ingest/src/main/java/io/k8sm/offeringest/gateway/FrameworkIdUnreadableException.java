package io.k8sm.offeringest.gateway;

/**
 * The {@code framework-id} topic holds a record for the framework but it cannot be used (a tombstone,
 * bytes that do not decode, an unknown schema id): offer-ingest refuses to start rather than subscribe as
 * a new framework, which would make Mesos report every task lost. An {@link IllegalArgumentException} so
 * that {@code k8sm run offer-ingest} exits 2 with the message, as for a bad setting.
 */
public final class FrameworkIdUnreadableException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public FrameworkIdUnreadableException(String message, Throwable cause) {
        super(message, cause);
    }
}
