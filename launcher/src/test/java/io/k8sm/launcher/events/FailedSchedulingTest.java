package io.k8sm.launcher.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.k8sm.avro.SchedulerEvent;
import io.k8sm.avro.SchedulerEventType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pod the scheduler cannot place shows it where Kubernetes users look: a FailedScheduling Event
 * and PodScheduled=False/Unschedulable. Checked from the API server's side (the mock's stored
 * objects), not from the launcher's logs.
 */
@EnableKubernetesMockClient(crud = true)
class FailedSchedulingTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static final String SHORT = "0/3 offers fit: 3 short of cpu (need 8.0)";

    KubernetesClient client;
    FailedScheduling events;
    String uid;

    @BeforeEach
    void pod() {
        uid = client.pods()
                .inNamespace("default")
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withNamespace("default")
                        .withName("big-1")
                        .endMetadata()
                        .withNewSpec()
                        .withSchedulerName("k8sm")
                        .endSpec()
                        .build())
                .create()
                .getMetadata()
                .getUid();
        events = new FailedScheduling(client, "k8sm");
    }

    private static SchedulerEvent failed(String message, Instant at) {
        return new SchedulerEvent("default/big-1", "pod.1", SchedulerEventType.FAILED_SCHEDULING, message, null, at);
    }

    private List<Event> stored() {
        return client.v1().events().inNamespace("default").list().getItems();
    }

    @Test
    void anUnplaceablePodGetsAFailedSchedulingWarningAndTheUnschedulableCondition() {
        events.failed(failed(SHORT, T0));

        List<Event> all = stored();
        assertEquals(1, all.size(), all.toString());
        Event e = all.get(0);
        assertEquals("FailedScheduling", e.getReason());
        assertEquals("Warning", e.getType());
        assertEquals(SHORT, e.getMessage());
        assertEquals("Pod", e.getInvolvedObject().getKind());
        assertEquals("big-1", e.getInvolvedObject().getName());
        assertEquals(uid, e.getInvolvedObject().getUid());
        assertEquals("k8sm", e.getSource().getComponent());
        assertEquals(1, e.getCount());
        PodCondition c =
                client.pods().inNamespace("default").withName("big-1").get().getStatus().getConditions().stream()
                        .filter(x -> x.getType().equals("PodScheduled"))
                        .findFirst()
                        .orElseThrow();
        assertEquals("False", c.getStatus());
        assertEquals("Unschedulable", c.getReason());
        assertEquals(SHORT, c.getMessage());
    }

    @Test
    void aRepeatedShortfallIsOneEventWithACountNotAFlood() {
        // 100 rounds, 5 s apart (8 min 15 s, inside the 10-minute window), each read twice (a retried batch).
        for (int i = 0; i < 100; i++) {
            SchedulerEvent e = failed(SHORT, T0.plusSeconds(5L * i));
            events.failed(e);
            events.failed(e);
        }
        List<Event> all = stored();
        assertEquals(1, all.size(), "one Event for one pod and one message: " + all);
        Event e = all.get(0);
        // Written at most every 30 s of event time: the count is that of the last write.
        assertTrue(e.getCount() >= 94 && e.getCount() <= 100, "count " + e.getCount());
        assertEquals(T0.toString(), e.getFirstTimestamp());
    }

    @Test
    void anotherMessageOrTheEndOfTheWindowIsANewEvent() {
        events.failed(failed(SHORT, T0));
        events.failed(failed("0/4 offers fit: 4 host port 8080 taken", T0.plusSeconds(10)));
        assertEquals(2, stored().size(), "another message, another Event");
        events.failed(failed(SHORT, T0.plus(FailedScheduling.WINDOW).plus(Duration.ofSeconds(1))));
        assertEquals(3, stored().size(), "after the window, a new Event");
    }

    @Test
    void aPodThatIsGoneOrBoundGetsNothing() {
        client.pods().inNamespace("default").withName("big-1").delete();
        events.failed(failed(SHORT, T0));
        assertEquals(0, stored().size());
    }

    @Test
    void eventNamesAreThePodsNameAndTheFirstTimeAsKubeSchedulerNamesThem() {
        assertEquals(
                "big-1." + Long.toHexString(T0.getEpochSecond() * 1_000_000_000L),
                FailedScheduling.eventName("big-1", T0));
    }
}
