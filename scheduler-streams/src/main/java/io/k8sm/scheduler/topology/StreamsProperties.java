package io.k8sm.scheduler.topology;

import io.k8sm.config.K8smConfig;
import io.k8sm.deadletter.DeadLetterConfig;
import io.k8sm.deadletter.DeadLetterDeserializationHandler;
import io.k8sm.deadletter.DeadLetterProcessingHandler;
import io.k8sm.deadletter.DeadLetterProductionHandler;
import io.k8sm.topics.Topic;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams properties of a {@link SchedulerConfig}. */
final class StreamsProperties {

    /** The main consumer's session timeout: how long a killed instance holds its shards. */
    static final int SESSION_TIMEOUT_MS = 6_000;

    static final int HEARTBEAT_MS = 1_500;

    private StreamsProperties() {}

    /**
     * Kafka Streams properties: the shared client properties plus the scheduler's. Unreadable input
     * records (and a processor that throws) go to the catalogue's dead-letter topic through the
     * shared handlers ({@link DeadLetterDeserializationHandler}, {@link
     * DeadLetterProcessingHandler}), which hand Kafka Streams a {@code DeadLetter} encoded through
     * the schema registry (the serde keys are passed along) to write inside the task's transaction;
     * an output the broker refuses as too large is dead-lettered, truncated, by {@link
     * DeadLetterProductionHandler}. {@code kafka.deserialization.exception.handler} / {@code
     * kafka.processing.exception.handler} replace them.
     */
    static Properties of(SchedulerConfig c) {
        K8smConfig kafka = c.kafka();
        Properties p = kafka.kafkaProperties();
        p.putIfAbsent(
                StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterDeserializationHandler.class.getName());
        p.putIfAbsent(
                StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProcessingHandler.class.getName());
        p.putIfAbsent(
                StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterProductionHandler.class.getName());
        p.put(DeadLetterConfig.TOPIC, kafka.topics().name(Topic.DEAD_LETTERS));
        kafka.serdeConfig().forEach(p::putIfAbsent);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, c.applicationId());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, c.processingGuarantee());
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, c.numStandbyReplicas());
        // failure detection: a killed instance's shards move after the session timeout (the consumer's
        // default is 45 s; 6 s is the broker's default minimum); kafka.session.timeout.ms overrides it
        defaultMainConsumer(p, ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
        defaultMainConsumer(p, ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, HEARTBEAT_MS);
        if (kafka.topicReplicationFactor() > 0) {
            p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.topicReplicationFactor());
        }
        c.stateDir().ifPresent(d -> p.put(StreamsConfig.STATE_DIR_CONFIG, d));
        c.query().ifPresent(q -> p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, q.advertised()));
        return p;
    }

    /** The main consumer's {@code key}, unless set with or without the {@code main.consumer.} prefix. */
    private static void defaultMainConsumer(Properties p, String key, int value) {
        if (!p.containsKey(key) && !p.containsKey(StreamsConfig.consumerPrefix(key))) {
            p.putIfAbsent(StreamsConfig.mainConsumerPrefix(key), value);
        }
    }
}
