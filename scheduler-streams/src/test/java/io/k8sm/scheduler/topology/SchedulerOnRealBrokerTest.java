package io.k8sm.scheduler.topology;

import static io.k8sm.scheduler.testing.Given.offer;
import static io.k8sm.scheduler.testing.Given.pod;
import static io.k8sm.scheduler.testing.Given.status;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.DeadLetter;
import io.k8sm.avro.LaunchRequest;
import io.k8sm.avro.OfferEvent;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.SchedulerEvent;
import io.k8sm.avro.SchedulerEventType;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.TaskStatus;
import io.k8sm.deadletter.DeadLetterDeserializationHandler;
import io.k8sm.errors.SerdeException;
import io.k8sm.sandbox.junit.KafkaWorld;
import io.k8sm.sandbox.junit.WithKafkaWorld;
import io.k8sm.serde.AvroSerde;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler as it runs in production, on the shared real broker (in-process KRaft,
 * exactly-once) with the real schema registry: every record on every topic is in the Confluent wire
 * format. Each test has its own topic prefix and application id.
 */
@WithKafkaWorld
class SchedulerOnRealBrokerTest {

    @TempDir
    Path stateDir;

    /** One test's scheduler world on the shared broker: its topics, its configuration, its serdes. */
    private final class Rig {
        final KafkaWorld world;
        final SchedulerConfig config;
        final SchedulerTopics topics;
        final SchedulerSerdes serdes;

        Rig(KafkaWorld world, String name) {
            this.world = world;
            Map<String, Object> cfg = new HashMap<>();
            cfg.put("bootstrap.servers", world.bootstrapServers());
            cfg.put("schema.registry.url", world.registryUrl());
            cfg.put("topics.prefix", name + ".");
            cfg.put(SchedulerConfig.APPLICATION_ID, name);
            cfg.put(SchedulerConfig.STATE_DIR, stateDir.toString());
            cfg.put("kafka.commit.interval.ms", "100");
            // The restarted instance joins the group the stopped one may still hold: keep that wait
            // short.
            cfg.put("kafka.session.timeout.ms", "6000");
            cfg.put("kafka.heartbeat.interval.ms", "1000");
            config = SchedulerConfig.fromMap(cfg);
            topics = config.schedulerTopics();
            serdes = SchedulerSerdes.registry(config.kafka());
            try (org.apache.kafka.clients.admin.Admin admin = world.admin()) {
                admin.createTopics(config.kafka().topics().all((short) 1))
                        .all()
                        .get(); // the catalogue's partitions and policies
            } catch (Exception e) {
                throw new IllegalStateException("cannot create the topics of " + name, e);
            }
        }

        SchedulerService start() {
            SchedulerService app = new SchedulerService(config); // the production constructor: registry serdes
            app.start();
            return app;
        }

        <T extends SpecificRecord> void send(String topic, String key, T value, Class<T> type) {
            sendRaw(topic, key, serdes.value(type).serializer().serialize(topic, value));
        }

        void sendRaw(String topic, String key, byte[] value) {
            try (KafkaProducer<String, byte[]> producer =
                    new KafkaProducer<>(world.producerProps(), new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(topic, key, value));
            }
        }

        <T extends SpecificRecord> T await(String topic, Class<T> type, Predicate<T> wanted) {
            return awaitRecord(
                            topic,
                            AvroSerde.specific(type, config.kafka().serdeConfig(), false)
                                    .deserializer(),
                            r -> wanted.test(r.value()))
                    .value();
        }

