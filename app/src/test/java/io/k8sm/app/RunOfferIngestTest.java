package io.k8sm.app;

import static io.k8sm.app.CommandLineTest.k8sm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.sandbox.junit.KafkaWorld;
import io.k8sm.sandbox.junit.WithKafkaWorld;
import io.k8sm.topics.Topic;
import io.k8sm.topics.TopicCatalogue;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** {@code k8sm run offer-ingest}: its options and the errors that name the key at fault. */
@WithKafkaWorld
class RunOfferIngestTest {

    @Test
    void aTombstonedFrameworkIdMakesRunOfferIngestExit2NamingTheTopicAndTheFix(KafkaWorld world) throws Exception {
        String prefix = "run-oi-tomb.";
        TopicCatalogue topics = TopicCatalogue.builder().prefix(prefix).build();
        try (Admin admin = world.admin()) {
            admin.createTopics(topics.all((short) 1)).all().get();
        }
        try (KafkaProducer<byte[], byte[]> raw =
                new KafkaProducer<>(world.producerProps(), new ByteArraySerializer(), new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(
                            topics.name(Topic.FRAMEWORK_ID), "k8sm".getBytes(StandardCharsets.UTF_8), null))
                    .get();
        }
        CommandLineTest.Run r = k8sm(CommandLineTest.with(
                world,
                prefix,
                "run",
                "offer-ingest",
                "--mesos-master",
                "http://127.0.0.1:1",
                "--framework-name",
                "k8sm"));
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains(topics.name(Topic.FRAMEWORK_ID)) && r.err().contains("--new-framework"), r.err());
    }

    @Test
    void helpListsTheMesosOptions() {
        CommandLineTest.Run r = k8sm("run", "offer-ingest", "--help");
        assertEquals(0, r.exit(), r.err());
        assertTrue(
                r.out().contains("--mesos-master")
                        && r.out().contains("--framework-name")
                        && r.out().contains("mesos.master"),
                r.out());
    }

    @Test
    void missingMasterIsAConfigurationErrorNamingTheKey() {
        CommandLineTest.Run r = k8sm("run", "offer-ingest");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("mesos.master"), r.err());
    }

    @Test
    void masterThatIsNotAnHttpUrlIsRejectedNamingTheKeyAndTheFlag() {
        CommandLineTest.Run r = k8sm("run", "offer-ingest", "--mesos-master", "ftp://m1:5050");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("mesos.master") && r.err().contains("http(s)://host:port"), r.err());
    }

    @Test
    void secretWithoutPrincipalIsRejectedNamingBothKeys() {
        CommandLineTest.Run r =
                k8sm("run", "offer-ingest", "--mesos-master", "http://m1:5050", "-D", "mesos.secret=s3cret");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("mesos.secret") && r.err().contains("mesos.principal"), r.err());
        assertTrue(!r.err().contains("s3cret"), "the secret is not printed: " + r.err());
    }

    @Test
    void unknownMesosKeyIsRejected() {
        CommandLineTest.Run r = k8sm("run", "offer-ingest", "--mesos-master", "http://m1:5050", "-D", "mesos.mastr=x");
        assertEquals(2, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("mesos.mastr"), r.err());
    }
}
