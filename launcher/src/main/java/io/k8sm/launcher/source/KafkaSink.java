package io.k8sm.launcher.source;

import io.k8sm.launcher.kafka.Codec;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes snapshots (and tombstones) to a compacted topic through an idempotent producer. A send that
 * fails is sent again, with a doubling pause (up to {@link #MAX_BACKOFF}), for as long as it is
 * still the newest value sent under its key: a deletion is never only logged, and a stale retry
 * never overwrites a newer snapshot.
 */
public final class KafkaSink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KafkaSink.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Producer<String, byte[]> producer;
    private final Codec codec;
    private final Duration retryBackoff;
    /** topic + NUL + key → the generation of the newest send not yet acknowledged. */
    private final Map<String, Long> pending = new ConcurrentHashMap<>();

    private final AtomicLong generations = new AtomicLong();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "k8sm-sink-retry");
        t.setDaemon(true);
        return t;
    });

    public KafkaSink(Producer<String, byte[]> producer, Codec codec) {
        this(producer, codec, Duration.ofSeconds(1));
    }

    /** {@code retryBackoff}: the first pause before a failed send is sent again (doubling). */
    KafkaSink(Producer<String, byte[]> producer, Codec codec, Duration retryBackoff) {
        this.producer = producer;
        this.codec = codec;
        this.retryBackoff = retryBackoff;
    }

    /**
     * Sends {@code value} (null = tombstone) under {@code key}; a failed send is sent again until it
     * is written or superseded. A value that cannot be encoded is logged (the next resync repeats it).
     */
    public void send(String topic, String key, SpecificRecord value) {
        byte[] bytes;
        try {
            bytes = codec.encode(topic, value);
        } catch (RuntimeException e) {
            log.error(
                    "cannot encode {} for {} {}: {}",
                    value == null ? "tombstone" : value.getClass().getSimpleName(),
                    topic,
                    key,
                    e.toString());
            return;
        }
        sendBytes(topic, key, bytes);
    }

    void sendBytes(String topic, String key, byte[] bytes) {
        long generation = generations.incrementAndGet();
        pending.put(slot(topic, key), generation);
        attempt(topic, key, bytes, generation, retryBackoff);
    }

    private void attempt(String topic, String key, byte[] bytes, long generation, Duration pause) {
        String slot = slot(topic, key);
        try {
            producer.send(new ProducerRecord<>(topic, key, bytes), (md, e) -> {
                if (e == null) {
                    pending.remove(slot, generation);
                } else {
                    retry(topic, key, bytes, generation, pause, e);
                }
            });
        } catch (RuntimeException e) {
            retry(topic, key, bytes, generation, pause, e); // e.g. max.block.ms exceeded
        }
    }

    private void retry(String topic, String key, byte[] bytes, long generation, Duration pause, Exception e) {
        if (!Long.valueOf(generation).equals(pending.get(slot(topic, key)))) {
            log.debug("writing {} to {} failed, but a newer value was sent since: {}", key, topic, e.toString());
            return;
        }
        log.warn(
                "writing {} {} to {} failed; sending it again in {} ms: {}",
                bytes == null ? "the tombstone of" : "the snapshot of",
                key,
                topic,
                pause.toMillis(),
                e.toString());
        Duration next = pause.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : pause.multipliedBy(2);
        try {
            retries.schedule(
                    () -> {
                        if (Long.valueOf(generation).equals(pending.get(slot(topic, key)))) {
                            attempt(topic, key, bytes, generation, next);
                        }
                    },
                    pause.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            log.warn("the sink is closed: {} {} not sent again", topic, key);
        }
    }

    private static String slot(String topic, String key) {
        return topic + '\0' + key;
    }

    public void flush() {
        producer.flush();
    }

    /** Stops retrying (the producer stays the caller's). */
    @Override
    public void close() {
        retries.shutdownNow();
    }
}
