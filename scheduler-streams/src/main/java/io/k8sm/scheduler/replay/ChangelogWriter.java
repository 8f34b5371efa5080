package io.k8sm.scheduler.replay;

import io.k8sm.avro.RegistryTask;
import io.k8sm.scheduler.topology.SchedulerSerdes;
import io.k8sm.scheduler.topology.SchedulerStores;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serde;

/**
 * Materialises a replay as a scheduler that can be started on it, under a new application id
 * {@code <prefix>scheduler}: the changelogs {@code <appId>-<store>-changelog} of every store the
 * processor owns ({@link SchedulerStores#PROCESSOR_STORES}: the nine stores of the state and the
 * input-order journal's position, so the scheduler journals late inputs as the live one would have),
 * which Kafka Streams restores the stores from (as many partitions as the input topics, which
 * Streams requires even where a partition had no input; compacted; the stores' own encoding), a copy
 * of the registry in {@code <prefix>task-registry}, and the consumer group {@code <appId>} committed
 * where the replay stopped, so that the scheduler goes on from there instead of reading the inputs
 * again. It never writes to an existing topic.
 */
public final class ChangelogWriter {

    /** What was written. */
    public record Written(
            String applicationId, List<String> topics, long records, Map<TopicPartition, Long> committed) {}

    private ChangelogWriter() {}

    public static String applicationId(String prefix) {
        return prefix + "scheduler";
    }

    public static Written write(
            Properties kafka,
            String prefix,
            ReplayResult r,
            SchedulerSerdes serdes,
            short replication,
            Duration timeout)
            throws InterruptedException {
        String appId = applicationId(prefix);
        int partitions = Math.max(1, r.partitions()); // Kafka Streams refuses changelogs of another count
        Map<String, String> topicOfStore = new LinkedHashMap<>();
        for (String store : SchedulerStores.PROCESSOR_STORES) {
            topicOfStore.put(store, appId + "-" + store + "-changelog");
        }
        String registry = prefix + "task-registry";
        List<String> names = new ArrayList<>(topicOfStore.values());
        names.add(registry);
        try (Admin admin = Admin.create(adminProps(kafka, timeout))) {
            java.util.Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            for (String n : names) {
                if (existing.contains(n)) {
                    throw new IllegalArgumentException(
                            "--write-to: topic " + n + " already exists; choose another prefix");
                }
            }
            if (!admin.listConsumerGroupOffsets(appId)
                    .partitionsToOffsetAndMetadata()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .isEmpty()) {
                throw new IllegalArgumentException(
                        "--write-to: the consumer group " + appId + " already has offsets; choose another prefix");
            }
            List<NewTopic> create = new ArrayList<>();
            for (String n : names) {
                create.add(new NewTopic(n, n.equals(registry) ? 1 : partitions, replication)
                        .configs(Map.of("cleanup.policy", "compact")));
            }
            admin.createTopics(create).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            long records = produce(kafka, r, topicOfStore, registry, serdes);
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            Map<TopicPartition, Long> committed = new LinkedHashMap<>();
            r.stop().forEach((tp, o) -> {
                offsets.put(tp, new OffsetAndMetadata(o));
                committed.put(tp, o);
            });
            admin.alterConsumerGroupOffsets(appId, offsets).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Written(appId, names, records, committed);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new ReplayException("--write-to " + prefix + " failed: " + e.getMessage());
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static long produce(
            Properties kafka, ReplayResult r, Map<String, String> topicOfStore, String registry, SchedulerSerdes serdes)
            throws ExecutionException, InterruptedException {
        Properties p = new Properties();
        p.putAll(kafka);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        long n = 0;
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (ReplayShard s : r.shards()) {
                long ts = Math.max(
                        0L, s.meta().get("clock.now") == null ? 0L : s.meta().get("clock.now"));
                for (Map.Entry<String, HeapKv<?>> store : s.processorStores().entrySet()) {
                    String topic = topicOfStore.get(store.getKey());
                    Serde serde = SchedulerStores.valueSerde(store.getKey());
                    for (Map.Entry<String, ?> e : store.getValue().view().entrySet()) {
                        byte[] value = serde.serializer().serialize(topic, e.getValue());
                        producer.send(new ProducerRecord<>(topic, s.shard(), ts, bytes(e.getKey()), value));
                        n++;
                    }
                }
                var values = serdes.value(RegistryTask.class).serializer();
                for (Map.Entry<String, RegistryTask> e : s.tasks().view().entrySet()) {
                    producer.send(new ProducerRecord<>(
                            registry, 0, ts, bytes(e.getKey()), values.serialize(registry, e.getValue())));
                    n++;
                }
            }
            producer.flush();
        }
        return n;
    }

    private static Properties adminProps(Properties kafka, Duration timeout) {
        Properties p = new Properties();
        p.putAll(kafka);
        p.putIfAbsent("default.api.timeout.ms", String.valueOf(timeout.toMillis()));
        p.putIfAbsent("request.timeout.ms", String.valueOf(timeout.toMillis()));
        return p;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The live scheduler's committed input positions (its consumer group = its application id); empty when none. */
    public static Map<TopicPartition, Long> committed(
            Properties kafka, String applicationId, List<String> inputs, Duration timeout) throws InterruptedException {
        try (Admin admin = Admin.create(adminProps(kafka, timeout))) {
            Map<TopicPartition, OffsetAndMetadata> all = admin.listConsumerGroupOffsets(applicationId)
                    .partitionsToOffsetAndMetadata()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, Long> out = new LinkedHashMap<>();
            all.forEach((tp, o) -> {
                if (o != null && inputs.contains(tp.topic())) {
                    out.put(tp, o.offset());
                }
            });
            return out;
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new ReplayException("cannot read the committed offsets of the live scheduler (group "
                    + applicationId + ") from " + kafka.get("bootstrap.servers") + " within " + timeout.toSeconds()
                    + " s: " + e.getMessage());
        }
    }
}
