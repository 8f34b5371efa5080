package io.k8sm.launcher.kafka;

import io.k8sm.service.metrics.ServiceMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-process-write, exactly once: each polled batch is handled and its outputs are written in ONE
 * Kafka transaction together with the batch's consumer offsets ({@code sendOffsetsToTransaction}).
 *
 * <p>Failures: the loop knows whether its transaction is open. A batch that fails before its
 * transaction (a Kubernetes, registry or Kafka error in the handler, a bug that throws) or inside it
 * (aborted) is read again after a pause that doubles up to {@link #MAX_BACKOFF}: a record is never
 * skipped. A commit that times out is retried, as the producer requires. A producer that cannot
 * abort is replaced by a new one with the same transactional id. Only what cannot heal ({@link
 * #isFatal}: fenced by another live instance, not authorized) ends the loop, and {@link
 * #isRunning()} turns false.
 */
public final class TransactionalLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TransactionalLoop.class);

    /** Turns a batch into output records; called on the loop's thread only. */
    public interface BatchHandler {
        List<ProducerRecord<String, byte[]>> handle(List<ConsumerRecord<String, byte[]>> batch) throws RetryLater;

        /** The batch's transaction committed: what it decided is now durable. */
        default void committed() {}

        /** The batch's transaction was aborted: forget what it decided. */
        default void aborted() {}
    }

    /**
     * A transient failure (e.g. the Kubernetes API is unreachable): the batch is retried after a
     * pause.
     */
    public static final class RetryLater extends Exception {
        private static final long serialVersionUID = 1L;

        public RetryLater(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The longest pause between two attempts of a failing batch. */
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** A batch that takes longer than this from handling to commit is logged at INFO. */
    static final Duration SLOW_BATCH = Duration.ofSeconds(2);

    private final String name;
    private final KafkaConsumer<String, byte[]> consumer;
    private final LoopProducer producer;
    private AutoCloseable consumerMetrics = () -> {};
    private final List<String> topics;
    private final BatchHandler handler;
    private final Duration pollTimeout;
    private final int drainPolls;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;
    private long backoffMs;
    private final BatchCap batchCap;

    /**
     * @param drainPolls after a poll that returned records, how many immediate polls add what else is
     *     already there to the same batch (so the launch requests of one scheduling round meet in one
     *     batch)
     */
    public TransactionalLoop(
            String name,
            Properties kafka,
            String groupId,
            String transactionalId,
            List<String> topics,
            BatchHandler handler,
            Duration pollTimeout,
            int drainPolls) {
        this(name, kafka, groupId, transactionalId, topics, handler, pollTimeout, drainPolls, null);
    }

    /**
     * @param transactionTimeout the producer's {@code transaction.timeout.ms}: how long the broker
     *     keeps a transaction of a dead instance open when nothing fences it (null: the client's
     *     default, 60 s)
     */
    public TransactionalLoop(
            String name,
            Properties kafka,
            String groupId,
            String transactionalId,
            List<String> topics,
            BatchHandler handler,
            Duration pollTimeout,
            int drainPolls,
            Duration transactionTimeout) {
        this.name = name;
        this.topics = List.copyOf(topics);
        this.handler = handler;
        this.pollTimeout = pollTimeout;
        this.drainPolls = drainPolls;
        this.backoffMs = firstBackoff();
        Properties c = new Properties();
        c.putAll(kafka);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(BatchCap.MAX));
        batchCap = new BatchCap(
                Long.parseLong(String.valueOf(c.getOrDefault(
                        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, BatchCap.DEFAULT_MAX_POLL_INTERVAL_MS))),
                SLOW_BATCH.toNanos());
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        producer = new LoopProducer(name, kafka, transactionalId, transactionTimeout);
        thread = new Thread(this::run, "k8sm-" + name);
        thread.setDaemon(true);
    }

    /**
     * Fences any earlier instance with the same transactional id (its open transaction is aborted),
     * then starts the loop's thread.
     */
    public void start() {
        producer.get().initTransactions();
        consumer.subscribe(topics);
        thread.start();
    }

    /**
     * Adds the loop's consumer (its lag in the loop's group: {@code
     * kafka_consumer_fetch_manager_records_lag_max{client_id="consumer-<group>-<n>"}}) and its
     * producer to {@code metrics}; a replaced producer is bound in its predecessor's stead, and
     * {@link #close()} unbinds both.
     */
    public void bindTo(ServiceMetrics metrics) {
        consumerMetrics = metrics.bind(consumer);
        producer.bindTo(metrics);
    }

    /** The loop's name ({@code launch}, {@code bridge}, ...), as its thread and log lines say. */
    public String name() {
        return name;
    }

    /** The error that ended the loop, if any. */
    public Throwable failure() {
        return failure;
    }

    /** False once the loop ended: closed, or stopped by an error it cannot recover from. */
    public boolean isRunning() {
        return thread.isAlive();
    }

    private void run() {
        try {
            while (running) {
                ConsumerRecords<String, byte[]> polled = consumer.poll(pollTimeout);
                if (polled.isEmpty()) {
                    continue;
                }
                List<ConsumerRecord<String, byte[]>> batch = new ArrayList<>();
                polled.forEach(batch::add);
                for (int i = 0; i < drainPolls && batch.size() < batchCap.get(); i++) {
                    ConsumerRecords<String, byte[]> more = consumer.poll(Duration.ZERO);
                    if (more.isEmpty()) {
                        break;
                    }
                    more.forEach(batch::add);
                }
                process(batchCap.take(batch, this::rewind));
            }
        } catch (WakeupException e) {
            if (running) {
                failure = e;
                log.error("{}: woken up while running; stopping", name, e);
            }
        } catch (RuntimeException | Error e) {
            if (!running && !(e instanceof Error)) {
                return; // closing
            }
            failure = e;
            log.error("{}: stopped by an error it cannot recover from; the service is unhealthy", name, e);
        }
    }

    /**
     * Unrecoverable: another live instance holds the transactional id, or the broker refuses this
     * one for good. Everything else is retried.
     */
    static boolean isFatal(Throwable e) {
        return e instanceof ProducerFencedException
                || e instanceof FencedInstanceIdException
                || e instanceof AuthorizationException
                || e instanceof AuthenticationException
                || e instanceof UnsupportedVersionException
                || e instanceof Error;
    }

    private void process(List<ConsumerRecord<String, byte[]>> batch) {
        Map<TopicPartition, Long> first = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : batch) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            first.merge(tp, r.offset(), Math::min);
            next.merge(tp, new OffsetAndMetadata(r.offset() + 1), (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        boolean handled = false;
        boolean open = false;
        long start = System.nanoTime();
        try {
            // Kubernetes calls, registry encodes and catch-up reads happen here, before any transaction
            List<ProducerRecord<String, byte[]>> out = handler.handle(batch);
            handled = true;
            long handledAt = System.nanoTime();
            producer.get().beginTransaction();
            open = true;
            for (ProducerRecord<String, byte[]> r : out) {
                producer.get().send(r);
            }
            producer.get().sendOffsetsToTransaction(next, consumer.groupMetadata());
            commit();
            open = false;
            handler.committed();
            backoffMs = firstBackoff();
            logDuration(batch.size(), out.size(), start, handledAt, System.nanoTime());
            batchCap.committed(System.nanoTime() - start);
        } catch (TransactionalLoop.RetryLater e) {
            log.warn("{}: {}; the batch of {} records is retried", name, e.getMessage(), batch.size());
            retry(first);
        } catch (RuntimeException e) {
            if (isFatal(e) || !running) {
                handler.aborted();
                throw e;
            }
            log.warn(
                    "{}: the batch of {} records failed ({}{}); retried in {} ms",
                    name,
                    batch.size(),
                    e.toString(),
                    open ? ", transaction aborted" : ", before its transaction",
                    backoffMs);
            batchCap.failed(name, (System.nanoTime() - start) / 1_000_000, batch.size());
            if (open) {
                abort();
            } else if (handled) {
                replaceProducer(); // beginTransaction failed: the producer is in a state it cannot leave
            }
            retry(first);
        }
    }

    /** Every batch at DEBUG; one slower than {@link #SLOW_BATCH} at INFO, so a crawling loop shows. */
    private void logDuration(int in, int out, long start, long handledAt, long committedAt) {
        long totalMs = (committedAt - start) / 1_000_000;
        boolean slow = totalMs > SLOW_BATCH.toMillis();
        if (slow || log.isDebugEnabled()) {
            String line = String.format(
                    "%s: batch of %d records -> %d outputs committed in %d ms (handling %d ms, transaction %d ms)",
                    name, in, out, totalMs, (handledAt - start) / 1_000_000, (committedAt - handledAt) / 1_000_000);
            if (slow) {
                log.info(line);
            } else {
                log.debug(line);
            }
        }
    }

    /** Commits; a commit that timed out must be retried (the Kafka producer's contract). */
    private void commit() {
        while (true) {
            try {
                producer.get().commitTransaction();
                return;
            } catch (TimeoutException e) {
                if (!running) {
                    throw e;
                }
                log.warn("{}: commit timed out; retried in {} ms", name, backoffMs);
                sleep();
            }
        }
    }

    /** Aborts the open transaction; a producer that cannot abort is replaced (which aborts it too). */
    private void abort() {
        while (running) {
            try {
                producer.get().abortTransaction();
                return;
            } catch (TimeoutException e) {
                log.warn("{}: abort timed out; retried in {} ms", name, backoffMs);
                sleep();
            } catch (KafkaException | IllegalStateException e) {
                if (isFatal(e)) {
                    throw e;
                }
                log.warn("{}: abort failed ({}); replacing the producer", name, e.toString());
                replaceProducer();
                return;
            }
        }
    }

    /**
     * A new producer with the same transactional id: {@code initTransactions} bumps the epoch, so
     * whatever the old one left open is aborted. On the loop's thread only (package-private for a
     * test's handler).
     */
    void replaceProducer() {
        var fresh = producer.replace();
        while (running) {
            try {
                fresh.initTransactions();
                return;
            } catch (TimeoutException e) {
                log.warn("{}: initTransactions timed out; retried in {} ms", name, backoffMs);
                sleep();
            }
        }
    }

    private void retry(Map<TopicPartition, Long> first) {
        handler.aborted();
        rewind(first);
        sleep();
        backoffMs = Math.min(MAX_BACKOFF.toMillis(), backoffMs * 2);
    }

    private void rewind(Map<TopicPartition, Long> first) {
        first.forEach((tp, offset) -> {
            if (consumer.assignment().contains(tp)) {
                consumer.seek(tp, offset);
            }
        });
    }

    private long firstBackoff() {
        return Math.max(1, Math.min(1000, pollTimeout.toMillis()));
    }

    /** Waits the current backoff, in slices, so that close() is not kept waiting. */
    private void sleep() {
        long until = System.nanoTime() + backoffMs * 1_000_000L;
        try {
            while (running && System.nanoTime() < until) {
                Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000L)));
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(20).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            consumer.close(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            log.debug("{}: consumer close: {}", name, e.toString());
        }
        try {
            consumerMetrics.close();
        } catch (Exception e) {
            log.debug("{}: unbinding the consumer's metrics: {}", name, e.toString());
        }
        producer.close();
    }
}
