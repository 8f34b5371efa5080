package io.k8sm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.k8sm.topics.Topic;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Environment variables can name every topic, the hyphenated ones too (usability review §1.5: {@code
 * K8SM_TOPICS_TASK_STATUS_NAME} meant {@code topics.task.status.name}, no topic): {@code __} stands
 * for {@code -}.
 */
class EnvironmentHyphenTest {

    @Test
    void aDoubleUnderscoreInAVariableIsAHyphenInTheKey() {
        assertEquals("topics.task-status.name", ConfigSources.envToKey("K8SM_TOPICS_TASK__STATUS_NAME"));
        assertEquals("bootstrap.servers", ConfigSources.envToKey("K8SM_BOOTSTRAP_SERVERS"));
    }

    @Test
    void everyHyphenatedTopicCanBeRenamedAndSizedFromTheEnvironment() {
        for (Topic t : Topic.values()) {
            String var = "K8SM_TOPICS_" + t.logicalName().toUpperCase().replace("-", "__");
            K8smConfig c = new ConfigSources()
                    .environment(Map.of(var + "_NAME", "env-" + t.logicalName(), var + "_PARTITIONS", "7"))
                    .build();
            assertEquals("env-" + t.logicalName(), c.topics().name(t), var);
            assertEquals(7, c.topics().partitions(t), var);
        }
    }
}
