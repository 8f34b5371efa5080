package io.k8sm.deadletter;

import io.k8sm.avro.DeadLetter;
import io.k8sm.avro.DeadLetterHeader;
import io.k8sm.errors.SerdeException;
import io.k8sm.schemaregistry.RegistryUnreachableException;
import io.k8sm.schemaregistry.SchemaRegistryException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Builds {@link DeadLetter} records and their keys; shared by the publisher and the Streams
 * handlers.
 *
 * <p>A dead letter is never itself a poison pill: a key or value over {@value #MAX_BYTES} bytes is
 * cut to its first {@value #MAX_BYTES} bytes, and the reason then says so with the whole's length
 * and SHA-256; headers are kept up to {@value #MAX_BYTES} bytes in all, the reason up to {@value
 * #MAX_REASON_CHARS} characters. A dead letter is thus at most a few hundred KiB, well under the
 * broker's 1 MiB default.
 */
public final class DeadLetters {
    /** Default name of the dead-letter topic (the topic catalogue may configure another). */
    public static final String DEFAULT_TOPIC = "k8sm.dead-letters";

    /** The most bytes of a key, of a value, and of all headers together, a dead letter keeps. */
    public static final int MAX_BYTES = 64 * 1024;

    /** The longest reason a dead letter keeps (characters). */
    public static final int MAX_REASON_CHARS = 8 * 1024;

    private DeadLetters() {}

    /** The dead-letter key: {@code topic/partition/offset} of the failed record. */
    public static String keyFor(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }

    public static byte[] keyBytes(DeadLetter letter) {
        return keyFor(letter.getSourceTopic(), letter.getSourcePartition(), letter.getSourceOffset())
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * A dead letter for the raw record at those coordinates. A negative timestamp (none) is stored as
     * null; the reason is the failure's message enriched with the coordinates, then its causes.
     */
    public static DeadLetter build(
            String topic,
            int partition,
            long offset,
            long timestamp,
            byte[] key,
            byte[] value,
            Headers headers,
            Throwable cause,
            String application,
            Instant failedAt) {
        List<DeadLetterHeader> hs = new ArrayList<>();
        StringBuilder cut = new StringBuilder();
        if (headers != null) {
            int budget = MAX_BYTES;
            int dropped = 0;
            for (Header h : headers) {
                int size = h.key().length() + (h.value() == null ? 0 : h.value().length);
                if (size > budget) {
                    dropped++;
                    continue;
                }
                budget -= size;
                hs.add(new DeadLetterHeader(
                        h.key(),
                        h.value() == null ? null : ByteBuffer.wrap(h.value().clone())));
            }
            if (dropped > 0) {
                cut.append(" [")
                        .append(dropped)
                        .append(" header(s) dropped: over ")
                        .append(MAX_BYTES);
                cut.append(" bytes of headers]");
            }
        }
        String why = reason(cause, topic, partition, offset);
        return DeadLetter.newBuilder()
                .setSourceTopic(topic == null ? "(unknown)" : topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setSourceTimestamp(timestamp < 0 ? null : Instant.ofEpochMilli(timestamp))
                .setKey(truncated("key", key, cut))
                .setValue(truncated("value", value, cut))
                .setHeaders(hs)
                .setReason(cap(why + cut))
                .setExceptionClass(cause.getClass().getName())
                .setApplication(application == null ? "(unknown)" : application)
                .setFailedAt(failedAt)
                .build();
    }

    /** A copy of the bytes, cut to {@link #MAX_BYTES} (and the cut described in {@code cut}). */
    private static ByteBuffer truncated(String what, byte[] bytes, StringBuilder cut) {
        if (bytes == null) {
            return null;
        }
        if (bytes.length <= MAX_BYTES) {
            return ByteBuffer.wrap(bytes.clone());
        }
        cut.append(" [")
                .append(what)
                .append(" truncated: first ")
                .append(MAX_BYTES)
                .append(" of ")
                .append(bytes.length)
                .append(" bytes kept; sha256 of the whole ")
                .append(sha256(bytes))
                .append(']');
        return ByteBuffer.wrap(Arrays.copyOf(bytes, MAX_BYTES));
    }

    private static String cap(String reason) {
        return reason.length() <= MAX_REASON_CHARS
                ? reason
                : reason.substring(0, MAX_REASON_CHARS) + "... (" + reason.length() + " characters)";
    }

    /** The SHA-256 of the bytes, in lower-case hex. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /**
     * Whether the failure is the schema registry's outage, not the record's fault: a {@link
     * RegistryUnreachableException} or an HTTP 5xx/429 answer anywhere in the causes. Such a record
     * must not be skipped: it is read again once the registry is back.
     */
    public static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof RegistryUnreachableException) {
                return true;
            }
            if (t instanceof SchemaRegistryException r && (r.httpStatus() >= 500 || r.httpStatus() == 429)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The failure's message (with coordinates added to a {@link SerdeException}), then up to three
     * causes.
     */
    public static String reason(Throwable cause, String topic, int partition, long offset) {
        StringBuilder sb = new StringBuilder();
        if (cause instanceof SerdeException se && se.topic().isPresent() && partition >= 0) {
            se.at(partition, offset);
        } else {
            sb.append("record ").append(keyFor(topic, partition, offset)).append(": ");
        }
        sb.append(describe(cause));
        Throwable c = cause.getCause();
        for (int depth = 0; c != null && c != cause && depth < 3; depth++, c = c.getCause()) {
            sb.append(" <- caused by ")
                    .append(c.getClass().getName())
                    .append(": ")
                    .append(describe(c));
        }
        return sb.toString();
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getName() : t.getMessage();
    }
}
