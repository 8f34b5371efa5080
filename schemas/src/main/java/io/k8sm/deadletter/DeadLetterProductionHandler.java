package io.k8sm.deadletter;

import io.k8sm.avro.DeadLetter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka Streams {@code production.exception.handler}: an output record the broker will not take
 * because of its size ({@link RecordTooLargeException}) is not retried forever and does not kill
 * the stream thread: a dead letter carrying a truncated copy of it (see {@link DeadLetters}, with
 * the whole's length and SHA-256 in the reason) is handed to Kafka Streams, and the application
 * goes on. The dead letter names the output topic as its source (partition and offset -1) and the
 * input record that produced it in the reason. Every other production error fails, as Kafka
 * Streams' default does, and so does a too large record of a state store's changelog.
 */
public class DeadLetterProductionHandler implements ProductionExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProductionHandler.class);
    private DeadLetterConfig config;

    @Override
    public void configure(Map<String, ?> configs) {
        config = new DeadLetterConfig(configs);
        config.registerSchema();
    }

    @Override
    public Response handleError(
            ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
        if (!(exception instanceof RecordTooLargeException) || record.topic().endsWith("-changelog")) {
            // A state store's changelog record is never dropped: the store would diverge from it.
            return Response.fail();
        }
        String input = DeadLetters.keyFor(context.topic(), context.partition(), context.offset());
        try {
            DeadLetter letter = DeadLetters.build(
                    record.topic(),
                    -1,
                    -1,
                    record.timestamp() == null ? -1 : record.timestamp(),
                    record.key(),
                    record.value(),
                    record.headers(),
                    exception,
                    config.application(),
                    Instant.ofEpochMilli(Math.max(0L, context.timestamp())));
            letter.setReason("output to " + record.topic() + " of "
                    + (record.value() == null ? 0 : record.value().length)
                    + " bytes, written for input " + input + ", was refused as too large: " + letter.getReason());
            LOG.error("dead-lettering an output the broker refuses: {}", letter.getReason());
            return Response.resume(List.of(config.record(letter)));
        } catch (RuntimeException e) {
            LOG.error("cannot dead-letter the oversized output to {} for input {}", record.topic(), input, e);
            return Response.fail();
        }
    }
}
