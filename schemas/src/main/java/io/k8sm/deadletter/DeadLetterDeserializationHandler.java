package io.k8sm.deadletter;

import io.k8sm.avro.DeadLetter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Streams {@code deserialization.exception.handler}: a record that cannot be read is
 * answered with a dead letter (its raw bytes, coordinates and reason) that Kafka Streams writes
 * through the task's own producer, inside its transaction under exactly-once (KIP-1034), and the
 * application resumes with the next record. The dead letter and the skip of the record are
 * committed together or not at all; its {@code failedAt} is the record's timestamp, so a replay
 * writes the same bytes.
 *
 * <p>A schema registry outage is not the record's fault ({@link DeadLetters#isTransient}): the
 * handler answers fail, without a dead letter, so the record is not skipped; the stream thread
 * dies, its transaction aborts, and a replacement thread (see the application's uncaught exception
 * handler) reads the same record again. If the dead letter cannot be encoded the handler fails too.
 * See {@link DeadLetterConfig} for keys.
 */
public class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);
    private DeadLetterConfig config;

    @Override
    public void configure(Map<String, ?> configs) {
        config = new DeadLetterConfig(configs);
        config.registerSchema();
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        String where = DeadLetters.keyFor(record.topic(), record.partition(), record.offset());
        if (DeadLetters.isTransient(exception)) {
            LOG.warn(
                    "record {} cannot be read while the schema registry is unreachable; failing so that it is read"
                            + " again, not skipped: {}",
                    where,
                    exception.getMessage());
            return Response.fail();
        }
        try {
            DeadLetter letter = DeadLetters.build(
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    record.timestamp(),
                    record.key(),
                    record.value(),
                    record.headers(),
                    exception,
                    config.application(),
                    Instant.ofEpochMilli(Math.max(0L, record.timestamp())));
            LOG.warn("dead-lettering the unreadable record {}: {}", where, letter.getReason());
            return Response.resume(List.of(config.record(letter)));
        } catch (RuntimeException e) {
            LOG.error(
                    "cannot dead-letter the unreadable record {}; failing so that it is not lost. Record error: {}",
                    where,
                    exception.getMessage(),
                    e);
            return Response.fail();
        }
    }
}
