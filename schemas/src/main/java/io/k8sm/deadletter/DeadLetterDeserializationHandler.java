package io.k8sm.deadletter;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Streams {@code deserialization.exception.handler}: a record that cannot be read is
 * written to the dead-letter topic with its raw bytes, coordinates and reason, and the application
 * resumes with the next record. If the dead letter itself cannot be written the application fails
 * rather than lose the record.
 *
 * <p>The dead letter goes through a separate idempotent producer and is acknowledged before the
 * handler returns: at-least-once, outside the Streams transaction. (Since Kafka Streams 4.2 the
 * response can carry dead-letter records that Streams sends inside its transaction, KIP-1034;
 * this handler does not use that yet and answers with an empty list.) A crash between the
 * acknowledgement and the next commit can write the same dead letter twice; its key ({@code
 * topic/partition/offset}) identifies duplicates. See {@link DeadLetterConfig} for keys.
 */
public class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);
    private DeadLetterConfig config;

    @Override
    public void configure(Map<String, ?> configs) {
        config = new DeadLetterConfig(configs);
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        try {
            DeadLetterPublisher publisher = config.publisher();
            publisher.publishAndWait(publisher.build(record, exception, config.application()), config.timeoutMs());
            return Response.resume();
        } catch (RuntimeException e) {
            LOG.error(
                    "cannot dead-letter the unreadable record {}; failing so that it is not lost. Record error: {}",
                    DeadLetters.keyFor(record.topic(), record.partition(), record.offset()),
                    exception.getMessage(),
                    e);
            return Response.fail();
        }
    }
}
