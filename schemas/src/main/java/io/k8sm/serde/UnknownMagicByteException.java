package io.k8sm.serde;

import io.k8sm.errors.SerdeException;

/** The first byte of a record is not the Confluent wire format's magic byte 0. */
public class UnknownMagicByteException extends SerdeException {
    private static final long serialVersionUID = 1L;
    private final byte magicByte;

    public UnknownMagicByteException(String topic, boolean isKey, byte magicByte) {
        super(
                topic,
                isKey,
                null,
                String.format(
                        "unknown magic byte 0x%02x (expected 0x00: not in the Confluent wire format, or written by another serializer)",
                        magicByte & 0xff),
                null);
        this.magicByte = magicByte;
    }

    public byte magicByte() {
        return magicByte;
    }
}
