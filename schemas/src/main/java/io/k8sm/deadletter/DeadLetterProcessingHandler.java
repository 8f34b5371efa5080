package io.k8sm.deadletter;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Streams {@code processing.exception.handler}: when a processor throws, the source
 * record's raw bytes (as read from its input topic) are answered as a dead letter with the reason,
 * prefixed by the processor node, and the application resumes. As with {@link
 * DeadLetterDeserializationHandler}, Kafka Streams writes the dead letter inside the task's
 * transaction (KIP-1034), {@code failedAt} is the record's timestamp, and a registry outage fails
 * rather than skips.
 */
public class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);
    private DeadLetterConfig config;

    @Override
    public void configure(Map<String, ?> configs) {
        config = new DeadLetterConfig(configs);
        config.registerSchema();
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        String where = DeadLetters.keyFor(context.topic(), context.partition(), context.offset());
        if (DeadLetters.isTransient(exception)) {
            LOG.warn(
                    "record {} failed while the schema registry is unreachable; failing so that it is processed"
                            + " again, not skipped: {}",
                    where,
                    exception.getMessage());
            return Response.fail();
        }
        try {
            var letter = DeadLetters.build(
                    context.topic(),
                    context.partition(),
                    context.offset(),
                    context.timestamp(),
                    context.sourceRawKey(),
                    context.sourceRawValue(),
                    context.headers(),
                    exception,
                    config.application(),
                    java.time.Instant.ofEpochMilli(Math.max(0L, context.timestamp())));
            letter.setReason("processor "
                    + context.processorNodeId()
                    + " (task "
                    + context.taskId()
                    + "): "
                    + letter.getReason());
            LOG.warn(
                    "dead-lettering the record {} that failed in processor {}: {}",
                    where,
                    context.processorNodeId(),
                    letter.getReason());
            return Response.resume(java.util.List.of(config.record(letter)));
        } catch (RuntimeException e) {
            LOG.error(
                    "cannot dead-letter the record {} that failed in processor {}; failing so that it is not lost. Processing error: {}",
                    where,
                    context.processorNodeId(),
                    exception.getMessage(),
                    e);
            return Response.fail();
        }
    }
}
