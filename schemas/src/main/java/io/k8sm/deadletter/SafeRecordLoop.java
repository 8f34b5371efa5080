package io.k8sm.deadletter;

import io.k8sm.errors.SerdeException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll loop for plain consumers: polls raw bytes, deserializes each record, hands the good ones
 * to the handler and sends the unreadable ones to the dead-letter topic (waiting for the
 * acknowledgement), then carries on.
 *
 * <p>If the handler throws, the loop stops the batch, rewinds every partition of the batch to its
 * first record not yet handled (so nothing is skipped: the next poll delivers the failed record
 * again) and rethrows; whether to retry, back off or give up is the caller's decision. The loop
 * does not commit offsets: use auto-commit, or commit after {@link #pollOnce}.
 *
 * <p>A record that fails to deserialize for a {@linkplain SerdeException#isTransient(Throwable)
 * transient} reason (the schema registry is down, answers 5xx or refuses our credentials) is not
 * corrupt: the loop rewinds to it, waits a backoff (doubling from {@code 100 ms} to {@code 5 s}
 * while the outage lasts) and returns a {@linkplain Batch#stalled() stalled} batch, so committing
 * after it never passes the record and the next poll tries it again. It is never dead-lettered.
 */
public final class SafeRecordLoop<K, V> {
    private static final Logger LOG = LoggerFactory.getLogger(SafeRecordLoop.class);

    /** Receives each record that deserialized. */
    @FunctionalInterface
    public interface RecordHandler<K, V> {
        void handle(ConsumerRecord<K, V> record) throws Exception;
    }

    /** A handler failure, naming the record; the consumer has been rewound to it. */
    public static final class HandlerException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HandlerException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Consumer<byte[], byte[]> consumer;
    private final Deserializer<K> keyDeserializer;
    private final Deserializer<V> valueDeserializer;
    private final DeadLetterPublisher deadLetters;
    private final String application;
    private final RecordHandler<K, V> handler;
    private final long deadLetterTimeoutMs;
    private final Sleeper sleeper;
    private final long firstBackoffMs;
    private final long maxBackoffMs;
    private long backoffMs;

    /** Waits between attempts while the registry is out (a test may pass a recording one). */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    public SafeRecordLoop(
            Consumer<byte[], byte[]> consumer,
            Deserializer<K> keyDeserializer,
            Deserializer<V> valueDeserializer,
            DeadLetterPublisher deadLetters,
            String application,
            RecordHandler<K, V> handler) {
        this(
                consumer,
                keyDeserializer,
                valueDeserializer,
                deadLetters,
                application,
                handler,
                Thread::sleep,
                100,
                5_000);
    }

    /** As above, with the backoff on transient failures given: first wait, ceiling and sleeper. */
    public SafeRecordLoop(
            Consumer<byte[], byte[]> consumer,
            Deserializer<K> keyDeserializer,
            Deserializer<V> valueDeserializer,
            DeadLetterPublisher deadLetters,
            String application,
            RecordHandler<K, V> handler,
            Sleeper sleeper,
            long firstBackoffMs,
            long maxBackoffMs) {
        this.consumer = Objects.requireNonNull(consumer, "consumer");
        this.keyDeserializer = Objects.requireNonNull(keyDeserializer, "keyDeserializer");
        this.valueDeserializer = Objects.requireNonNull(valueDeserializer, "valueDeserializer");
        this.deadLetters = Objects.requireNonNull(deadLetters, "deadLetters");
        this.application = Objects.requireNonNull(application, "application");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.deadLetterTimeoutMs = 30_000;
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.firstBackoffMs = firstBackoffMs;
        this.maxBackoffMs = maxBackoffMs;
        this.backoffMs = firstBackoffMs;
    }

    /**
     * Outcome of one poll; {@code stalled} when a transient failure stopped the batch (the consumer
     * is rewound to the record that failed).
     */
    public record Batch(int handled, int deadLettered, boolean stalled) {
        public Batch(int handled, int deadLettered) {
            this(handled, deadLettered, false);
        }
    }

    /** Polls once and works through the batch. */
    public Batch pollOnce(Duration timeout) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
        int handled = 0;
        int dead = 0;
        Map<TopicPartition, Long> nextUnhandled = new HashMap<>();
        for (TopicPartition tp : records.partitions()) {
            nextUnhandled.put(tp, records.records(tp).get(0).offset());
        }
        for (TopicPartition tp : records.partitions()) {
            for (ConsumerRecord<byte[], byte[]> raw : records.records(tp)) {
                ConsumerRecord<K, V> typed;
                try {
                    typed = deserialize(raw);
                } catch (RuntimeException e) {
                    if (SerdeException.isTransient(e)) {
                        rewind(nextUnhandled);
                        stall(raw, e);
                        return new Batch(handled, dead, true);
                    }
                    try {
                        deadLetters.publishAndWait(deadLetters.build(raw, e, application), deadLetterTimeoutMs);
                    } catch (RuntimeException publishFailure) {
                        rewind(nextUnhandled);
                        throw publishFailure;
                    }
                    dead++;
                    nextUnhandled.put(tp, raw.offset() + 1);
                    continue;
                }
                try {
                    handler.handle(typed);
                } catch (Exception e) {
                    rewind(nextUnhandled);
                    throw new HandlerException(
                            "handler failed on "
                                    + DeadLetters.keyFor(raw.topic(), raw.partition(), raw.offset())
                                    + " in "
                                    + application
                                    + ": "
                                    + e,
                            e);
                }
                handled++;
                backoffMs = firstBackoffMs;
                nextUnhandled.put(tp, raw.offset() + 1);
            }
        }
        return new Batch(handled, dead);
    }

    private void stall(ConsumerRecord<byte[], byte[]> raw, RuntimeException e) {
        LOG.warn(
                "{}: {} cannot be read for a transient reason ({}); retrying in {} ms",
                application,
                DeadLetters.keyFor(raw.topic(), raw.partition(), raw.offset()),
                e.getMessage(),
                backoffMs);
        try {
            sleeper.sleep(backoffMs);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
        backoffMs = Math.min(maxBackoffMs, Math.max(1, backoffMs * 2));
    }

    /** Polls until {@code running} says stop. */
    public void run(Duration pollTimeout, BooleanSupplier running) {
        while (running.getAsBoolean()) {
            pollOnce(pollTimeout);
        }
    }

    private ConsumerRecord<K, V> deserialize(ConsumerRecord<byte[], byte[]> raw) {
        K key = keyDeserializer.deserialize(raw.topic(), raw.headers(), raw.key());
        V value = valueDeserializer.deserialize(raw.topic(), raw.headers(), raw.value());
        return new ConsumerRecord<>(
                raw.topic(),
                raw.partition(),
                raw.offset(),
                raw.timestamp(),
                raw.timestampType(),
                raw.serializedKeySize(),
                raw.serializedValueSize(),
                key,
                value,
                raw.headers(),
                raw.leaderEpoch());
    }

    private void rewind(Map<TopicPartition, Long> nextUnhandled) {
        nextUnhandled.forEach(consumer::seek);
    }
}
