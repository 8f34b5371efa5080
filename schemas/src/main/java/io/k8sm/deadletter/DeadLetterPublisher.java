package io.k8sm.deadletter;

import io.k8sm.avro.DeadLetter;
import io.k8sm.schemaregistry.SchemaRegistryClient;
import io.k8sm.serde.AvroSerializer;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes dead letters: the raw record, its coordinates and the reason, as an Avro {@link
 * DeadLetter} (Confluent wire format) keyed {@code topic/partition/offset}, to the dead-letter
 * topic given at construction. Every consumer and Streams app uses this one class (directly,
 * through {@link SafeRecordLoop}, or through the Streams handlers).
 */
public class DeadLetterPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterPublisher.class);

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final Serializer<DeadLetter> serializer;
    private final Clock clock;
    private final boolean ownsProducer;

    /**
     * @param producer a raw producer; not closed by this publisher
     * @param topic the dead-letter topic
     * @param serializer encodes the {@link DeadLetter} value (an {@link AvroSerializer} configured
     *     for values)
     * @param clock gives {@code failedAt}
     */
    public DeadLetterPublisher(
            Producer<byte[], byte[]> producer, String topic, Serializer<DeadLetter> serializer, Clock clock) {
        this(producer, topic, serializer, clock, false);
    }

    /**
     * A publisher whose dead letters are registered in and encoded for that registry, with the system
     * clock.
     */
    public DeadLetterPublisher(Producer<byte[], byte[]> producer, String topic, SchemaRegistryClient registry) {
        this(producer, topic, new AvroSerializer<>(registry), Clock.systemUTC(), false);
    }

    DeadLetterPublisher(
            Producer<byte[], byte[]> producer,
            String topic,
            Serializer<DeadLetter> serializer,
            Clock clock,
            boolean ownsProducer) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.serializer = Objects.requireNonNull(serializer, "serializer");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ownsProducer = ownsProducer;
    }

    public String topic() {
        return topic;
    }

    /** The publisher clock's current instant, the {@code failedAt} of dead letters built now. */
    public java.time.Instant now() {
        return clock.instant();
    }

    /**
     * Builds the dead letter for a raw record that failed with {@code cause} in {@code application}.
     */
    public DeadLetter build(ConsumerRecord<byte[], byte[]> raw, Throwable cause, String application) {
        return DeadLetters.build(
                raw.topic(),
                raw.partition(),
                raw.offset(),
                raw.timestamp(),
                raw.key(),
                raw.value(),
                raw.headers(),
                cause,
                application,
                clock.instant());
    }

    /** Sends the dead letter for a raw record; the future completes when the broker has it. */
    public Future<RecordMetadata> publish(ConsumerRecord<byte[], byte[]> raw, Throwable cause, String application) {
        return publish(build(raw, cause, application));
    }

    public Future<RecordMetadata> publish(DeadLetter letter) {
        LOG.warn(
                "dead-lettering {} to {}: {}",
                DeadLetters.keyFor(letter.getSourceTopic(), letter.getSourcePartition(), letter.getSourceOffset()),
                topic,
                letter.getReason());
        return producer.send(toProducerRecord(letter));
    }

    /**
     * Publishes and waits for the broker's acknowledgement, so a caller may commit the source offset
     * afterwards.
     */
    public RecordMetadata publishAndWait(DeadLetter letter, long timeoutMs) {
        Future<RecordMetadata> f = publish(letter);
        try {
            return f.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException(
                    "interrupted while writing the dead letter for "
                            + DeadLetters.keyFor(
                                    letter.getSourceTopic(), letter.getSourcePartition(), letter.getSourceOffset())
                            + " to "
                            + topic,
                    e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable c = e instanceof ExecutionException ? e.getCause() : e;
            throw new KafkaException(
                    "cannot write the dead letter for "
                            + DeadLetters.keyFor(
                                    letter.getSourceTopic(), letter.getSourcePartition(), letter.getSourceOffset())
                            + " to "
                            + topic
                            + ": "
                            + c,
                    c);
        }
    }

    /**
     * The record that {@link #publish(DeadLetter)} sends: key {@code topic/partition/offset}, value
     * the encoded dead letter.
     */
    public ProducerRecord<byte[], byte[]> toProducerRecord(DeadLetter letter) {
        return new ProducerRecord<>(topic, null, DeadLetters.keyBytes(letter), serializer.serialize(topic, letter));
    }

    @Override
    public void close() {
        if (ownsProducer) {
            producer.close();
        }
        serializer.close();
    }
}
