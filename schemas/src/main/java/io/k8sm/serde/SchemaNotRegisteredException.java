package io.k8sm.serde;

import io.k8sm.errors.SerdeException;

/**
 * The serializer may not register schemas ({@code auto.register.schemas=false}) and the record's
 * schema is not registered under the topic's subject, or the subject has none.
 */
public class SchemaNotRegisteredException extends SerdeException {
    private static final long serialVersionUID = 1L;

    public SchemaNotRegisteredException(String topic, boolean isKey, String subject, Throwable cause) {
        super(
                topic,
                isKey,
                null,
                "the record's schema is not registered under subject '"
                        + subject
                        + "' and auto.register.schemas is false",
                cause);
    }
}
