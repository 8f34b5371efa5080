package io.k8sm.app.demo;

import io.k8sm.avro.Container;
import io.k8sm.avro.ContainerPort;
import io.k8sm.avro.DeadLetter;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.Protocol;
import io.k8sm.config.K8smConfig;
import io.k8sm.deadletter.DeadLetterPublisher;
import io.k8sm.deadletter.SafeRecordLoop;
import io.k8sm.registry.SchemaRegistryClient;
import io.k8sm.registry.SchemaRegistryClients;
import io.k8sm.serde.AvroDeserializer;
import io.k8sm.serde.AvroSerializer;
import io.k8sm.topics.Topic;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The demo's first act: a pod snapshot goes into the {@code pods} topic as Avro in the Confluent wire
 * format, comes back out decoded through the registry, and a corrupt record written beside it lands
 * in {@code dead-letters} with its reason while the reader carries on.
 */
final class PodRoundTrip {

  private final K8smConfig config;
  private final PrintStream out;

  PodRoundTrip(K8smConfig config, PrintStream out) {
    this.config = config;
    this.out = out;
  }

  /** Returns the number of pods read back and the number of records dead-lettered. */
  SafeRecordLoop.Batch run(List<PodSnapshot> pods) throws Exception {
    String podsTopic = config.topics().name(Topic.PODS);
    String deadTopic = config.topics().name(Topic.DEAD_LETTERS);
    Map<String, Object> serde = config.serdeConfig();
    try (SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(serde)) {
      Properties pp = config.kafkaProperties();
      pp.put(ProducerConfig.ACKS_CONFIG, "all");
      try (KafkaProducer<String, PodSnapshot> producer =
               new KafkaProducer<>(pp, new StringSerializer(), new AvroSerializer<>(registry));
           KafkaProducer<byte[], byte[]> raw =
               new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer())) {
        for (PodSnapshot pod : pods) {
          String key = pod.getNamespace() + "/" + pod.getName();
          var md = producer.send(new ProducerRecord<>(podsTopic, key, pod)).get();
          out.printf("  wrote   pod %-22s -> %s/%d@%d%n", key, md.topic(), md.partition(), md.offset());
        }
        byte[] junk = "{not avro at all}".getBytes(StandardCharsets.UTF_8);
        var md = raw.send(new ProducerRecord<>(podsTopic, "default/corrupt".getBytes(StandardCharsets.UTF_8), junk)).get();
        out.printf("  wrote   a corrupt record      -> %s/%d@%d (on purpose)%n", md.topic(), md.partition(), md.offset());
      }

      Properties cp = config.kafkaProperties();
      cp.put(ConsumerConfig.GROUP_ID_CONFIG, "k8sm-demo-roundtrip");
      cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      int expected = pods.size() + 1;
      int handled = 0;
      int dead = 0;
      try (KafkaConsumer<byte[], byte[]> consumer =
               new KafkaConsumer<>(cp, new ByteArrayDeserializer(), new ByteArrayDeserializer());
           KafkaProducer<byte[], byte[]> dlq =
               new KafkaProducer<>(pp, new ByteArraySerializer(), new ByteArraySerializer());
           DeadLetterPublisher publisher = new DeadLetterPublisher(dlq, deadTopic, registry)) {
        consumer.subscribe(List.of(podsTopic));
        SafeRecordLoop<String, PodSnapshot> loop = new SafeRecordLoop<>(consumer, new StringDeserializer(),
            AvroDeserializer.specific(PodSnapshot.class, registry), publisher, "k8sm-demo", this::readBack);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (handled + dead < expected && System.nanoTime() < deadline) {
          SafeRecordLoop.Batch b = loop.pollOnce(Duration.ofMillis(500));
          handled += b.handled();
          dead += b.deadLettered();
        }
      }

      try (KafkaConsumer<String, DeadLetter> consumer = new KafkaConsumer<>(withGroup("k8sm-demo-dead-letters"),
          new StringDeserializer(), AvroDeserializer.specific(DeadLetter.class, registry))) {
        consumer.subscribe(List.of(deadTopic));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int seen = 0;
        while (seen < dead && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, DeadLetter> r : consumer.poll(Duration.ofMillis(500))) {
            out.printf("  dead letter %s: %s%n", r.key(), r.value().getReason());
            seen++;
          }
        }
      }
      return new SafeRecordLoop.Batch(handled, dead);
    }
  }

  private Properties withGroup(String group) {
    Properties p = config.kafkaProperties();
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return p;
  }

  private void readBack(ConsumerRecord<String, PodSnapshot> r) {
    PodSnapshot p = r.value();
    double cpu = p.getContainers().stream().mapToDouble(c -> c.getCpuLimit() == null ? 0 : c.getCpuLimit()).sum();
    out.printf("  read    pod %-22s <- %s/%d@%d: uid %s, %d container(s), cpu %.2f, decoded with schema %s%n",
        r.key(), r.topic(), r.partition(), r.offset(), p.getUid(), p.getContainers().size(), cpu,
        PodSnapshot.getClassSchema().getFullName());
  }

  /** A small deterministic pod for the demo. */
  static PodSnapshot pod(String namespace, String name, int index, Integer hostPort) {
    ContainerPort.Builder port = ContainerPort.newBuilder().setName("http").setContainerPort(8080)
        .setProtocol(Protocol.TCP).setHostPort(hostPort == null ? 0 : hostPort);
    Container c = Container.newBuilder().setName("app").setImage("nginx:1.27")
        .setCpuLimit(0.25 + (index % 4) * 0.25).setMemLimitBytes((64L + 32L * (index % 4)) << 20)
        .setPorts(List.of(port.build())).build();
    return PodSnapshot.newBuilder().setUid(String.format("00000000-0000-4000-8000-%012d", index))
        .setNamespace(namespace).setName(name).setResourceVersion(String.valueOf(index))
        .setSchedulerName("k8sm").setLabels(Map.of("app", "web")).setContainers(List.of(c))
        .setManifest("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name
            + "\",\"namespace\":\"" + namespace + "\"}}")
        .build();
  }
}
