package io.k8sm.scheduler.topology;

import static io.k8sm.scheduler.testing.Given.offer;
import static io.k8sm.scheduler.testing.Given.pod;
import static io.k8sm.scheduler.testing.Given.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.ClockTick;
import io.k8sm.avro.Decline;
import io.k8sm.avro.LaunchRequest;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.OfferEvent;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.TaskStatus;
import io.k8sm.sandbox.junit.KafkaWorld;
import io.k8sm.sandbox.junit.WithKafkaWorld;
import io.k8sm.sandbox.schemaregistry.EmbeddedSchemaRegistry;
import io.k8sm.serde.AvroSerde;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults of issue 10 on the real broker (exactly-once): a registry outage, a producer's clock an
 * hour ahead, input topics that are not co-partitioned. Each test checks its invariant from the
 * scheduler's own output topics (read committed).
 */
@WithKafkaWorld
class SchedulerFaultsOnRealBrokerTest {

    @TempDir
    Path stateDir;

    private SchedulerConfig config(KafkaWorld world, String name, String registryUrl, Map<String, Object> extra) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put("bootstrap.servers", world.bootstrapServers());
        cfg.put("schema.registry.url", registryUrl);
        cfg.put("topics.prefix", name + ".");
        cfg.put(SchedulerConfig.APPLICATION_ID, name);
        cfg.put(SchedulerConfig.STATE_DIR, stateDir.toString());
        cfg.put("kafka.commit.interval.ms", "100");
        cfg.putAll(extra);
        SchedulerConfig config = SchedulerConfig.fromMap(cfg);
        try (Admin admin = world.admin()) {
            admin.createTopics(config.kafka().topics().all((short) 1)).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the topics of " + name, e);
        }
        return config;
    }

    private static void send(KafkaWorld world, String topic, String key, byte[] value, Long timestamp) {
        try (KafkaProducer<String, byte[]> p =
                new KafkaProducer<>(world.producerProps(), new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, null, timestamp, key, value));
        }
    }

    private static KafkaConsumer<String, byte[]> reader(KafkaWorld world, String topic) {
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(
                world.consumerProps(topic + "-reader"), new StringDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> parts = c.partitionsFor(topic).stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
        c.assign(parts);
        c.seekToBeginning(parts);
        return c;
    }

    private static void awaitRunning(SchedulerService app) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (app.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(KafkaStreams.State.RUNNING, app.state());
    }

    /** Review 2.2: co-partitioning is checked at start, not only documented. */
    @Test
    void inputTopicsWithUnequalPartitionCountsRefuseToStart(KafkaWorld world) {
        SchedulerConfig config =
                config(world, "sched-copart", world.registryUrl(), Map.of("topics.pods.partitions", "2"));
        try (SchedulerService app = new SchedulerService(config)) {
            ConfigException e = assertThrows(ConfigException.class, app::start);
            assertTrue(
                    e.getMessage().contains("co-partitioned") && e.getMessage().contains("sched-copart.pods=2"),
                    e.getMessage());
        }
    }

    /**
     * Issue 10.7: records whose schema ids the scheduler has never seen arrive while the registry is
     * down. Invariant: none is skipped or dead-lettered; once the registry is back, every one is
     * applied (the pod is launched on the offer).
     */
    @Test
    void aRegistryOutageStallsTheSchedulerAndEveryRecordIsAppliedWhenItReturns(KafkaWorld world) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String schemas = "_schemas-sched-outage";
        EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.builder(world.bootstrapServers())
                .port(port)
                .topic(schemas)
                .start();
        SchedulerConfig config = config(world, "sched-outage", registry.url(), Map.of());
        SchedulerTopics t = config.schedulerTopics();
        SchedulerSerdes producerSide = SchedulerSerdes.registry(config.kafka());
        try (SchedulerService app = new SchedulerService(config)) {
            app.start();
            awaitRunning(app);
            byte[] podBytes = producerSide
                    .value(PodSnapshot.class)
                    .serializer()
                    .serialize(t.pods(), pod("ns/a").build());
            byte[] offerBytes = producerSide
                    .value(OfferEvent.class)
                    .serializer()
                    .serialize(t.offers(), offer("o1", "host-a").build());
            registry.close(); // the outage: the scheduler has never read these schema ids
            send(world, t.pods(), "ns/a", podBytes, null);
            send(world, t.offers(), "shard-0", offerBytes, null);
            Thread.sleep(3_000); // let the scheduler meet the outage (no assertion on time)
            registry = EmbeddedSchemaRegistry.builder(world.bootstrapServers())
                    .port(port)
                    .topic(schemas)
                    .start();

            var launches = AvroSerde.specific(
                            LaunchRequest.class, config.kafka().serdeConfig(), false)
                    .deserializer();
            LaunchRequest launched = null;
            try (KafkaConsumer<String, byte[]> c = reader(world, t.launchRequests())) {
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (launched == null && System.nanoTime() < deadline) {
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                        launched = launches.deserialize(r.topic(), r.value());
                    }
                }
            }
            assertTrue(launched != null, "the pod read during the outage is launched once the registry is back");
            assertEquals("a", launched.getPod().getName());
            try (KafkaConsumer<String, byte[]> c = reader(world, t.deadLetters())) {
                List<String> dead = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    c.poll(Duration.ofMillis(200)).forEach(r -> dead.add(r.key()));
                }
                assertEquals(List.of(), dead, "nothing dead-lettered for an outage");
            }
        } finally {
            registry.close();
        }
    }

    /**
     * Issue 10.9: a status whose producer's clock is an hour ahead. The input topics use the
     * broker's append time, so the scheduler's time is not moved. Invariant: an offer is still
     * declined once its TTL (1 s) has passed, as clock ticks keep coming.
     */
    @Test
    void aStatusStampedAnHourAheadDoesNotFreezeOfferExpiry(KafkaWorld world) throws Exception {
        SchedulerConfig config =
                config(world, "sched-skew", world.registryUrl(), Map.of(SchedulerConfig.OFFER_TTL_MS, "1000"));
        SchedulerTopics t = config.schedulerTopics();
        SchedulerSerdes serdes = SchedulerSerdes.registry(config.kafka());
        try (SchedulerService app = new SchedulerService(config)) {
            app.start();
            long hourAhead = System.currentTimeMillis() + 3_600_000;
            send(
                    world,
                    t.taskStatus(),
                    "t-1",
                    serdes.value(TaskStatus.class)
                            .serializer()
                            .serialize(
                                    t.taskStatus(),
                                    status("t-1", TaskState.TASK_RUNNING).build()),
                    hourAhead);
            send(
                    world,
                    t.offers(),
                    "shard-0",
                    serdes.value(OfferEvent.class)
                            .serializer()
                            .serialize(t.offers(), offer("o1", "host-a").build()),
                    null);
            var calls = AvroSerde.specific(MesosCall.class, config.kafka().serdeConfig(), false)
                    .deserializer();
            boolean declined = false;
            try (KafkaConsumer<String, byte[]> c = reader(world, t.mesosCalls())) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (!declined && System.nanoTime() < deadline) {
                    long now = System.currentTimeMillis();
                    send(
                            world,
                            t.clock(),
                            "clock",
                            serdes.value(ClockTick.class)
                                    .serializer()
                                    .serialize(t.clock(), new ClockTick(Instant.ofEpochMilli(now), "test")),
                            null);
                    for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                        MesosCall call = calls.deserialize(r.topic(), r.value());
                        declined |= call.getCall() instanceof Decline d
                                && d.getOfferIds().contains("o1");
                    }
                }
            }
            assertTrue(declined, "the offer is declined at its TTL although a status claimed an hour later");
        }
    }
}
