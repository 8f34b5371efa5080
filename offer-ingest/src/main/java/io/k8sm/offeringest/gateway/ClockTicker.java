package io.k8sm.offeringest.gateway;

import io.k8sm.avro.ClockTick;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production writer of the {@code clock} topic: a {@code ClockTick} (key and {@code source} =
 * this instance's source name, timestamp = now, also the record's timestamp) every period, so that
 * the scheduler's time, the latest event time it has seen, advances even while the Mesos master is
 * silent or unreachable (offer TTLs, backoffs and reconciliation intervals then still fall due).
 * Ticks are best effort: a failed write is logged and the next tick stands for it. A period of zero
 * writes nothing.
 */
public final class ClockTicker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClockTicker.class);

    private final Producer<byte[], byte[]> producer;
    private final Serializer<ClockTick> serializer;
    private final String topic;
    private final String source;
    private final Duration period;
    private final Clock clock;
    private ScheduledExecutorService timer;

    public ClockTicker(
            Producer<byte[], byte[]> producer,
            Serializer<ClockTick> serializer,
            String topic,
            String source,
            Duration period,
            Clock clock) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.serializer = Objects.requireNonNull(serializer, "serializer");
        this.topic = Objects.requireNonNull(topic, "topic");
        this.source = Objects.requireNonNull(source, "source");
        this.period = Objects.requireNonNull(period, "period");
        this.clock = Objects.requireNonNull(clock, "clock");
        if (period.isNegative()) {
            throw new IllegalArgumentException("tick period must not be negative: " + period);
        }
    }

    /** Starts ticking (the first tick at once); does nothing when the period is zero. */
    public synchronized ClockTicker start() {
        if (period.isZero() || timer != null) {
            return this;
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "offer-ingest-clock");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::tickSafely, 0, period.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("clock ticks every {} ms on {} as {}", period.toMillis(), topic, source);
        return this;
    }

    /** Writes one tick for the clock's now and returns it. */
    public ClockTick tick() {
        Instant now = clock.instant();
        ClockTick tick = new ClockTick(now, source);
        producer.send(
                new ProducerRecord<>(
                        topic,
                        null,
                        now.toEpochMilli(),
                        source.getBytes(StandardCharsets.UTF_8),
                        serializer.serialize(topic, tick)),
                (metadata, e) -> {
                    if (e != null) {
                        LOG.warn("clock tick {} not written: {}", now, e.toString());
                    }
                });
        return tick;
    }

    private void tickSafely() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("clock tick failed: {}", e.toString());
        }
    }

    /** Stops ticking; ticks already handed to the producer are flushed with it. */
    @Override
    public synchronized void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timer = null;
        }
    }
}
