package io.k8sm.serde;

import java.lang.reflect.Method;
import org.apache.avro.SystemLimitException;

/**
 * Bounds what one Avro body may make the decoder allocate (review AV1). Avro reads the limits from
 * the {@code org.apache.avro.limits.*} system properties once, when {@link SystemLimitException} is
 * initialised; their default is about 2^31, so a 10-byte body can ask for a 2 GiB string or an
 * array of 2^31 items. {@link #apply()} sets a bounded default for each limit the operator has not
 * set (the {@code k8sm} script and the Dockerfile set the same values) and, should Avro already
 * have read its limits, makes it read them again. A record over a limit fails with a {@link
 * SystemLimitException}, which the deserializer reports as a {@link CorruptRecordException}.
 */
public final class AvroLimits {
    /** Longest string, in bytes: 8 MiB, far above any record Kafka accepts by default (1 MiB). */
    public static final int MAX_STRING_BYTES = 8 * 1024 * 1024;

    /** Longest bytes value: 8 MiB. */
    public static final int MAX_BYTES = 8 * 1024 * 1024;

    /** Most items in one array or map: one million (an 8 MiB reference array at worst). */
    public static final int MAX_COLLECTION_ITEMS = 1_000_000;

    private static volatile boolean applied;

    private AvroLimits() {}

    /** Sets the limits (idempotent); called before the first decode. */
    public static synchronized void apply() {
        if (applied) {
            return;
        }
        setIfAbsent(SystemLimitException.MAX_STRING_LENGTH_PROPERTY, MAX_STRING_BYTES);
        setIfAbsent(SystemLimitException.MAX_BYTES_LENGTH_PROPERTY, MAX_BYTES);
        setIfAbsent(SystemLimitException.MAX_COLLECTION_LENGTH_PROPERTY, MAX_COLLECTION_ITEMS);
        if (!inForce()) {
            reread();
        }
        applied = true;
    }

    /** Whether Avro refuses a string one byte over the configured limit. */
    static boolean inForce() {
        long limit = Long.parseLong(System.getProperty(SystemLimitException.MAX_STRING_LENGTH_PROPERTY));
        try {
            SystemLimitException.checkMaxStringLength(limit + 1);
            return false;
        } catch (SystemLimitException expected) {
            return true;
        }
    }

    private static void setIfAbsent(String property, int value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, Integer.toString(value));
        }
    }

    private static void reread() {
        try {
            Method reset = SystemLimitException.class.getDeclaredMethod("resetLimits");
            reset.setAccessible(true);
            reset.invoke(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new IllegalStateException(
                    "Avro read its limits before k8sm could set them; start the JVM with -D"
                            + SystemLimitException.MAX_STRING_LENGTH_PROPERTY
                            + "=... (see the k8sm script)",
                    e);
        }
    }
}
