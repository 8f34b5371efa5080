package io.k8sm.offeringest.gateway;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.DeadLetter;
import io.k8sm.avro.MesosCall;
import io.k8sm.deadletter.DeadLetterPublisher;
import io.k8sm.offeringest.mesos.MesosCallException;
import io.k8sm.sandbox.fuzz.AvroNonsense;
import io.k8sm.schemaregistry.InMemorySchemaRegistryClient;
import io.k8sm.serde.AvroDeserializer;
import io.k8sm.serde.AvroSerializer;
import io.k8sm.topics.Topic;
import io.k8sm.topics.TopicCatalogue;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.mesos.v1.scheduler.Protos.Call;

/**
 * Fuzzes the plain-consumer side of offer-ingest: {@code mesos-calls} records — byte-level garbage
 * and schema-valid nonsense generated from the Avro schema — through the real {@link CallExecutor}
 * (its {@code SafeRecordLoop}, the production deserializer, the real {@link CallTranslator}) on a
 * {@link MockConsumer}; Mesos answers some calls with an error.
 *
 * <p>Invariants, per record: the loop moves past it (its offset is committed: no poison pill); an
 * unreadable record is dead-lettered with a reason; a readable one is sent or rejected; the loop
 * keeps running.
 */
class CallExecutorFuzz {

    private static final long BASE_SEED = Long.getLong("k8sm.fuzz.seed", 0L);
    private static final String TOPIC = TopicCatalogue.defaults().name(Topic.MESOS_CALLS);
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    private final String scope = "calls-fuzz-" + UUID.randomUUID();
    private final InMemorySchemaRegistryClient registry = InMemorySchemaRegistryClient.scope(scope);
    private final MockProducer<byte[], byte[]> deadProducer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final MockProducer<byte[], byte[]> eventProducer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    private final AtomicLong mesosCalls = new AtomicLong();
    private MockConsumer<byte[], byte[]> consumer;
    private CallExecutor executor;
    private EventPublisher events;
    private int schemaId;
    private long offset;
    private int tried;
    private int crashes;
    private int deadLettered;
    private int sentOrRejected;
    private int tombstones;

    @BeforeProperty
    void start() {
        schemaId = registry.register(TOPIC + "-value", MesosCall.getClassSchema());
        consumer = new MockConsumer<>("earliest");
        consumer.schedulePollTask(() -> {
            consumer.rebalance(List.of(TP));
            consumer.updateBeginningOffsets(Map.of(TP, 0L));
        });
        DeadLetterPublisher dead =
                new DeadLetterPublisher(deadProducer, TopicCatalogue.defaults().name(Topic.DEAD_LETTERS), registry);
        events = new EventPublisher(
                eventProducer,
                new AvroSerializer<>(registry),
                dead,
                TopicCatalogue.defaults(),
                "k8sm",
                "0",
                new AllocationRoles(List.of("k8s")),
                Optional::empty);
        MesosCalls mesos = new MesosCalls() {
            @Override
            public void call(Call call) {
                if (mesosCalls.incrementAndGet() % 5 == 0) {
                    throw new MesosCallException(call.getType(), 400, "Failed to validate scheduler::Call", null);
                }
            }

            @Override
            public boolean isSubscribed() {
                return true;
            }
        };
        executor = new CallExecutor(
                        consumer,
                        TOPIC,
                        AvroDeserializer.specific(MesosCall.class, registry),
                        dead,
                        new CallTranslator(new AllocationRoles(List.of("k8s"))),
                        mesos,
                        events,
                        Duration.ofMillis(10))
                .start();
        await(
                "the consumer is assigned its partition",
                () -> !consumer.assignment().isEmpty());
    }

    @AfterProperty
    void stop() {
        System.out.printf(
                "fuzz mesos-calls: %d tried, %d crashes, %d dead-lettered with reason, %d sent or rejected, %d tombstones%n",
                tried, crashes, deadLettered, sentOrRejected, tombstones);
        executor.close();
        events.close();
        InMemorySchemaRegistryClient.dropScope(scope);
    }

    @Property(seed = "20261226", shrinking = ShrinkingMode.OFF)
    void everyCallRecordIsSentRejectedOrDeadLetteredAndTheLoopMovesOn(@ForAll long seed) {
        Random r = new Random(seed ^ BASE_SEED);
        AvroNonsense gen = new AvroNonsense(r);
        byte[] valid = AvroNonsense.wire(schemaId, gen.record(MesosCall.getClassSchema()));
        byte[] value = switch (r.nextInt(3)) {
            case 0 -> valid;
            case 1 -> gen.garbage(valid, schemaId);
            default -> r.nextInt(10) == 0 ? null : gen.garbage(valid, schemaId);
        };
        byte[] key = r.nextBoolean() ? gen.bytes(r.nextInt(10)) : "call-1".getBytes(StandardCharsets.UTF_8);
        boolean readable;
        try {
            AvroDeserializer.specific(MesosCall.class, registry).deserialize(TOPIC, value);
            readable = true;
        } catch (RuntimeException e) {
            readable = false;
        }
        int letters = deadProducer.history().size();
        long handled = executor.callsSent() + executor.callsRejected() + executor.callsDropped();
        long at = offset++;
        tried++;
        consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, at, key, value));
        await("offset " + at + " committed (seed " + seed + ")", () -> committed() > at);
        assertTrue(executor.isRunning(), "the loop keeps running");
        if (!readable) {
            assertTrue(
                    deadProducer.history().size() > letters, "an unreadable call is dead-lettered (seed " + seed + ")");
            DeadLetter letter = AvroDeserializer.specific(DeadLetter.class, registry)
                    .deserialize("dead", deadProducer.history().get(letters).value());
            assertTrue(!letter.getReason().isBlank() && letter.getSourceTopic().equals(TOPIC), letter.toString());
            deadLettered++;
        } else if (value == null) {
            tombstones++;
        } else {
            assertTrue(
                    executor.callsSent() + executor.callsRejected() + executor.callsDropped() > handled,
                    "a readable call is sent, rejected or (a DECLINE of offers never received) dropped (seed " + seed
                            + ")");
            sentOrRejected++;
        }
    }

    private long committed() {
        OffsetAndMetadata o = consumer.committed(Set.of(TP)).get(TP);
        return o == null ? 0 : o.offset();
    }

    private void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                crashes++;
                throw new AssertionError("timed out waiting for " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
