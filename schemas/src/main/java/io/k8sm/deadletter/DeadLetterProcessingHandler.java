package io.k8sm.deadletter;

import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Streams {@code processing.exception.handler}: when a processor throws, the source
 * record's raw bytes (as read from its input topic) go to the dead-letter topic with the reason,
 * prefixed by the processor node, and the application resumes. Same delivery guarantee and
 * configuration as {@link DeadLetterDeserializationHandler}.
 */
public class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);
    private DeadLetterConfig config;

    @Override
    public void configure(Map<String, ?> configs) {
        config = new DeadLetterConfig(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        String where = DeadLetters.keyFor(context.topic(), context.partition(), context.offset());
        try {
            DeadLetterPublisher publisher = config.publisher();
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
                    publisher.now());
            letter.setReason("processor "
                    + context.processorNodeId()
                    + " (task "
                    + context.taskId()
                    + "): "
                    + letter.getReason());
            publisher.publishAndWait(letter, config.timeoutMs());
            return Response.resume();
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
