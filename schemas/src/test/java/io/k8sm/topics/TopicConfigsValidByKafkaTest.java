package io.k8sm.topics;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Properties;
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
            Properties props = new Properties();
            props.putAll(topic.configs());
            assertDoesNotThrow(() -> LogConfig.validate(props), topic.name() + " " + topic.configs());
        }
        Properties compactDelete = new Properties();
        compactDelete.put("cleanup.policy", CleanupPolicy.COMPACT_DELETE.config());
        assertDoesNotThrow(() -> LogConfig.validate(compactDelete));
    }

    @Test
    void theBrokersValidationRejectsAnUnknownCleanupPolicy() {
        Properties props = new Properties();
        props.put("cleanup.policy", "compacted");
        assertThrows(ConfigException.class, () -> LogConfig.validate(props));
    }
}
