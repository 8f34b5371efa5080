package io.k8sm.launcher.kafka;

import io.k8sm.service.metrics.ServiceMetrics;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TransactionalLoop}'s producer: built from one configuration, {@link #replace() replaced}
 * by a new one with the same transactional id when it cannot go on, and, once {@link #bindTo
 * bound}, on the service's metrics — the new producer in the old one's stead (both have the {@code
 * client.id} {@code producer-<transactional id>}, so the old one's meters are removed first).
 */
final class LoopProducer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LoopProducer.class);

    private final String name;
    private final Properties config;
    private volatile KafkaProducer<String, byte[]> producer;
    private ServiceMetrics metrics;
    private AutoCloseable binding = () -> {};

    LoopProducer(String name, Properties kafka, String transactionalId, Duration transactionTimeout) {
        this.name = name;
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        if (transactionTimeout != null) {
            p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(transactionTimeout.toMillis()));
        }
        config = p;
        producer = create();
    }

    private KafkaProducer<String, byte[]> create() {
        return new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
    }

    /** The current producer. */
    KafkaProducer<String, byte[]> get() {
        return producer;
    }

    /** Adds the producer's client metrics to {@code metrics}, and those of every later replacement. */
    synchronized void bindTo(ServiceMetrics metrics) {
        unbind();
        this.metrics = metrics;
        binding = metrics.bind(producer);
    }

    /** Closes the producer at once (its open transaction is left to the new one) and makes a new one. */
    synchronized KafkaProducer<String, byte[]> replace() {
        unbind();
        try {
            producer.close(Duration.ZERO);
        } catch (RuntimeException e) {
            log.debug("{}: closing the old producer: {}", name, e.toString());
        }
        producer = create();
        if (metrics != null) {
            binding = metrics.bind(producer);
        }
        return producer;
    }

    private void unbind() {
        try {
            binding.close();
        } catch (Exception e) {
            log.debug("{}: unbinding the producer's metrics: {}", name, e.toString());
        }
        binding = () -> {};
    }

    @Override
    public synchronized void close() {
        unbind();
        producer.close(Duration.ofSeconds(5));
    }
}
