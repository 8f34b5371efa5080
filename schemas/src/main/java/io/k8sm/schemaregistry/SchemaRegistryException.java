package io.k8sm.schemaregistry;

import io.k8sm.errors.SerdeException;

/**
 * An error answered by (or on the way to) the schema registry. {@link #httpStatus()} and {@link
 * #errorCode()} carry the HTTP status and the Confluent {@code error_code} of the JSON error body
 * ({@code -1} when there was none). Subclasses name the common cases.
 */
public class SchemaRegistryException extends SerdeException {
    private static final long serialVersionUID = 1L;

    public static final int SUBJECT_NOT_FOUND = 40401;
    public static final int VERSION_NOT_FOUND = 40402;
    public static final int SCHEMA_NOT_FOUND = 40403;
    public static final int INCOMPATIBLE_SCHEMA = 409;
    public static final int INVALID_SCHEMA = 42201;
    public static final int INVALID_VERSION = 42202;
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;

    private final int httpStatus;
    private final int errorCode;
    private final String request;

    public SchemaRegistryException(String request, int httpStatus, int errorCode, String message, Throwable cause) {
        super(describe(request, httpStatus, errorCode, message), cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.request = request;
    }

    private static String describe(String request, int httpStatus, int errorCode, String message) {
        StringBuilder sb = new StringBuilder("schema registry ");
        sb.append(request);
        if (httpStatus > 0) {
            sb.append(" answered HTTP ").append(httpStatus);
        }
        if (errorCode > 0) {
            sb.append(" error_code ").append(errorCode);
        }
        return sb.append(": ").append(message).toString();
    }

    /**
     * Transient when the registry answered 5xx, 429 (too many requests) or 408 (request timeout): the
     * registry is in trouble, not the record.
     */
    @Override
    public boolean isTransient() {
        return httpStatus >= 500 || httpStatus == 429 || httpStatus == 408;
    }

    /** The HTTP status of the answer; -1 when no answer arrived. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The Confluent {@code error_code} of the answer's JSON body; -1 when there was none. */
    public int errorCode() {
        return errorCode;
    }

    /** The request that failed, as {@code METHOD url}. */
    public String request() {
        return request;
    }
}
