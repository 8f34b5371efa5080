package io.k8sm.launcher.kafka;

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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read-process-write, exactly once: each polled batch is handled and its outputs are written in ONE
 * Kafka transaction together with the batch's consumer offsets ({@code sendOffsetsToTransaction}).
 * A failed transaction is aborted and the batch is read again.
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

    private final String name;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final List<String> topics;
    private final BatchHandler handler;
    private final Duration pollTimeout;
    private final int drainPolls;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

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
        this.name = name;
        this.topics = List.copyOf(topics);
        this.handler = handler;
        this.pollTimeout = pollTimeout;
        this.drainPolls = drainPolls;
        Properties c = new Properties();
        c.putAll(kafka);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(c, new StringDeserializer(), new ByteArrayDeserializer());
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        thread = new Thread(this::run, "k8sm-" + name);
        thread.setDaemon(true);
    }

    public void start() {
        producer.initTransactions();
        consumer.subscribe(topics);
        thread.start();
    }

    /** The error that ended the loop, if any. */
    public Throwable failure() {
        return failure;
    }

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
                for (int i = 0; i < drainPolls; i++) {
                    ConsumerRecords<String, byte[]> more = consumer.poll(Duration.ZERO);
                    if (more.isEmpty()) {
                        break;
                    }
                    more.forEach(batch::add);
                }
                process(batch);
            }
        } catch (WakeupException e) {
            if (running) {
                failure = e;
            }
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            failure = e;
            log.error("{}: another instance took over this loop's transactional id; stopping", name, e);
        } catch (RuntimeException | Error e) {
            failure = e;
            log.error("{}: stopped by an unexpected error", name, e);
        }
    }

    private void process(List<ConsumerRecord<String, byte[]>> batch) {
        Map<TopicPartition, Long> first = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : batch) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            first.merge(tp, r.offset(), Math::min);
            next.merge(tp, new OffsetAndMetadata(r.offset() + 1), (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        try {
            List<ProducerRecord<String, byte[]>> out = handler.handle(batch);
            producer.beginTransaction();
            for (ProducerRecord<String, byte[]> r : out) {
                producer.send(r);
            }
            producer.sendOffsetsToTransaction(next, consumer.groupMetadata());
            producer.commitTransaction();
            handler.committed();
        } catch (TransactionalLoop.RetryLater e) {
            log.warn("{}: {}; the batch of {} records is retried", name, e.getMessage(), batch.size());
            handler.aborted();
            rewind(first);
            pause();
        } catch (ProducerFencedException | InvalidProducerEpochException e) {
            handler.aborted();
            throw e;
        } catch (KafkaException e) {
            log.warn("{}: transaction failed ({}); aborting, the batch is read again", name, e.toString());
            handler.aborted();
            try {
                producer.abortTransaction();
            } catch (KafkaException abort) {
                log.debug("{}: abort failed too: {}", name, abort.toString());
            }
            rewind(first);
            pause();
        }
    }

    private void rewind(Map<TopicPartition, Long> first) {
        first.forEach((tp, offset) -> {
            if (consumer.assignment().contains(tp)) {
                consumer.seek(tp, offset);
            }
        });
    }

    private void pause() {
        try {
            Thread.sleep(Math.min(1000, pollTimeout.toMillis()));
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
        producer.close(Duration.ofSeconds(5));
    }
}