        /**
         * Reads {@code topic} (every partition, committed records) from the start until a record is
         * wanted.
         */
        <T> ConsumerRecord<String, T> awaitRecord(
                String topic, Deserializer<T> values, Predicate<ConsumerRecord<String, T>> wanted) {
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                    world.consumerProps(topic + "-reader"), new StringDeserializer(), new ByteArrayDeserializer())) {
                List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
                        .map(i -> new TopicPartition(topic, i.partition()))
                        .toList();
                consumer.assign(parts);
                consumer.seekToBeginning(parts);
                List<Object> seen = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                        T v = values.deserialize(topic, r.value());
                        ConsumerRecord<String, T> typed =
                                new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.key(), v);
                        seen.add(v);
                        if (wanted.test(typed)) {
                            return typed;
                        }
                    }
                }
                throw new AssertionError("nothing wanted on " + topic + "; saw " + seen);
            }
        }
    }

    private static void deleteRecursively(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path x :
                    walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(x);
            }
        }
    }

    @Test
    void podAndOfferInLaunchRequestOutAndAssignedSlaveSurvivesARestartFromTheChangelog(KafkaWorld world)
            throws Exception {
        Rig rig = new Rig(world, "sched-restart");
        SchedulerTopics t = rig.topics;
        String taskId;
        try (SchedulerService app = rig.start()) {
            rig.send(t.pods(), "ns/a", pod("ns/a").build(), PodSnapshot.class);
            rig.send(t.offers(), "shard-0", offer("o1", "host-a").build(), OfferEvent.class);
            LaunchRequest launch = rig.await(t.launchRequests(), LaunchRequest.class, l -> true);
            assertEquals("host-a", launch.getTask().getSpec().getAssignedSlave());
            taskId = launch.getTaskId();
        }
        deleteRecursively(stateDir); // the next instance can only restore from the changelog
        try (SchedulerService app = rig.start()) {
            rig.send(
                    t.taskStatus(),
                    taskId,
                    status(taskId, TaskState.TASK_FAILED).build(),
                    TaskStatus.class);
            SchedulerEvent ev = rig.await(
                    t.schedulerEvents(), SchedulerEvent.class, e -> e.getType() == SchedulerEventType.RESCHEDULED);
            assertEquals("host-a", ev.getHost(), "AssignedSlave came back from the changelog");
            assertTrue(ev.getMessage().contains(taskId));
            assertEquals(KafkaStreams.State.RUNNING, app.state());
            assertTrue(app.isHealthy(), "a running Streams client is healthy");
            app.close();
            assertFalse(app.isHealthy(), "a closed one is not");
        }
    }

    @Test
    void everyOutputIsInTheConfluentWireFormatOfTheRegistry(KafkaWorld world) throws Exception {
        Rig rig = new Rig(world, "sched-wire");
        SchedulerTopics t = rig.topics;
        try (SchedulerService app = rig.start()) {
            rig.send(t.pods(), "ns/a", pod("ns/a").build(), PodSnapshot.class);
            rig.send(t.offers(), "shard-0", offer("o1", "host-a").build(), OfferEvent.class);
            ConsumerRecord<String, byte[]> raw =
                    rig.awaitRecord(t.launchRequests(), new ByteArrayDeserializer(), r -> true);
            assertEquals(0, raw.value()[0], "magic byte 0");
            int schemaId = ByteBuffer.wrap(raw.value(), 1, 4).getInt();
            assertEquals(
                    LaunchRequest.getClassSchema(),
                    io.k8sm.schemaregistry.SchemaRegistryClients.fromConfig(
                                    rig.config.kafka().serdeConfig())
                            .getById(schemaId),
                    "the schema id names the LaunchRequest schema in the registry");
        }
    }

    @Test
    void corruptPodRecordGoesToDeadLettersAsAnAvroDeadLetterAndTheNextPodIsStillScheduled(KafkaWorld world)
            throws Exception {
        Rig rig = new Rig(world, "sched-corrupt");
        SchedulerTopics t = rig.topics;
        byte[] garbage = "not avro at all".getBytes(StandardCharsets.UTF_8);
        try (SchedulerService app = rig.start()) {
            rig.send(t.offers(), "shard-0", offer("o1", "host-a").build(), OfferEvent.class);
            rig.sendRaw(t.pods(), "ns/broken", garbage);
            rig.send(t.pods(), "ns/next", pod("ns/next").build(), PodSnapshot.class);

            LaunchRequest launch = rig.await(t.launchRequests(), LaunchRequest.class, l -> true);
            assertEquals("next", launch.getPod().getName(), "the pod after the corrupt record is scheduled");

            ConsumerRecord<String, DeadLetter> dead = rig.awaitRecord(
                    t.deadLetters(),
                    AvroSerde.specific(DeadLetter.class, rig.config.kafka().serdeConfig(), false)
                            .deserializer(),
                    r -> true);
            DeadLetter d = dead.value();
            assertEquals(t.pods() + "/0/0", dead.key(), "key topic/partition/offset");
            assertEquals(t.pods(), d.getSourceTopic());
            assertEquals(0, d.getSourcePartition());
            assertEquals(0L, d.getSourceOffset());
            assertEquals("ns/broken", StandardCharsets.UTF_8.decode(d.getKey()).toString());
            byte[] value = new byte[d.getValue().remaining()];
            d.getValue().get(value);
            assertArrayEquals(garbage, value, "the raw bytes as read");
            assertTrue(
                    SerdeException.class.isAssignableFrom(Class.forName(d.getExceptionClass())), d.getExceptionClass());
            assertTrue(d.getReason().contains(t.pods()), d.getReason());
            assertEquals("sched-corrupt", d.getApplication());
            assertEquals(KafkaStreams.State.RUNNING, app.state());
            assertEquals(
                    DeadLetterDeserializationHandler.class.getName(),
                    rig.config.streamsProperties().get("deserialization.exception.handler"));
        }
    }
}
