package io.k8sm.service.metrics;

import io.k8sm.deadletter.DeadLetterLog;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One service's meters: a Prometheus registry tagged {@code service=<name>}, with the JVM's meters,
 * Micrometer's Kafka client and Kafka Streams binders for the clients the service {@link #bind}s
 * (consumer lag is {@code kafka_consumer_fetch_manager_records_lag_max}), and whatever the service
 * registers on {@link #registry()} itself. {@link #scrape()} is the text {@code /metrics} serves.
 */
public final class ServiceMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceMetrics.class);

    private final String service;
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final List<AutoCloseable> binders = new ArrayList<>();
    private final List<Runnable> beforeScrape = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Set<String> deadLetterTopics = ConcurrentHashMap.newKeySet();

    public ServiceMetrics(String service) {
        this.service = service;
        registry.config().commonTags("service", service);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        binders.add(gc);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
    }

    public String service() {
        return service;
    }

    /** Where the service registers its own meters. */
    public MeterRegistry registry() {
        return registry;
    }

    /** Runs {@code r} before each scrape, e.g. to register the meters of things seen since the last. */
    public void beforeScrape(Runnable r) {
        beforeScrape.add(r);
    }

    /** Every meter in the Prometheus text format (version 0.0.4). */
    public String scrape() {
        for (Runnable r : beforeScrape) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.debug("before scrape: {}", e.toString());
            }
        }
        for (String topic : DeadLetterLog.countsByTopic().keySet()) {
            if (deadLetterTopics.add(topic)) {
                FunctionCounter.builder(
                                "k8sm.dead.letters",
                                topic,
                                t -> DeadLetterLog.countsByTopic().getOrDefault(t, 0L))
                        .description("Dead letters this process wrote, by the topic of the record they are about")
                        .tag("topic", topic)
                        .register(registry);
            }
        }
        return registry.scrape();
    }

    /**
     * Adds a producer's client metrics (record send rate, errors, request latency). Closing what it
     * returns removes them again: a client that is replaced by one with the same {@code client.id}
     * (a transactional producer's is {@code producer-<transactional id>}) must be unbound first, or
     * its meters, which the new one's would share, go on showing the closed client.
     */
    public synchronized AutoCloseable bind(Producer<?, ?> producer) {
        return bound(new KafkaClientMetrics(producer));
    }

    /**
     * Adds a consumer's client metrics, among them its lag ({@code records-lag-max}); closing what it
     * returns removes them again.
     */
    public synchronized AutoCloseable bind(Consumer<?, ?> consumer) {
        return bound(new KafkaClientMetrics(consumer));
    }

    private AutoCloseable bound(KafkaClientMetrics m) {
        m.bindTo(registry);
        binders.add(m);
        return () -> {
            synchronized (this) {
                if (binders.remove(m)) {
                    m.close(); // stops its refresh and removes its meters from the registry
                }
            }
        };
    }

    /** Adds a Kafka Streams client's metrics (its threads, tasks, stores, consumers and producers). */
    public synchronized void bind(KafkaStreams streams) {
        KafkaStreamsMetrics m = new KafkaStreamsMetrics(streams);
        m.bindTo(registry);
        binders.add(m);
    }

    /** Stops the binders' refresh threads and the registry. */
    @Override
    public synchronized void close() {
        for (AutoCloseable b : binders) {
            try {
                b.close();
            } catch (Exception e) {
                LOG.debug("closing a metrics binder: {}", e.toString());
            }
        }
        binders.clear();
        registry.close();
    }
}
