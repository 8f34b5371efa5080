package io.k8sm.offeringest.gateway;

import io.k8sm.config.K8smConfig;
import io.k8sm.deadletter.DeadLetterPublisher;
import io.k8sm.offeringest.OfferIngestConfig;
import io.k8sm.offeringest.OfferIngestService;
import io.k8sm.sandbox.kafka.EmbeddedKafka;
import io.k8sm.sandbox.schemaregistry.EmbeddedSchemaRegistry;
import io.k8sm.schemaregistry.SchemaRegistryClient;
import io.k8sm.schemaregistry.SchemaRegistryClients;
import io.k8sm.serde.AvroSerializer;
import io.k8sm.topics.Topic;
import io.k8sm.topics.TopicCatalogue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.mesos.v1.Protos;

/**
 * How many offers per second the gateway's event path writes into Kafka: N OFFERS events of M
 * offers each (every offer with cpus, mem, disk, two port ranges, two attributes, an executor id
 * and an allocation role) are fed through {@link EventPublisher#onOffers} — translation, Avro
 * encoding in the Confluent wire format, the producer with the gateway's settings (acks=all,
 * idempotence, lz4, linger 5 ms) — into the embedded single-node broker; a round ends when every
 * write is confirmed by the broker.
 *
 * <p>Run: {@code ./mvnw -B -q -pl offer-ingest -am -Pbench verify -DskipTests [-Dbench.args="EVENTS
 * OFFERS ROUNDS"]}.
 */
public final class OfferIngestBenchmark {

    public static void main(String[] args) throws Exception {
        int events = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int perEvent = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                EmbeddedSchemaRegistry reg = EmbeddedSchemaRegistry.start(kafka.bootstrapServers())) {
            K8smConfig base = new K8smConfig(
                    OfferIngestConfig.definition(),
                    Map.of(
                            "bootstrap.servers",
                            kafka.bootstrapServers(),
                            "schema.registry.url",
                            reg.url(),
                            OfferIngestConfig.MASTER,
                            "http://localhost:5050"));
            TopicCatalogue topics = base.topics();
            try (Admin admin = kafka.admin()) {
                admin.createTopics(topics.all((short) 1)).all().get();
            }
            List<List<Protos.Offer>> batches = new ArrayList<>();
            for (int e = 0; e < events; e++) {
                List<Protos.Offer> batch = new ArrayList<>(perEvent);
                for (int i = 0; i < perEvent; i++) {
                    batch.add(offer(e * perEvent + i));
                }
                batches.add(batch);
            }
            try (SchemaRegistryClient registry = SchemaRegistryClients.fromConfig(base.serdeConfig());
                    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                            OfferIngestService.producerProperties(base),
                            new ByteArraySerializer(),
                            new ByteArraySerializer());
                    DeadLetterPublisher dead =
                            new DeadLetterPublisher(producer, topics.name(Topic.DEAD_LETTERS), registry);
                    EventPublisher publisher = new EventPublisher(
                            producer,
                            new AvroSerializer<>(registry),
                            dead,
                            topics,
                            "k8sm",
                            "0",
                            new AllocationRoles(List.of("k8s")),
                            Optional::empty)) {
                System.out.printf(
                        "offer-ingest event path -> embedded Kafka %s: %d OFFERS events x %d offers per round, %d cores%n",
                        kafka.bootstrapServers(),
                        events,
                        perEvent,
                        Runtime.getRuntime().availableProcessors());
                runRound(publisher, producer, batches.subList(0, Math.min(200, events)), "warm-up");
                List<Double> rates = new ArrayList<>();
                for (int r = 1; r <= rounds; r++) {
                    rates.add(runRound(publisher, producer, batches, "round " + r));
                }
                rates.sort(Double::compare);
                System.out.printf(
                        "median %.0f offers/s (min %.0f, max %.0f); write failures %d%n",
                        rates.get(rates.size() / 2),
                        rates.get(0),
                        rates.get(rates.size() - 1),
                        publisher.writeFailures());
            }
        }
    }

    private static double runRound(
            EventPublisher publisher,
            KafkaProducer<byte[], byte[]> producer,
            List<List<Protos.Offer>> batches,
            String name) {
        long before = publisher.offersWritten();
        long total = batches.stream().mapToLong(List::size).sum();
        long t0 = System.nanoTime();
        for (List<Protos.Offer> batch : batches) {
            publisher.onOffers(batch);
        }
        producer.flush();
        long nanos = System.nanoTime() - t0;
        long written = publisher.offersWritten() - before;
        if (written != total) {
            throw new IllegalStateException(name + ": " + written + " of " + total + " offers confirmed");
        }
        double rate = total / (nanos / 1e9);
        System.out.printf("  %-8s %,d offers confirmed in %.3f s = %,.0f offers/s%n", name, total, nanos / 1e9, rate);
        return rate;
    }

    static Protos.Offer offer(int n) {
        String agent = "agent-" + (n % 500);
        Protos.Resource.AllocationInfo alloc =
                Protos.Resource.AllocationInfo.newBuilder().setRole("k8s").build();
        return Protos.Offer.newBuilder()
                .setId(Protos.OfferID.newBuilder().setValue("offer-" + n))
                .setFrameworkId(Protos.FrameworkID.newBuilder().setValue("fw-bench"))
                .setAgentId(Protos.AgentID.newBuilder().setValue(agent))
                .setHostname("host-" + (n % 500) + ".example.org")
                .setAllocationInfo(alloc)
                .addResources(scalar("cpus", 8, alloc))
                .addResources(scalar("mem", 32768, alloc))
                .addResources(scalar("disk", 100000, alloc))
                .addResources(Protos.Resource.newBuilder()
                        .setName("ports")
                        .setType(Protos.Value.Type.RANGES)
                        .setRanges(Protos.Value.Ranges.newBuilder()
                                .addRange(Protos.Value.Range.newBuilder()
                                        .setBegin(31000)
                                        .setEnd(31999))
                                .addRange(Protos.Value.Range.newBuilder()
                                        .setBegin(33000)
                                        .setEnd(33999)))
                        .setAllocationInfo(alloc))
                .addAttributes(Protos.Attribute.newBuilder()
                        .setName("rack")
                        .setType(Protos.Value.Type.TEXT)
                        .setText(Protos.Value.Text.newBuilder().setValue("r" + (n % 8))))
                .addAttributes(Protos.Attribute.newBuilder()
                        .setName("gen")
                        .setType(Protos.Value.Type.SCALAR)
                        .setScalar(Protos.Value.Scalar.newBuilder().setValue(3)))
                .addExecutorIds(Protos.ExecutorID.newBuilder().setValue("k8sm-executor-" + (n % 500)))
                .build();
    }

    private static Protos.Resource scalar(String name, double v, Protos.Resource.AllocationInfo alloc) {
        return Protos.Resource.newBuilder()
                .setName(name)
                .setType(Protos.Value.Type.SCALAR)
                .setScalar(Protos.Value.Scalar.newBuilder().setValue(v))
                .setAllocationInfo(alloc)
                .build();
    }
}
