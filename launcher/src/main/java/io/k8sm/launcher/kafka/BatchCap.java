package io.k8sm.launcher.kafka;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many records the next batch of a {@link TransactionalLoop} may take: {@link #MAX}, halved
 * after a batch that failed when it took longer than half the consumer's {@code
 * max.poll.interval.ms} (its group membership, and so its commit, was lost while it was handled:
 * the same batch again would fail again), doubled back after a batch that committed quickly.
 */
final class BatchCap {
    private static final Logger log = LoggerFactory.getLogger(TransactionalLoop.class);

    /** The most records one batch (one transaction) takes, however many polls drained. */
    static final int MAX = 500;

    /** The consumer's default {@code max.poll.interval.ms}. */
    static final long DEFAULT_MAX_POLL_INTERVAL_MS = 300_000;

    private final long maxPollIntervalMs;
    private final long quickNanos;
    private int cap = MAX;

    BatchCap(long maxPollIntervalMs, long quickNanos) {
        this.maxPollIntervalMs = maxPollIntervalMs;
        this.quickNanos = quickNanos;
    }

    int get() {
        return cap;
    }

    /** A batch committed after {@code tookNanos}. */
    void committed(long tookNanos) {
        if (cap < MAX && tookNanos < quickNanos) {
            cap = Math.min(MAX, cap * 2);
        }
    }

    /** A batch of {@code size} records of loop {@code name} failed after {@code tookMs}. */
    void failed(String name, long tookMs, int size) {
        if (tookMs <= maxPollIntervalMs / 2 || cap <= 1) {
            return;
        }
        cap = Math.max(1, Math.min(cap, size) / 2);
        log.warn(
                "{}: that batch took {} ms, over half of max.poll.interval.ms ({} ms), so its commit can fail for"
                        + " good; the next batches take at most {} records",
                name,
                tookMs,
                maxPollIntervalMs,
                cap);
    }

    /**
     * The first {@link #get()} records of a batch; the partitions of the rest are rewound to their
     * first record left out, so the next poll takes them again.
     */
    <V> List<ConsumerRecord<String, V>> take(
            List<ConsumerRecord<String, V>> batch, Consumer<Map<TopicPartition, Long>> rewind) {
        if (batch.size() <= cap) {
            return batch;
        }
        Map<TopicPartition, Long> leftOut = new HashMap<>();
        for (ConsumerRecord<String, V> r : batch.subList(cap, batch.size())) {
            leftOut.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
        }
        rewind.accept(leftOut);
        return new ArrayList<>(batch.subList(0, cap));
    }
}
