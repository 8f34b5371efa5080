package io.k8sm.deadletter;

import io.k8sm.avro.DeadLetter;
import io.k8sm.avro.DeadLetterHeader;
import io.k8sm.errors.SerdeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Builds {@link DeadLetter} records and their keys; shared by the publisher and the Streams
 * handlers.
 */
public final class DeadLetters {
    /** Default name of the dead-letter topic (the topic catalogue may configure another). */
    public static final String DEFAULT_TOPIC = "k8sm.dead-letters";

    /** The longest prefix of a raw key or value kept in a dead letter. */
    public static final int MAX_RAW_BYTES = 64 * 1024;

    /** The budget for all header values of a dead letter together. */
    public static final int MAX_HEADER_BYTES = 64 * 1024;

    /** The longest reason kept, in characters. */
    public static final int MAX_REASON_CHARS = 16 * 1024;

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
     *
     * <p>So that a dead letter is never a poison pill itself, key and value are kept up to {@link
     * #MAX_RAW_BYTES} each and header values up to {@link #MAX_HEADER_BYTES} together, with the
     * length and SHA-256 of the whole key and value; a cut letter says {@code truncated}.
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
        DeadLetter letter =
                unnoted(topic, partition, offset, timestamp, key, value, headers, cause, application, failedAt);
        DeadLetterLog.noted(letter);
        return letter;
    }

    /** {@link #build}, not counted in the {@link DeadLetterLog} (the schema check's sample letter). */
    static DeadLetter unnoted(
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
        boolean truncated = key != null && key.length > MAX_RAW_BYTES || value != null && value.length > MAX_RAW_BYTES;
        int headerBudget = MAX_HEADER_BYTES;
        if (headers != null) {
            for (Header h : headers) {
                byte[] v = h.value();
                if (v != null && v.length > headerBudget) {
                    truncated = true;
                }
                hs.add(new DeadLetterHeader(h.key(), v == null ? null : prefix(v, headerBudget)));
                headerBudget -= v == null ? 0 : Math.min(v.length, headerBudget);
            }
        }
        String reason = reason(cause, topic, partition, offset);
        if (reason.length() > MAX_REASON_CHARS) {
            reason = reason.substring(0, MAX_REASON_CHARS) + "... (" + reason.length() + " chars)";
        }
        DeadLetter letter = DeadLetter.newBuilder()
                .setSourceTopic(topic == null ? "(unknown)" : topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setSourceTimestamp(timestamp < 0 ? null : Instant.ofEpochMilli(timestamp))
                .setKey(key == null ? null : prefix(key, MAX_RAW_BYTES))
                .setValue(value == null ? null : prefix(value, MAX_RAW_BYTES))
                .setHeaders(hs)
                .setTruncated(truncated)
                .setKeyLength(key == null ? null : key.length)
                .setKeySha256(key == null ? null : sha256(key))
                .setValueLength(value == null ? null : value.length)
                .setValueSha256(value == null ? null : sha256(value))
                .setReason(reason)
                .setExceptionClass(cause.getClass().getName())
                .setApplication(application == null ? "(unknown)" : application)
                .setFailedAt(failedAt)
                .build();
        return letter;
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

    private static ByteBuffer prefix(byte[] bytes, int max) {
        return ByteBuffer.wrap(Arrays.copyOf(bytes, Math.min(bytes.length, max)));
    }

    private static ByteBuffer sha256(byte[] bytes) {
        try {
            return ByteBuffer.wrap(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static String describe(Throwable t) {
        return t.getMessage() == null ? t.getClass().getName() : t.getMessage();
    }

    /**
     * True when the failure is an outage of something the record depends on (the schema registry
     * unreachable, 5xx, 429), not the record's fault: it must be retried, never dead-lettered.
     */
    public static boolean isTransient(Throwable failure) {
        return SerdeException.isTransient(failure);
    }
}
