package io.k8sm.app.deadletters;

import static io.k8sm.app.CommandLineTest.k8sm;
import static io.k8sm.app.CommandLineTest.with;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.k8sm.app.CommandLineTest.Run;
import io.k8sm.app.cli.TimeoutOption;
import io.k8sm.avro.DeadLetter;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.config.ConfigSources;
import io.k8sm.config.K8smConfig;
import io.k8sm.deadletter.DeadLetters;
import io.k8sm.sandbox.junit.KafkaWorld;
import io.k8sm.sandbox.junit.WithKafkaWorld;
import io.k8sm.schemaregistry.SchemaRegistryClient;
import io.k8sm.schemaregistry.SchemaRegistryClients;
import io.k8sm.serde.AvroSerializer;
import io.k8sm.serde.UnknownSchemaIdException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * {@code k8sm dead-letters} on the embedded broker. Invariant of redrive, checked on the source
 * topic itself: a dead letter's original record is re-sent once, byte for byte, however often it
 * is redriven, and a truncated letter is never re-sent.
 */
@WithKafkaWorld
class DeadLettersCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The original pod record on the source topic, and its dead letter; returns the letter's source record. */
    private static ConsumerRecord<byte[], byte[]> original(KafkaWorld world, String prefix, String name, int size)
            throws Exception {
        StringBuilder big = new StringBuilder();
        while (big.length() < size) {
            big.append("x");
        }
        PodSnapshot pod = PodSnapshot.newBuilder()
                .setUid("u-" + name)
                .setNamespace("default")
                .setName(name + big)
                .build();
        try (SchemaRegistryClient registry =
                        SchemaRegistryClients.fromConfig(Map.of("schema.registry.url", world.registryUrl()));
                AvroSerializer<PodSnapshot> pods = new AvroSerializer<>(registry);
                AvroSerializer<DeadLetter> letters = new AvroSerializer<>(registry);
                var raw = new KafkaProducer<>(
                        world.producerProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] key = ("default/" + name).getBytes(StandardCharsets.UTF_8);
            byte[] value = pods.serialize(prefix + "pods", pod);
            RecordHeaders headers = new RecordHeaders();
            headers.add("trace", "t-1".getBytes(StandardCharsets.UTF_8));
            var sent = raw.send(new ProducerRecord<>(prefix + "pods", 0, key, value, headers))
                    .get();
            DeadLetter letter = DeadLetters.build(
                    prefix + "pods",
                    sent.partition(),
                    sent.offset(),
                    sent.timestamp(),
                    key,
                    value,
                    headers,
                    new UnknownSchemaIdException(prefix + "pods", false, 99, null),
                    "k8sm-scheduler",
                    Instant.now());
            raw.send(new ProducerRecord<>(
                            prefix + "dead-letters",
                            DeadLetters.keyBytes(letter),
                            letters.serialize(prefix + "dead-letters", letter)))
                    .get();
            return new ConsumerRecord<>(prefix + "pods", sent.partition(), sent.offset(), key, value);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> sourceRecords(KafkaWorld world, String topic) {
        var p = world.consumerProps("unused");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (var c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            while (c.position(tp) < end) {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }

    @Test
    void aRedrivenDeadLetterIsResentOnceByteForByteAndATruncatedOneNever(KafkaWorld world) throws Exception {
        String prefix = "dlr.";
        assertEquals(
                0,
                k8sm(with(world, prefix, "topics", "create", "--replication-factor", "1"))
                        .exit());
        ConsumerRecord<byte[], byte[]> good = original(world, prefix, "web-1", 0);
        original(world, prefix, "huge-1", DeadLetters.MAX_RAW_BYTES + 10);

        Run list = k8sm(with(world, prefix, "dead-letters", "list"));
        assertEquals(0, list.exit(), list.err());
        List<String> lines = list.out().lines().toList();
        assertTrue(lines.get(0).matches("ID\\s+TIME\\s+SOURCE\\s+REASON\\s+TRUNCATED\\s+REDRIVEN"), list.out());
        assertEquals(3, lines.size(), list.out());
        String goodLine = lines.stream()
                .filter(l -> l.contains(prefix + "pods/0/0"))
                .findFirst()
                .orElseThrow();
        String hugeLine = lines.stream()
                .filter(l -> l.contains(prefix + "pods/0/1"))
                .findFirst()
                .orElseThrow();
        assertTrue(goodLine.matches(".*\\bno\\s+no$"), list.out());
        assertTrue(hugeLine.matches(".*\\byes\\s+no$"), list.out());
        JsonNode json = JSON.readTree(k8sm(with(world, prefix, "dead-letters", "list", "-o", "json", "--topic", "pods"))
                .out());
        assertEquals(2, json.size(), json.toString());
        JsonNode goodRow = json.get(0).get("sourceOffset").asLong() == 0 ? json.get(0) : json.get(1);
        JsonNode hugeRow = goodRow == json.get(0) ? json.get(1) : json.get(0);
        String id = goodRow.get("id").asText();
        String truncatedId = hugeRow.get("id").asText();
        assertTrue(hugeRow.get("truncated").asBoolean(), json.toString());
        assertEquals(
                0,
                JSON.readTree(k8sm(with(world, prefix, "dead-letters", "list", "-o", "json", "--since", "2999-01-01"))
                                .out())
                        .size());

        Run show = k8sm(with(world, prefix, "dead-letters", "show", id));
        assertEquals(0, show.exit(), show.err());
        JsonNode shown = new YAMLMapper().readTree(show.out());
        assertEquals("default/web-1", shown.get("key").asText(), show.out());
        assertEquals("web-1", shown.get("value").get("decoded").get("name").asText(), show.out());
        assertEquals("t-1", shown.get("headers").get(0).get("value").asText(), show.out());

        Run first = k8sm(with(world, prefix, "dead-letters", "redrive", id));
        assertEquals(0, first.exit(), first.out() + first.err());
        assertTrue(first.out().contains("redriven " + id + " to " + prefix + "pods/0/"), first.out());
        Run second = k8sm(with(world, prefix, "dead-letters", "redrive", id));
        assertEquals(1, second.exit(), second.out() + second.err());
        assertTrue(second.out().contains("redriven already"), second.out());
        Run all = k8sm(with(world, prefix, "dead-letters", "redrive", "--all-from-topic", "pods"));
        assertEquals(1, all.exit(), all.out() + all.err());
        assertTrue(
                all.out().contains(truncatedId + ": truncated") && all.out().contains("0 redriven, 2 skipped"),
                all.out());
        Run truncated = k8sm(with(world, prefix, "dead-letters", "redrive", truncatedId));
        assertEquals(1, truncated.exit());
        assertTrue(truncated.out().contains("cannot be redriven"), truncated.out());

        // From the source topic's side: the two originals, and one copy of the redriven one.
        List<ConsumerRecord<byte[], byte[]>> source = sourceRecords(world, prefix + "pods");
        assertEquals(3, source.size(), "records on the source topic");
        ConsumerRecord<byte[], byte[]> copy = source.get(2);
        assertArrayEquals(good.key(), copy.key());
        assertArrayEquals(good.value(), copy.value());
        assertArrayEquals(
                "t-1".getBytes(StandardCharsets.UTF_8),
                copy.headers().lastHeader("trace").value());

        JsonNode after = JSON.readTree(
                k8sm(with(world, prefix, "dead-letters", "list", "-o", "json")).out());
        for (JsonNode row : after) {
            assertEquals(
                    row.get("id").asText().equals(id) ? prefix + "pods/0/2" : "null",
                    row.get("redriven").isNull()
                            ? "null"
                            : row.get("redriven").get("target").asText(),
                    after.toString());
        }
    }

    @Test
    void twoRedrivesAtOnceResendTheRecordOnce(KafkaWorld world) throws Exception {
        String prefix = "dlc.";
        assertEquals(
                0,
                k8sm(with(world, prefix, "topics", "create", "--replication-factor", "1"))
                        .exit());
        original(world, prefix, "web-2", 0);
        K8smConfig config = new ConfigSources()
                .flags(Map.of(
                        "bootstrap.servers", world.bootstrapServers(),
                        "schema.registry.url", world.registryUrl(),
                        "topics.prefix", prefix))
                .build();
        TimeoutOption timeout = new TimeoutOption();
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            runs.add(CompletableFuture.runAsync(() -> {
                try {
                    DeadLetterLog log = new DeadLetterLog(config, timeout);
                    new Redriver(config, timeout, log).redrive(log.letters());
                } catch (Exception e) {
                    // a redrive fenced by the other one fails; the invariant is on the topic
                }
            }));
        }
        for (CompletableFuture<Void> r : runs) {
            r.get(60, TimeUnit.SECONDS);
        }
        DeadLetterLog log = new DeadLetterLog(config, timeout);
        new Redriver(config, timeout, log).redrive(log.letters());
        assertEquals(2, sourceRecords(world, prefix + "pods").size(), "the original and one redriven copy");
    }
}
