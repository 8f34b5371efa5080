package io.k8sm.sandbox.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

@WithKafkaWorld
class KafkaWorldExtensionTest {

    static KafkaWorld first;

    @Test
    void withoutDockerTheAutoModePicksTheEmbeddedBroker() {
        assertEquals(KafkaWorld.Kind.EMBEDDED, KafkaWorldExtension.chooseKind("auto", () -> false));
        assertEquals(KafkaWorld.Kind.TESTCONTAINERS, KafkaWorldExtension.chooseKind("auto", () -> true));
        assertEquals(
                KafkaWorld.Kind.EMBEDDED,
                KafkaWorldExtension.chooseKind("embedded", () -> true),
                "a forced choice wins");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> KafkaWorldExtension.chooseKind("podman", () -> false));
        assertTrue(e.getMessage().contains(KafkaWorldExtension.MODE_PROPERTY));
    }

    @Test
    void onAMachineWithoutDockerTheWorldIsEmbedded(KafkaWorld world) {
        boolean docker = KafkaWorldExtension.dockerAvailable(); // must not throw
        assumeFalse(docker, "a Docker engine is present here");
        assumeFalse("testcontainers".equals(KafkaWorldExtension.requestedMode()));
        assertEquals(KafkaWorld.Kind.EMBEDDED, world.kind());
    }

    @Test
    void everyTestGetsTheSameSharedWorld(KafkaWorld a, KafkaWorld b) {
        assertSame(a, b);
        if (first == null) {
            first = a;
        }
        assertSame(first, a);
    }

    @Test
    void theWorldsRegistryAnswers(KafkaWorld world) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(world.registryUrl() + "/subjects"))
                                .GET()
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.body().startsWith("["), r.body());
    }

    @Test
    void createTopicMakesACompactedTopicWhenAsked(KafkaWorld world) throws Exception {
        world.createTopic("world-compacted", 3, true);
        world.createTopic("world-compacted", 3, true); // again: left as it is
        try (Admin admin = world.admin()) {
            assertEquals(
                    3,
                    admin.describeTopics(List.of("world-compacted"))
                            .allTopicNames()
                            .get()
                            .get("world-compacted")
                            .partitions()
                            .size());
            ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, "world-compacted");
            assertEquals(
                    TopicConfig.CLEANUP_POLICY_COMPACT,
                    admin.describeConfigs(List.of(res))
                            .all()
                            .get()
                            .get(res)
                            .get(TopicConfig.CLEANUP_POLICY_CONFIG)
                            .value());
        }
    }

    /** Exactly-once needs the transaction coordinator, which needs the single-node settings. */
    @Test
    void aTransactionalProduceIsReadCommittedAndAnAbortedOneIsNot(KafkaWorld world) {
        world.createTopic("world-tx", 1, false);
        Properties p = world.producerProps();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "world-tx-producer");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("world-tx", "k", "committed-1"));
            producer.send(new ProducerRecord<>("world-tx", "k", "committed-2"));
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("world-tx", "k", "aborted"));
            producer.flush();
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("world-tx", "k", "committed-3"));
            producer.commitTransaction();
        }
        Properties c = world.consumerProps("world-tx-reader");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> seen = new ArrayList<>();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c)) {
            consumer.subscribe(List.of("world-tx"));
            // committed-3 comes after the aborted record, so once it is here the abort has been skipped.
            while (!seen.contains("committed-3") && Instant.now().isBefore(deadline)) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.value()));
            }
        }
        assertEquals(List.of("committed-1", "committed-2", "committed-3"), seen);
    }
}
