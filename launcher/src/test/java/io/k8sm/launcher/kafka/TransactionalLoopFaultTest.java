package io.k8sm.launcher.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.k8sm.sandbox.junit.KafkaWorld;
import io.k8sm.sandbox.junit.WithKafkaWorld;
import io.k8sm.service.metrics.ServiceMetrics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The loop against a real broker: a handler that fails once, before any transaction is open, must
 * neither end the loop nor lose or repeat a record. Invariant, read back from the output topic
 * (read_committed): every input record appears exactly once.
 */
@WithKafkaWorld
class TransactionalLoopFaultTest {
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private KafkaWorld world;
    private String in;
    private String outTopic;
    private TransactionalLoop loop;
    /** When set, the loop is bound to it before it starts. */
    private ServiceMetrics metrics;

    @BeforeEach
    void topics(KafkaWorld w) {
        world = w;
        String prefix = "tl" + UUID.randomUUID().toString().substring(0, 8) + ".";
        in = prefix + "in";
        outTopic = prefix + "out";
        w.createTopic(in, 1, false);
        w.createTopic(outTopic, 1, false);
    }

    @AfterEach
    void close() {
        if (loop != null) {
            loop.close();
        }
        if (metrics != null) {
            metrics.close();
        }
    }

    /** Copies each record to the output topic; the first call throws what {@code fault} gives. */
    private TransactionalLoop.BatchHandler failingOnce(Supplier<RuntimeException> fault) {
        AtomicInteger calls = new AtomicInteger();
        return batch -> {
            if (calls.getAndIncrement() == 0) {
                throw fault.get();
            }
            List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
            batch.forEach(r -> out.add(new ProducerRecord<>(outTopic, r.key(), r.value())));
            return out;
        };
    }

    private void runLoop(TransactionalLoop.BatchHandler handler) throws Exception {
        runLoop(handler, new Properties(), 5, 0);
    }

    /** Sends {@code records} records (before the loop starts), runs the loop, checks each is copied once. */
    private void runLoop(TransactionalLoop.BatchHandler handler, Properties extra, int records, int drainPolls)
            throws Exception {
        try (KafkaProducer<String, byte[]> p =
                new KafkaProducer<>(world.producerProps(), new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < records; i++) {
                p.send(new ProducerRecord<>(in, "k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8)));
            }
            p.flush();
        }
        Properties kafka = new Properties();
        kafka.putAll(extra);
        kafka.put("bootstrap.servers", world.bootstrapServers());
        String id = UUID.randomUUID().toString();
        loop = new TransactionalLoop(
                "test", kafka, "g-" + id, "tx-" + id, List.of(in), handler, Duration.ofMillis(100), drainPolls);
        if (metrics != null) {
            loop.bindTo(metrics);
        }
        loop.start();
        Map<String, Integer> copies = awaitCopies(records);
        for (int i = 0; i < records; i++) {
            assertEquals(1, copies.getOrDefault("k" + i, 0), "record k" + i + " copied once: " + copies);
        }
        assertTrue(loop.isRunning(), "the loop survives the fault");
    }

    private Map<String, Integer> awaitCopies(int keys) {
        Map<String, Integer> copies = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(
                world.consumerProps("reader-" + UUID.randomUUID()),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(outTopic, 0);
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
            // anything copied twice would be right behind
            for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
                copies.merge(r.key(), 1, Integer::sum);
            }
        }
        return copies;
    }

    @Test
    void aKafkaErrorBeforeTheTransactionBeginsIsRetriedAndNothingIsLostOrRepeated() throws Exception {
        // what a registry that is down on the first encode raises (a SerdeException is a KafkaException)
        runLoop(failingOnce(() -> new SerializationException("registry unreachable on first encode")));
    }

    /**
     * The long chaos run's wedge: the launch loop drained 1,631 launch requests into one batch whose
     * handling (one Kubernetes lookup each, on a loaded API) outlasted {@code max.poll.interval.ms};
     * the group dropped the member, the commit failed, and the same batch was retried for ever. A
     * batch that failed after more than half the poll interval is retried smaller, until it commits.
     */
    @Test
    void aBatchTooSlowToCommitWithinThePollIntervalIsRetriedSmallerUntilEveryRecordIsCopiedOnce() throws Exception {
        Properties tight = new Properties();
        tight.put("max.poll.interval.ms", "3000");
        AtomicInteger largest = new AtomicInteger();
        TransactionalLoop.BatchHandler slow = batch -> {
            largest.accumulateAndGet(batch.size(), Math::max);
            try {
                Thread.sleep(30L * batch.size()); // 200 records: 6 s, twice the poll interval
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
            batch.forEach(r -> out.add(new ProducerRecord<>(outTopic, r.key(), r.value())));
            return out;
        };
        runLoop(slow, tight, 200, 4);
        assertEquals(200, largest.get(), "the first batch took every record");
    }

    @Test
    void aNonKafkaErrorFromTheHandlerIsRetriedAndNothingIsLostOrRepeated() throws Exception {
        runLoop(failingOnce(() -> new IllegalArgumentException("a handler bug that happens once")));
    }

    /**
     * A replaced producer (one that could not abort) has the old one's {@code client.id}; the metrics
     * must show the new one, not the closed one whose meters the new one's would share.
     */
    @Test
    void theMetricsOfAReplacedProducerAreTheNewProducersAndTheConsumersLagIsShown() throws Exception {
        metrics = new ServiceMetrics("test");
        AtomicInteger calls = new AtomicInteger();
        TransactionalLoop.BatchHandler replacingFirst = batch -> {
            if (calls.getAndIncrement() == 0) {
                loop.replaceProducer(); // on the loop's thread, as a failed abort does
            }
            List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
            batch.forEach(r -> out.add(new ProducerRecord<>(outTopic, r.key(), r.value())));
            return out;
        };
        runLoop(replacingFirst);

        String scraped = metrics.scrape();
        Matcher sent = Pattern.compile(
                        "(?m)^kafka_producer_record_send_total\\{[^}]*client_id=\"producer-tx-[^}]*\\} (\\S+)$")
                .matcher(scraped);
        List<Double> values = new ArrayList<>();
        while (sent.find()) {
            values.add(Double.parseDouble(sent.group(1)));
        }
        assertEquals(1, values.size(), "one producer's meters: " + values);
        assertTrue(values.get(0) >= 5, "the new producer sent the five copies: " + values);
        assertTrue(
                scraped.contains("kafka_consumer_fetch_manager_records_lag_max{")
                        && scraped.contains("client_id=\"consumer-g-"),
                "the consumer's lag in its group");

        TransactionalLoop stopped = loop;
        loop = null;
        stopped.close();
        assertTrue(!metrics.scrape().contains("client_id=\"producer-tx-"), "a closed loop's meters are removed");
    }
}
