package io.k8sm.offeringest.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.k8sm.deadletter.DeadLetterPublisher;
import io.k8sm.schemaregistry.InMemorySchemaRegistryClient;
import io.k8sm.serde.AvroSerializer;
import io.k8sm.topics.Topic;
import io.k8sm.topics.TopicCatalogue;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.mesos.v1.Protos;
import org.junit.jupiter.api.Test;

/**
 * Acknowledgements wait for Mesos, updates do not: while Mesos is slow or cut off, its resends of
 * the same unacknowledged updates keep arriving (the long chaos run's offer-ingest ran out of heap,
 * each resend queued one more acknowledgement). At most one acknowledgement waits per task: the
 * update Mesos sends is the one it waits for, so a newer one replaces what still waits.
 */
class EventPublisherAcknowledgementTest {

    private final InMemorySchemaRegistryClient registry =
            InMemorySchemaRegistryClient.scope("acks-" + UUID.randomUUID());
    private final MockProducer<byte[], byte[]> producer =
            new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer());

    private EventPublisher publisher() {
        return new EventPublisher(
                producer,
                new AvroSerializer<>(registry),
                new DeadLetterPublisher(producer, TopicCatalogue.defaults().name(Topic.DEAD_LETTERS), registry),
                TopicCatalogue.defaults(),
                "k8sm",
                "0",
                new AllocationRoles(List.of("k8s")),
                Optional::empty);
    }

    private static Protos.TaskStatus update(int task, String uuid) {
        return Protos.TaskStatus.newBuilder()
                .setTaskId(Protos.TaskID.newBuilder().setValue("task-" + task))
                .setState(Protos.TaskState.TASK_RUNNING)
                .setUuid(ByteString.copyFromUtf8(uuid))
                .build();
    }

    @Test
    void resendsWhileMesosIsSlowWaitForOneAcknowledgementPerTask() throws Exception {
        CountDownLatch mesosSlow = new CountDownLatch(1);
        Map<String, Integer> acks = new ConcurrentHashMap<>();
        try (EventPublisher events = publisher()) {
            events.acknowledgeWith(status -> {
                try {
                    mesosSlow.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                acks.merge(
                        status.getTaskId().getValue() + "/" + status.getUuid().toStringUtf8(), 1, Integer::sum);
                return true;
            });
            int tasks = 10;
            int resends = 1_000;
            for (int r = 0; r < resends; r++) {
                for (int t = 0; t < tasks; t++) {
                    events.onUpdate(update(t, r < resends / 2 ? "first" : "second"));
                }
            }
            assertTrue(events.acknowledgementsWaiting() <= tasks, "waiting: " + events.acknowledgementsWaiting());
            mesosSlow.countDown();
            events.drainAcknowledgements(Duration.ofSeconds(10));
            int sent = acks.values().stream().mapToInt(Integer::intValue).sum();
            assertTrue(sent <= 2 * tasks, "acknowledgements sent for " + tasks * resends + " updates: " + sent);
            for (int t = 0; t < tasks; t++) {
                assertTrue(
                        acks.containsKey("task-" + t + "/second"), "the latest update of task-" + t + " acknowledged");
            }
            assertEquals(tasks * resends, events.updatesWritten(), "every update written");
        }
    }
}
