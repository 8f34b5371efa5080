package io.k8sm.serde;

import io.k8sm.errors.SerdeException;

/** The record names a schema id the registry does not know. */
public class UnknownSchemaIdException extends SerdeException {
    private static final long serialVersionUID = 1L;

    public UnknownSchemaIdException(String topic, boolean isKey, int schemaId, Throwable cause) {
        super(topic, isKey, schemaId, "schema id " + schemaId + " is not known to the schema registry", cause);
    }
}
