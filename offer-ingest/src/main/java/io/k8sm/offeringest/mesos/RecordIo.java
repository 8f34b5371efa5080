package io.k8sm.offeringest.mesos;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** RecordIO encoding: {@code <decimal length>\n<record>}. */
public final class RecordIo {
    private RecordIo() {}

    public static byte[] encode(byte[] record) {
        if (record.length == 0) {
            throw new IllegalArgumentException("RecordIO records are never empty");
        }
        byte[] len = (record.length + "\n").getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(len.length + record.length)
                .put(len)
                .put(record)
                .array();
    }
}
