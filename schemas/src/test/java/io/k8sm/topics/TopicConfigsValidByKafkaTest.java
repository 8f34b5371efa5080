package io.k8sm.topics;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.storage.internals.log.LogConfig;
import org.junit.jupiter.api.Test;

/**
 * The topic configs pass the broker's own validation of topic-level configs (kafka-storage's
 * LogConfig).
 */
class TopicConfigsValidByKafkaTest {

    @Test
    void everyTopicsConfigsPassTheBrokersTopicConfigValidation() {
        for (NewTopic topic : TopicCatalogue.defaults().all((short) 1)) {
            Map<String, String> props = new HashMap<>(topic.configs());
            assertDoesNotThrow(() -> LogConfig.validate(props), topic.name() + " " + topic.configs());
        }
        Map<String, String> compactDelete = Map.of("cleanup.policy", CleanupPolicy.COMPACT_DELETE.config());
        assertDoesNotThrow(() -> LogConfig.validate(compactDelete));
    }

    @Test
    void theBrokersValidationRejectsAnUnknownCleanupPolicy() {
        Map<String, String> props = Map.of("cleanup.policy", "compacted");
        assertThrows(ConfigException.class, () -> LogConfig.validate(props));
    }
}
