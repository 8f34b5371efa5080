package io.k8sm.deadletter;

import io.k8sm.avro.DeadLetter;
import io.k8sm.avro.DeadLetterHeader;
import io.k8sm.errors.SerdeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
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
        if (headers != null) {
            for (Header h : headers) {
                hs.add(new DeadLetterHeader(
                        h.key(),
                        h.value() == null ? null : ByteBuffer.wrap(h.value().clone())));
            }
        }
        return DeadLetter.newBuilder()
                .setSourceTopic(topic == null ? "(unknown)" : topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setSourceTimestamp(timestamp < 0 ? null : Instant.ofEpochMilli(timestamp))
                .setKey(key == null ? null : ByteBuffer.wrap(key.clone()))
                .setValue(value == null ? null : ByteBuffer.wrap(value.clone()))
                .setHeaders(hs)
                .setReason(reason(cause, topic, partition, offset))
                .setExceptionClass(cause.getClass().getName())
                .setApplication(application == null ? "(unknown)" : application)
                .setFailedAt(failedAt)
                .build();
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
