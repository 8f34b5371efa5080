package io.k8sm.app.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.k8sm.config.K8smConfig;
import io.k8sm.serde.AvroDeserializer;
import io.k8sm.topics.Topic;
import io.k8sm.topics.TopicCatalogue;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code k8sm tap TOPIC}: reads a k8sm topic, decodes each value through the schema registry and
 * prints one JSON object per line on stdout. A record that cannot be decoded is printed as a JSON
 * line with an {@code error} and its coordinates; tap carries on. Tap joins no consumer group and
 * commits nothing, so it never disturbs the components it watches.
 */
@Command(
        name = "tap",
        mixinStandardHelpOptions = true,
        description = {
            "Print a k8sm topic's records as JSON lines, decoded through the schema registry.",
            "Each line: {\"topic\",\"partition\",\"offset\",\"timestamp\",\"key\",\"value\"}; an unreadable"
                    + " record gives {\"topic\",\"partition\",\"offset\",\"error\"} instead.",
            "Without --from-beginning tap starts at the end and follows; with it, tap stops at the end"
                    + " unless --follow is given."
        })
public class TapCommand implements Callable<Integer> {

    @Mixin
    ConnectionOptions connection;

    @Parameters(
            paramLabel = "TOPIC",
            description = "Logical name (pods, task-registry, scheduler-events, ...) or full topic name.")
    String topicName;

    @Option(names = "--from-beginning", description = "Start at the earliest record.")
    boolean fromBeginning;

    @Option(
            names = {"-f", "--follow"},
            description = "Keep waiting for new records (default without --from-beginning).")
    boolean follow;

    @Option(
            names = {"-k", "--key"},
            paramLabel = "KEY",
            description = "Only records with this key (e.g. default/web-1).")
    String key;

    @Option(
            names = {"-n", "--limit"},
            paramLabel = "N",
            description = "Stop after printing N records.")
    Integer limit;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A logical name or a full topic name of the catalogue; anything else is an error listing the
     * names.
     */
    static Topic resolve(TopicCatalogue topics, String name) {
        return Topic.byLogicalName(name)
                .or(() -> topics.byName(name))
                .orElseThrow(() -> new IllegalArgumentException("'"
                        + name
                        + "' is not a k8sm topic; expected one of "
                        + Arrays.stream(Topic.values()).map(Topic::logicalName).collect(Collectors.joining(", "))
                        + " (or the full name with prefix '"
                        + topics.prefix()
                        + "')"));
    }

    @Override
    public Integer call() throws Exception {
        if (limit != null && limit < 1) {
            throw new IllegalArgumentException("--limit must be at least 1, not " + limit);
        }
        K8smConfig config = connection.config();
        String topic = config.topics().name(resolve(config.topics(), topicName));
        boolean keepFollowing = follow || !fromBeginning;
        Properties p = config.kafkaProperties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "k8sm-tap");
        AvroDeserializer<Object> values = new AvroDeserializer<>();
        values.configure(config.serdeConfig(), false);
        PrintStream out = System.out;
        CountDownLatch done = new CountDownLatch(1);
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Thread hook = new Thread(
                    () -> {
                        consumer.wakeup();
                        try {
                            done.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    },
                    "k8sm-tap-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                List<TopicPartition> parts = partitions(consumer, topic);
                consumer.assign(parts);
                if (fromBeginning) {
                    consumer.seekToBeginning(parts);
                } else {
                    consumer.seekToEnd(parts);
                }
                Map<TopicPartition, Long> end = keepFollowing ? Map.of() : consumer.endOffsets(parts);
                int printed = 0;
                while (true) {
                    if (!keepFollowing && reachedEnd(consumer, end)) {
                        break;
                    }
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        String k = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
                        if (key != null && !key.equals(k)) {
                            continue;
                        }
                        out.println(line(r, k, values));
                        printed++;
                        if (limit != null && printed >= limit) {
                            return 0;
                        }
                    }
                    out.flush();
                }
            } catch (WakeupException e) {
                // Ctrl-C: stop quietly.
            } finally {
                values.close();
                done.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down
                }
            }
        }
        return 0;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
        if (infos == null || infos.isEmpty()) {
            throw new IllegalArgumentException(
                    "topic " + topic + " does not exist (create it with: k8sm topics create)");
        }
        List<TopicPartition> parts = new ArrayList<>();
        for (PartitionInfo i : infos) {
            parts.add(new TopicPartition(topic, i.partition()));
        }
        return parts;
    }

    private static boolean reachedEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** One JSON line for a record: the decoded value, or the error with the record's coordinates. */
    static String line(ConsumerRecord<byte[], byte[]> r, String key, AvroDeserializer<Object> values) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.getFactory().createGenerator(w)) {
            g.writeStartObject();
            g.writeStringField("topic", r.topic());
            g.writeNumberField("partition", r.partition());
            g.writeNumberField("offset", r.offset());
            g.writeStringField("timestamp", Instant.ofEpochMilli(r.timestamp()).toString());
            g.writeStringField("key", key);
            Object value;
            try {
                value = values.deserialize(r.topic(), r.headers(), r.value());
            } catch (RuntimeException e) {
                g.writeStringField(
                        "error", e.getMessage() + " (at " + r.topic() + "/" + r.partition() + "/" + r.offset() + ")");
                g.writeEndObject();
                g.flush();
                return w.toString();
            }
            g.writeFieldName("value");
            if (value == null) {
                g.writeNull();
            } else {
                g.writeRawValue(GenericData.get().toString(value));
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot render record as JSON", e);
        }
        return w.toString();
    }
}
