package io.k8sm.serde;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.schemaregistry.InMemorySchemaRegistryClient;
import io.k8sm.serde.test.Sample;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** AV1: a small record must not force a huge allocation. */
class AvroLimitsTest {

    @Test
    void aTenByteBodyDeclaringA2GiBStringIsRejectedAsCorruptWithoutAHugeAllocation() {
        InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
        int id = registry.register("t-value", Sample.getClassSchema());
        // header, then the "name" string's length as a zig-zag varint: 2^31 - 9 (Avro's own ceiling)
        long length = Integer.MAX_VALUE - 8L;
        long zigzag = length << 1;
        byte[] body = new byte[16];
        body[0] = 0;
        body[1] = (byte) (id >>> 24);
        body[2] = (byte) (id >>> 16);
        body[3] = (byte) (id >>> 8);
        body[4] = (byte) id;
        int n = 5;
        while ((zigzag & ~0x7FL) != 0) {
            body[n++] = (byte) ((zigzag & 0x7F) | 0x80);
            zigzag >>>= 7;
        }
        body[n++] = (byte) zigzag;
        byte[] data = java.util.Arrays.copyOf(body, n + 2);
        AvroDeserializer<Sample> d = AvroDeserializer.specific(Sample.class, registry);

        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        assertThrows(CorruptRecordException.class, () -> {
            try {
                d.deserialize("t", data);
            } catch (OutOfMemoryError e) {
                throw new AssertionError("decoding allocated without bound: " + e, e);
            }
        });
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertTrue(
                allocated < 16L * 1024 * 1024,
                "allocated " + allocated + " bytes for a " + data.length + "-byte record");
    }
}
