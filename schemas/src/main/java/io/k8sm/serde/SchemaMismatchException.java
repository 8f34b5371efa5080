package io.k8sm.serde;

import io.k8sm.errors.SerdeException;

/**
 * The record's writer schema cannot be resolved to the reader schema (deserializer), or the
 * record's schema cannot be written as the subject's latest version ({@code use.latest.version}).
 */
public class SchemaMismatchException extends SerdeException {
    private static final long serialVersionUID = 1L;

    public SchemaMismatchException(String topic, boolean isKey, Integer schemaId, String detail) {
        super(topic, isKey, schemaId, detail, null);
    }
}
