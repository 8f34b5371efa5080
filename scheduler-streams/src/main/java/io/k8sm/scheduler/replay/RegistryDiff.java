package io.k8sm.scheduler.replay;

import io.k8sm.avro.RegistryTask;
import io.k8sm.scheduler.topology.SchedulerSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * The live registry (the compacted {@code task-registry} topic read to its end, {@code
 * read_committed}, the last record of each key winning, a tombstone removing it) and its
 * differences from a rebuilt one, field by field.
 */
public final class RegistryDiff {

    /** One difference: the task, the field ({@code spec.assignedSlave}, or {@code (task)}) and both values. */
    public record Difference(String taskId, String field, String live, String replay) {
        @Override
        public String toString() {
            return taskId + " " + field + ": live " + live + ", replay " + replay;
        }
    }

    private RegistryDiff() {}

    /**
     * The registry topic read to its end; with {@code untilMs}, only its records with a timestamp
     * up to it (the scheduler writes a registry record with its input's timestamp, so these are the
     * registry as it was when the inputs up to that time had been processed).
     */
    public static Map<String, RegistryTask> readLive(
            Properties kafka, String topic, SchedulerSerdes serdes, Optional<Long> untilMs, Duration timeout) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        p.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "k8sm-replay-compare");
        p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        Deserializer<RegistryTask> values = serdes.value(RegistryTask.class).deserializer();
        Map<String, RegistryTask> live = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalArgumentException("the live registry topic " + topic + " does not exist");
            }
            List<TopicPartition> parts = new ArrayList<>();
            infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts, timeout);
            while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))
                            || (untilMs.isPresent() && r.timestamp() > untilMs.get())) {
                        continue;
                    }
                    String key = r.key() == null ? null : new String(r.key(), java.nio.charset.StandardCharsets.UTF_8);
                    RegistryTask t = values.deserialize(r.topic(), r.headers(), r.value());
                    if (t == null) {
                        live.remove(key);
                    } else {
                        live.put(key, t);
                    }
                }
            }
        } catch (TimeoutException e) {
            throw new ReplayException("cannot read the live registry " + topic + " from "
                    + kafka.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG) + " within " + timeout.toSeconds() + " s");
        }
        return live;
    }

    /** Every difference, by task id, then field. */
    public static List<Difference> compare(Map<String, RegistryTask> live, Map<String, RegistryTask> replay) {
        List<Difference> out = new ArrayList<>();
        TreeSet<String> ids = new TreeSet<>(live.keySet());
        ids.addAll(replay.keySet());
        for (String id : ids) {
            RegistryTask l = live.get(id);
            RegistryTask r = replay.get(id);
            if (l == null || r == null) {
                out.add(new Difference(
                        id, "(task)", l == null ? "absent" : "present", r == null ? "absent" : "present"));
            } else {
                fields(id, "", l, r, out);
            }
        }
        return out;
    }

    /** Equal as Avro values (a list built by the scheduler equals the array the live record decoded to). */
    private static boolean same(Object a, Object b, Schema schema) {
        if (a == null || b == null) {
            return a == b;
        }
        try {
            return SpecificData.get().compare(a, b, schema) == 0;
        } catch (RuntimeException e) {
            return Objects.equals(a, b);
        }
    }

    private static void fields(String id, String path, SpecificRecord l, SpecificRecord r, List<Difference> out) {
        for (Schema.Field f : l.getSchema().getFields()) {
            Object a = l.get(f.pos());
            Object b = r.get(f.pos());
            String name = path + f.name();
            if (a instanceof SpecificRecord ra && b instanceof SpecificRecord rb && ra.getClass() == rb.getClass()) {
                fields(id, name + ".", ra, rb, out);
            } else if (!same(a, b, f.schema())) {
                out.add(new Difference(id, name, String.valueOf(a), String.valueOf(b)));
            }
        }
    }
}
