package io.k8sm.serde;

import io.k8sm.errors.SerdeException;

/**
 * The record's bytes are too short for the wire format, or the Avro body cannot be decoded with its
 * writer schema.
 */
public class CorruptRecordException extends SerdeException {
    private static final long serialVersionUID = 1L;

    public CorruptRecordException(String topic, boolean isKey, Integer schemaId, String detail, Throwable cause) {
        super(topic, isKey, schemaId, detail, cause);
    }
}
