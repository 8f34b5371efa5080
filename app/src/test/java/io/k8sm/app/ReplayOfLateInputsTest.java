package io.k8sm.app;

import static io.k8sm.app.CommandLineTest.k8sm;
import static io.k8sm.app.CommandLineTest.with;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.app.CommandLineTest.Run;
import io.k8sm.avro.FrameworkEvent;
import io.k8sm.avro.Subscribed;
import io.k8sm.sandbox.junit.KafkaWorld;
import io.k8sm.sandbox.junit.WithKafkaWorld;
import io.k8sm.scheduler.topology.SchedulerConfig;
import io.k8sm.scheduler.topology.SchedulerSerdes;
import io.k8sm.scheduler.topology.SchedulerService;
import io.k8sm.scheduler.topology.SchedulerTopics;
import java.util.List;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A record the live scheduler sees later than its timestamp says: a pod appended in a transaction
 * that commits only after an offer appended later was processed (as when the launcher's link to the
 * broker is cut between its send and its commit). A replay that orders by timestamp alone takes the
 * pod first and rebuilds another registry (CI's chaos run found one so); with the scheduler's
 * input-order journal it takes the inputs as the live scheduler did.
 */
@WithKafkaWorld
class ReplayOfLateInputsTest {

    private static final String PREFIX = "rl.";
    private static final String APP = "rl-scheduler";

    @Test
    void aReplayTakesAnInputThatCameLateWhereTheLiveSchedulerTookIt(KafkaWorld world) throws Exception {
        SchedulerConfig config = ReplayCommandTest.RunOfTheScheduler.config(world, PREFIX, APP);
        SchedulerTopics topics = config.schedulerTopics();
        SchedulerSerdes serdes = SchedulerSerdes.registry(config.kafka());
        Run created = k8sm(with(world, PREFIX, "topics", "create", "--replication-factor", "1"));
        assertEquals(0, created.exit(), created.err());
        List<TopicPartition> offers = List.of(new TopicPartition(topics.offers(), 0));
        SchedulerService scheduler = new SchedulerService(config);
        scheduler.start();
        try (KafkaProducer<String, byte[]> plain = producer(world, null);
                KafkaProducer<String, byte[]> transactional = producer(world, "rl-late-pods")) {
            send(plain, serdes, topics.framework(), "k8sm", new FrameworkEvent(new Subscribed("fw-1", 15.0, "m")));
            transactional.initTransactions();
            transactional.beginTransaction();
            send(transactional, serdes, topics.pods(), "default/late", ReplayCommandTest.pod("late", -1));
            Thread.sleep(5);
            send(plain, serdes, topics.offers(), "0", ReplayCommandTest.offer("o-1", "agent-1", "host-1", 4, 8192));
            ReplayCommandTest.awaitCaughtUp(world, APP, offers); // the offer is taken before the pod is visible
            transactional.commitTransaction();
            send(plain, serdes, topics.pods(), "default/after", ReplayCommandTest.pod("after", -1));
            ReplayCommandTest.awaitCaughtUp(world, APP, ReplayCommandTest.inputs(topics));
        } finally {
            scheduler.close();
        }

        String[] compare = {"replay", "--compare", "-D", "scheduler.application.id=" + APP};
        Run replay = k8sm(with(world, PREFIX, compare));
        assertEquals(0, replay.exit(), replay.out() + replay.err());
        assertTrue(replay.out().contains("0 difference(s)"), replay.out());

        Run withoutJournal = k8sm(with(
                world,
                PREFIX,
                "replay",
                "--compare",
                "-D",
                "scheduler.application.id=" + APP,
                "-D",
                "topics.input-order.name=rl.no-journal"));
        assertEquals(1, withoutJournal.exit(), "in timestamp order the pod comes first: " + withoutJournal.out());
        assertTrue(withoutJournal.out().contains("no rl.no-journal topic"), withoutJournal.out());
    }

    private static KafkaProducer<String, byte[]> producer(KafkaWorld world, String transactionalId) {
        Properties p = world.producerProps();
        if (transactionalId != null) {
            p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        }
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @SuppressWarnings("unchecked")
    private static <T extends SpecificRecord> void send(
            KafkaProducer<String, byte[]> producer, SchedulerSerdes serdes, String topic, String key, T value)
            throws Exception {
        byte[] bytes = serdes.value((Class<T>) value.getClass()).serializer().serialize(topic, value);
        producer.send(new ProducerRecord<>(topic, key, bytes)).get();
    }
}
