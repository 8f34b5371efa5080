package io.k8sm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigSourcesTest {

    @TempDir
    Path dir;

    @Test
    void defaultsPointAtALocalBrokerAndRegistry() {
        K8smConfig c = new ConfigSources().build();
        assertEquals("localhost:9092", c.bootstrapServers());
        assertEquals("http://localhost:8081", c.schemaRegistryUrl());
        assertEquals("k8sm.", c.topicPrefix());
    }

    @Test
    void flagsBeatEnvironmentWhichBeatsTheFile() throws Exception {
        Path f = dir.resolve("k8sm.properties");
        Files.writeString(f, "bootstrap.servers=file:1\ntopics.prefix=fromfile.\nschema.registry.url=http://file\n");
        K8smConfig c = new ConfigSources()
                .file(f)
                .environment(Map.of("K8SM_TOPICS_PREFIX", "fromenv.", "K8SM_SCHEMA_REGISTRY_URL", "http://env"))
                .flags(Map.of("schema.registry.url", "http://flag"))
                .build();
        assertEquals("file:1", c.bootstrapServers());
        assertEquals("fromenv.", c.topicPrefix());
        assertEquals("http://flag", c.schemaRegistryUrl());
    }

    @Test
    void kafkaPrefixedKeysPassThroughToClientsWithoutThePrefix() {
        K8smConfig c = new ConfigSources()
                .environment(Map.of("K8SM_KAFKA_SECURITY_PROTOCOL", "SASL_SSL"))
                .flags(Map.of("kafka.sasl.mechanism", "PLAIN", "basic.auth.user.info", "u:p"))
                .build();
        assertEquals("SASL_SSL", c.kafkaProperties().get("security.protocol"));
        assertEquals("PLAIN", c.kafkaProperties().get("sasl.mechanism"));
        assertEquals("localhost:9092", c.kafkaProperties().get("bootstrap.servers"));
        assertEquals("u:p", c.serdeConfig().get("basic.auth.user.info"));
    }

    @Test
    void environmentVariablesThatAreNotKeysAreIgnored() {
        K8smConfig c = new ConfigSources()
                .environment(Map.of(
                        "K8SM_CONFIG",
                        "/nowhere",
                        "K8SM_JAVA_OPTS",
                        "-Xmx1g",
                        "K8SM_SANDBOX_KAFKA",
                        "embedded",
                        "PATH",
                        "/bin"))
                .build();
        assertEquals("k8sm.", c.topicPrefix());
    }

    @Test
    void unknownKeyIsAnErrorNamingTheKeyAndWhereItCameFrom() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> new ConfigSources()
                        .flags(Map.of("bootstrap.server", "x:1"))
                        .build());
        assertTrue(e.getMessage().contains("'bootstrap.server'"), e.getMessage());
        assertTrue(e.getMessage().contains("command-line flag"), e.getMessage());
    }

    @Test
    void badValueNamesTheKeyTheExpectedFormAndTheVariable() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> new ConfigSources()
                        .environment(Map.of("K8SM_TOPICS_REPLICATION_FACTOR", "three"))
                        .build());
        assertTrue(e.getMessage().contains("topics.replication.factor"), e.getMessage());
        assertTrue(e.getMessage().contains("K8SM_TOPICS_REPLICATION_FACTOR"), e.getMessage());
    }

    @Test
    void topicNamesFollowThePrefixAndPerTopicOverrides() {
        K8smConfig c = new ConfigSources()
                .flags(Map.of(
                        "topics.prefix", "prod.", "topics.pods.name", "kube-pods", "topics.offers.partitions", "4"))
                .build();
        assertEquals("kube-pods", c.topics().name(io.k8sm.topics.Topic.PODS));
        assertEquals("prod.task-status", c.topics().name(io.k8sm.topics.Topic.TASK_STATUS));
        assertEquals(4, c.topics().partitions(io.k8sm.topics.Topic.OFFERS));
    }

    @Test
    void overrideOfAnUnknownTopicIsAConfigErrorNamingTheKey() {
        K8smConfig c =
                new ConfigSources().flags(Map.of("topics.podz.name", "x")).build();
        ConfigException e = assertThrows(ConfigException.class, c::topics);
        assertTrue(e.getMessage().contains("topics.podz.name"), e.getMessage());
    }

    @Test
    void aComponentIgnoresAnotherComponentsKeysButNotTyposUnderItsOwnPrefix() {
        org.apache.kafka.common.config.ConfigDef scheduler = K8smConfig.baseDefinition()
                .define(
                        "scheduler.offer.ttl.ms",
                        org.apache.kafka.common.config.ConfigDef.Type.LONG,
                        5000L,
                        org.apache.kafka.common.config.ConfigDef.Importance.LOW,
                        "ttl");
        Map<String, String> shared = Map.of("scheduler.offer.ttl.ms", "7000", "endpoints.mode", "vanilla");
        K8smConfig base = new ConfigSources().flags(shared).build();
        assertEquals("k8sm.", base.topicPrefix());
        K8smConfig sched = new ConfigSources().flags(shared).build(v -> new K8smConfig(scheduler, v));
        assertEquals(7000L, sched.getLong("scheduler.offer.ttl.ms"));
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> new ConfigSources()
                        .flags(Map.of("scheduler.offer.tll.ms", "1"))
                        .build(v -> new K8smConfig(scheduler, v)));
        assertTrue(e.getMessage().contains("'scheduler.offer.tll.ms'"), e.getMessage());
    }

    @Test
    void missingFileIsAnErrorNamingTheFile() {
        Path missing = dir.resolve("absent.properties");
        ConfigException e = assertThrows(ConfigException.class, () -> new ConfigSources().file(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }
}
