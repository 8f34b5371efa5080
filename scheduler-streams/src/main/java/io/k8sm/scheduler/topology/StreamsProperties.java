package io.k8sm.scheduler.topology;

import io.k8sm.config.K8smConfig;
import io.k8sm.deadletter.DeadLetterConfig;
import io.k8sm.deadletter.DeadLetterDeserializationHandler;
import io.k8sm.deadletter.DeadLetterProcessingHandler;
import io.k8sm.deadletter.DeadLetterProductionHandler;
import io.k8sm.topics.Topic;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;

/** The Kafka Streams properties of a {@link SchedulerConfig}. */
final class StreamsProperties {
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
        if (kafka.topicReplicationFactor() > 0) {
            p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.topicReplicationFactor());
        }
        c.stateDir().ifPresent(d -> p.put(StreamsConfig.STATE_DIR_CONFIG, d));
        c.query().ifPresent(q -> p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, q.advertised()));
        return p;
    }
}
