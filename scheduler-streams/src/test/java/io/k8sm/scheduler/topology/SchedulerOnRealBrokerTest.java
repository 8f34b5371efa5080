package io.k8sm.scheduler.topology;

import static io.k8sm.scheduler.testing.Given.offer;
import static io.k8sm.scheduler.testing.Given.pod;
import static io.k8sm.scheduler.testing.Given.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.LaunchRequest;
import io.k8sm.avro.OfferEvent;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.SchedulerEvent;
import io.k8sm.avro.SchedulerEventType;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.TaskStatus;
import io.k8sm.sandbox.kafka.EmbeddedKafka;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import java.util.stream.Stream;
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
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduler on a real in-process KRaft broker with exactly-once: a pod and an offer in, a launch
 * request out; then a restart with the local state wiped, so that the registry (with AssignedSlave)
 * can only come back from its changelog.
 */
class SchedulerOnRealBrokerTest {

  private static EmbeddedKafka kafka;
  private static final SchedulerTopics TOPICS = SchedulerTopics.defaults();
  private static final SchedulerSerdes SERDES = SchedulerSerdes.registryFree();

  @TempDir
  Path stateDir;

  @BeforeAll
  static void startBroker() throws Exception {
    kafka = EmbeddedKafka.start();
    List<NewTopic> topics = Stream.of(TOPICS.pods(), TOPICS.offers(), TOPICS.taskStatus(), TOPICS.framework(),
            TOPICS.launcherEvents(), TOPICS.clock(), TOPICS.launchRequests(), TOPICS.mesosCalls(),
            TOPICS.taskRegistry(), TOPICS.schedulerEvents(), TOPICS.podActions(), TOPICS.deadLetters())
        .map(t -> new NewTopic(t, 1, (short) 1)).toList();
    kafka.admin().createTopics(topics).all().get();
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private SchedulerApp app() {
    Map<String, Object> cfg = new HashMap<>();
    cfg.put("bootstrap.servers", kafka.bootstrapServers());
    cfg.put(SchedulerConfig.APPLICATION_ID, "scheduler-it");
    cfg.put(SchedulerConfig.STATE_DIR, stateDir.toString());
    cfg.put("kafka.commit.interval.ms", "100");
    // The restarted instance joins the group the stopped one may still hold: keep that wait short.
    cfg.put("kafka.session.timeout.ms", "6000");
    cfg.put("kafka.heartbeat.interval.ms", "1000");
    return new SchedulerApp(new SchedulerConfig(cfg), SERDES).start();
  }

  private <T extends org.apache.avro.specific.SpecificRecord> void send(String topic, String key, T value,
                                                                         Class<T> type) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    try (KafkaProducer<String, byte[]> producer =
             new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      Serde<T> serde = SERDES.value(type);
      producer.send(new ProducerRecord<>(topic, key, serde.serializer().serialize(topic, value)));
    }
  }

  private <T extends org.apache.avro.specific.SpecificRecord> T await(String topic, Class<T> type,
                                                                      Predicate<T> wanted) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> consumer =
             new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(new TopicPartition(topic, 0)));
      consumer.seekToBeginning(consumer.assignment());
      Serde<T> serde = SERDES.value(type);
      List<T> seen = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          T v = serde.deserializer().deserialize(topic, r.value());
          seen.add(v);
          if (wanted.test(v)) {
            return v;
          }
        }
      }
      throw new AssertionError("nothing wanted on " + topic + "; saw " + seen);
    }
  }

  private static void deleteRecursively(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path x : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.delete(x);
      }
    }
  }

  @Test
  void podAndOfferInLaunchRequestOutAndAssignedSlaveSurvivesARestartFromTheChangelog() throws Exception {
    String taskId;
    try (SchedulerApp app = app()) {
      send(TOPICS.pods(), "ns/a", pod("ns/a").build(), PodSnapshot.class);
      send(TOPICS.offers(), "shard-0", offer("o1", "host-a").build(), OfferEvent.class);
      LaunchRequest launch = await(TOPICS.launchRequests(), LaunchRequest.class, l -> true);
      assertEquals("host-a", launch.getTask().getSpec().getAssignedSlave());
      taskId = launch.getTaskId();
    }
    deleteRecursively(stateDir); // the next instance can only restore from the changelog
    try (SchedulerApp app = app()) {
      send(TOPICS.taskStatus(), taskId, status(taskId, TaskState.TASK_FAILED).build(), TaskStatus.class);
      SchedulerEvent ev = await(TOPICS.schedulerEvents(), SchedulerEvent.class,
          e -> e.getType() == SchedulerEventType.RESCHEDULED);
      assertEquals("host-a", ev.getHost(), "AssignedSlave came back from the changelog");
      assertTrue(ev.getMessage().contains(taskId));
      assertEquals(KafkaStreams.State.RUNNING, app.state());
    }
  }
}
