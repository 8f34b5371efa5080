package io.k8sm.launcher.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.k8sm.sandbox.kafka.EmbeddedKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The broker goes away between a batch's handling and its commit (the transaction cannot be
 * written: sends, offsets and commit time out) and comes back on the same data directory. The loop
 * must live on, and every input record must reach the output exactly once (read back,
 * read_committed, from the restarted broker's own log).
 */
class TransactionalLoopBrokerRestartTest {
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    private final AtomicReference<EmbeddedKafka> broker = new AtomicReference<>();
    private TransactionalLoop loop;
    private Path dir;

    @AfterEach
    void close() throws Exception {
        if (loop != null) {
            loop.close();
        }
        EmbeddedKafka b = broker.get();
        if (b != null) {
            b.close();
        }
        if (dir != null) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(f -> f.toFile().delete());
            }
        }
    }

    private static EmbeddedKafka startBroker(Path dir, int port, int controllerPort) {
        return EmbeddedKafka.builder()
                .dataDir(dir)
                .port(port)
                .controllerPort(controllerPort)
                .start();
    }

    @Test
    void aBrokerThatGoesAwayBeforeTheCommitAndComesBackLosesAndRepeatsNothing() throws Exception {
        dir = Files.createTempDirectory("l1-broker-");
        EmbeddedKafka first = EmbeddedKafka.builder().dataDir(dir).start();
        broker.set(first);
        int port = first.port();
        int controllerPort = first.controllerPort();
        String bootstrap = first.bootstrapServers();
        try (Admin admin = first.admin()) {
            admin.createTopics(List.of(new NewTopic("in", 1, (short) 1), new NewTopic("out", 1, (short) 1)))
                    .all()
                    .get(60, TimeUnit.SECONDS);
        }
        warmUpTransactions(bootstrap);
        AtomicBoolean cut = new AtomicBoolean();
        CompletableFuture<Void> back = new CompletableFuture<>();
        TransactionalLoop.BatchHandler handler = batch -> {
            if (cut.compareAndSet(false, true)) {
                // the broker dies after the batch was handled, before its transaction is written
                broker.getAndSet(null).close();
                CompletableFuture.runAsync(() -> {
                    try {
                        Thread.sleep(3000);
                        broker.set(startBroker(dir, port, controllerPort));
                        back.complete(null);
                    } catch (Throwable t) {
                        back.completeExceptionally(t);
                    }
                });
            }
            List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
            batch.forEach(r -> out.add(new ProducerRecord<>("out", r.key(), r.value())));
            return out;
        };
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", bootstrap);
        kafka.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
        kafka.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "120000");
        kafka.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
        loop = new TransactionalLoop(
                "restart", kafka, "g", "tx-restart", List.of("in"), handler, Duration.ofMillis(100), 0);
        loop.start();
        produce(bootstrap, 0, 3);
        back.get(90, TimeUnit.SECONDS);
        produce(bootstrap, 3, 6);
        Map<String, Integer> copies = awaitCopies(bootstrap, 6);
        for (int i = 0; i < 6; i++) {
            assertEquals(1, copies.getOrDefault("k" + i, 0), "record k" + i + " copied once: " + copies);
        }
        assertTrue(loop.isRunning(), "the loop survives the broker's absence: " + loop.failure());
    }

    /** The transaction coordinator of a fresh broker takes a while; the loop starts once it answers. */
    private static void warmUpTransactions(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "warm-up");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "60000");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
        }
    }

    private static void produce(String bootstrap, int from, int to) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                producer.send(new ProducerRecord<>("in", "k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8)))
                        .get(60, TimeUnit.SECONDS);
            }
        }
    }

    private Map<String, Integer> awaitCopies(String bootstrap, int keys) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Map<String, Integer> copies = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> c =
                new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition("out", 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            Instant deadline = Instant.now().plus(DEADLINE);
            while (copies.size() < keys) {
                if (Instant.now().isAfter(deadline)) {
                    fail("only " + copies + " copied; loop running: " + loop.isRunning() + ", " + loop.failure());
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    copies.merge(r.key(), 1, Integer::sum);
                }
            }
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                copies.merge(r.key(), 1, Integer::sum);
            }
        }
        return copies;
    }
}
