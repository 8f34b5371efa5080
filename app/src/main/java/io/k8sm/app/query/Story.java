package io.k8sm.app.query;

import io.k8sm.config.K8smConfig;
import io.k8sm.serde.AvroDeserializer;
import io.k8sm.topics.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A pod's story: every record about it (its key, or one of its task ids) in scheduler-events,
 * launcher-events, task-status and mesos-calls, from the beginning to the end as it was when asked,
 * in time order. Joins no group and commits nothing.
 */
final class Story {

    /** One record of the story. */
    record Line(Instant time, String topic, String what) {}

    private static final List<Topic> TOPICS =
            List.of(Topic.SCHEDULER_EVENTS, Topic.LAUNCHER_EVENTS, Topic.TASK_STATUS, Topic.MESOS_CALLS);

    private Story() {}

    /**
     * The story of {@code podKey}; task ids named by its scheduler events join {@code taskIds}.
     *
     * @throws StoryUnavailable when Kafka cannot be reached
     */
    static List<Line> of(K8smConfig config, String podKey, Set<String> taskIds) {
        Properties p = config.kafkaProperties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "k8sm-describe");
        p.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        Set<String> ids = new LinkedHashSet<>(taskIds);
        List<Line> lines = new ArrayList<>();
        try (AvroDeserializer<Object> values = new AvroDeserializer<>();
                KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            values.configure(config.serdeConfig(), false);
            for (Topic t : TOPICS) { // scheduler-events first: it names the pod's earlier tasks too
                String topic = config.topics().name(t);
                for (ConsumerRecord<byte[], byte[]> r : readAll(consumer, topic, config)) {
                    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                    Object v;
                    try {
                        v = values.deserialize(topic, r.headers(), r.value());
                    } catch (RuntimeException e) {
                        if (key.equals(podKey) || ids.contains(key)) {
                            lines.add(new Line(
                                    Instant.ofEpochMilli(r.timestamp()),
                                    t.logicalName(),
                                    "unreadable: " + e.getMessage()));
                        }
                        continue;
                    }
                    if (!(v instanceof GenericRecord g) || !about(key, g, podKey, ids)) {
                        continue;
                    }
                    if (t == Topic.SCHEDULER_EVENTS && g.get("taskId") != null) {
                        ids.add(g.get("taskId").toString());
                    }
                    lines.add(new Line(Instant.ofEpochMilli(r.timestamp()), t.logicalName(), summary(t, g)));
                }
            }
        } catch (TimeoutException e) {
            throw new StoryUnavailable("cannot read the topics from the Kafka cluster at " + config.bootstrapServers()
                    + " (" + e.getMessage() + ")");
        }
        lines.sort(Comparator.comparing(Line::time));
        return lines;
    }

    private static boolean about(String key, GenericRecord g, String podKey, Set<String> ids) {
        if (key.equals(podKey) || ids.contains(key)) {
            return true;
        }
        Object pk = g.getSchema().getField("podKey") == null ? null : g.get("podKey");
        if (pk != null && pk.toString().equals(podKey)) {
            return true;
        }
        String text = GenericData.get().toString(g);
        for (String id : ids) {
            if (text.contains("\"" + id + "\"")) {
                return true;
            }
        }
        return false;
    }

    private static List<ConsumerRecord<byte[], byte[]>> readAll(
            KafkaConsumer<byte[], byte[]> consumer, String topic, K8smConfig config) {
        List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
        if (infos == null || infos.isEmpty()) {
            throw new StoryUnavailable("topic " + topic + " does not exist on the Kafka cluster at "
                    + config.bootstrapServers() + " (create the topics with: k8sm topics create)");
        }
        List<TopicPartition> parts = infos.stream()
                .map(i -> new TopicPartition(topic, i.partition()))
                .toList();
        consumer.assign(parts);
        consumer.seekToBeginning(parts);
        Map<TopicPartition, Long> end = consumer.endOffsets(parts);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
            consumer.poll(Duration.ofMillis(500)).forEach(out::add);
        }
        return out;
    }

    private static String summary(Topic t, GenericRecord g) {
        return switch (t) {
            case SCHEDULER_EVENTS ->
                g.get("type") + " " + text(g, "message")
                        + (g.get("host") == null ? "" : " (host " + g.get("host") + ")");
            case LAUNCHER_EVENTS ->
                g.get("type") + " task " + g.get("taskId")
                        + (g.get("host") == null ? "" : " on " + g.get("host"))
                        + (g.get("reason") == null ? "" : ": " + g.get("reason"));
            case TASK_STATUS ->
                g.get("state") + " task " + g.get("taskId")
                        + (g.get("reason") == null ? "" : " " + g.get("reason"))
                        + (g.get("message") == null ? "" : ": " + g.get("message"));
            default -> call(g);
        };
    }

    private static String call(GenericRecord g) {
        Object c = g.get("call");
        if (!(c instanceof GenericRecord call)) {
            return String.valueOf(c);
        }
        String name = call.getSchema().getName().toUpperCase(java.util.Locale.ROOT);
        if (call.getSchema().getField("offerIds") != null) {
            name += " offers " + call.get("offerIds");
        }
        if (call.getSchema().getField("taskId") != null) {
            name += " task " + call.get("taskId");
        }
        return name + " (call " + g.get("callId") + ")";
    }

    private static String text(GenericRecord g, String field) {
        Object v = g.get(field);
        return v == null ? "" : v.toString();
    }

    /** The topics could not be read; the message is the sentence to print. */
    static final class StoryUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StoryUnavailable(String message) {
            super(message);
        }
    }
}
