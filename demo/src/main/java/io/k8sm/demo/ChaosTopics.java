package io.k8sm.demo;

import io.k8sm.avro.TaskStatus;
import io.k8sm.config.K8smConfig;
import io.k8sm.schemaregistry.SchemaRegistryClient;
import io.k8sm.schemaregistry.SchemaRegistryClients;
import io.k8sm.serde.AvroDeserializer;
import io.k8sm.topics.Topic;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The topics as the harness reads them, straight off the broker: the other side of "acknowledged". */
final class ChaosTopics {
    private ChaosTopics() {}

    /** {@code taskId/base64(uuid)} of every committed record on {@code task-status} that carries a uuid. */
    static Set<String> statusUpdates(K8smConfig config) throws Exception {
        Properties p = config.kafkaProperties();
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        String topic = config.topics().name(Topic.TASK_STATUS);
        Set<String> out = new HashSet<>();
        try (SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(config.serdeConfig());
                KafkaConsumer<String, TaskStatus> c = new KafkaConsumer<>(
                        p, new StringDeserializer(), AvroDeserializer.specific(TaskStatus.class, registry))) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic).forEach(i -> parts.add(new TopicPartition(i.topic(), i.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!caughtUp(c, end) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, TaskStatus> r : c.poll(Duration.ofMillis(500))) {
                    TaskStatus s = r.value();
                    if (s != null && s.getUuid() != null) {
                        out.add(key(s.getTaskId(), s.getUuid()));
                    }
                }
            }
        }
        return out;
    }

    static String key(String taskId, ByteBuffer uuid) {
        ByteBuffer b = uuid.duplicate();
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return taskId + "/" + Base64.getEncoder().encodeToString(bytes);
    }

    private static boolean caughtUp(KafkaConsumer<?, ?> c, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }
}
