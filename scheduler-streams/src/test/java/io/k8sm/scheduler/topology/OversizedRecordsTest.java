package io.k8sm.scheduler.topology;

import static io.k8sm.scheduler.testing.Given.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.MesosCall;
import io.k8sm.avro.Reconcile;
import io.k8sm.avro.ReconcileTask;
import io.k8sm.contract.PodAnnotations;
import io.k8sm.scheduler.settings.SchedulerSettings;
import io.k8sm.scheduler.testing.Given;
import io.k8sm.scheduler.testing.SchedulerWorld;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Issue 10.6: what can grow is chunked, so that no record the scheduler writes outgrows the broker's
 * 1 MiB default ({@code max.request.size}, {@code message.max.bytes}) and becomes a poison pill.
 */
class OversizedRecordsTest {

    private static final int TASKS = 12_000;
    private static final int ONE_MIB = 1024 * 1024;

    /**
     * Invariant: every launched task is reconciled (none left out), and every Reconcile record is
     * under 1 MiB encoded.
     */
    @Test
    void anExplicitReconcileOfTwelveThousandTasksIsSentInCallsUnderTheBrokersLimit() {
        try (SchedulerWorld world = new SchedulerWorld(SchedulerSettings.defaults(), SchedulerStores.Kind.IN_MEMORY)) {
            Set<String> launched = new HashSet<>();
            for (int i = 0; i < TASKS; i++) {
                String taskId = "pod.default.web-" + i + ".7c9e6679-7425-40de-944b-e07fc1f90ae7";
                String host = "agent-host-" + (i % 500) + ".datacenter-one.example.com";
                world.pod(pod("default/web-" + i)
                        .nodeName(host)
                        .annotation(PodAnnotations.BINDING_HOST, host)
                        .annotation(PodAnnotations.TASK_ID, taskId)
                        .annotation(PodAnnotations.SLAVE_ID, "9f4a1e62-0c1b-4c55-a1f0-3b2f1c0d7e55-S" + (i % 500))
                        .annotation(PodAnnotations.OFFER_ID, "9f4a1e62-0c1b-4c55-a1f0-3b2f1c0d7e55-O" + i)
                        .container(0.1, 32)
                        .build());
                launched.add(taskId);
            }
            world.clearOutputs();
            world.framework(Given.subscribed());

            List<MesosCall> calls = world.calls.stream()
                    .filter(c -> c.getCall() instanceof Reconcile)
                    .toList();
            Set<String> reconciled = new HashSet<>();
            for (MesosCall c : calls) {
                int bytes = SchedulerSerdes.registryFree()
                        .value(MesosCall.class)
                        .serializer()
                        .serialize(SchedulerWorld.TOPICS.mesosCalls(), c)
                        .length;
                assertTrue(bytes < ONE_MIB, c.getCallId() + " is " + bytes + " bytes, over 1 MiB");
                List<ReconcileTask> tasks = ((Reconcile) c.getCall()).getTasks();
                assertTrue(tasks.size() <= SchedulerSettings.DEFAULT_RECONCILE_MAX_TASKS_PER_CALL, c.getCallId());
                tasks.forEach(t -> reconciled.add(t.getTaskId()));
            }
            assertEquals(launched, reconciled, "every launched task reconciled");
        }
    }

    /**
     * Invariant: a launch request over the size limit is never written (it would kill the stream
     * thread); a dead letter with its first 64 KiB and its digest is, and the next pod still
     * launches.
     */
    @Test
    void aLaunchRequestOverTheSizeLimitIsDeadLetteredTruncatedAndTheNextPodStillLaunches() {
        try (SchedulerWorld world = new SchedulerWorld()) {
            world.pod(pod("ns/huge")
                    .annotation("manifest", "x".repeat(2 * ONE_MIB))
                    .container(0.1, 32)
                    .build());
            world.offer(Given.offer("o1", "host-a").build());
            assertTrue(world.launches.isEmpty(), "the oversized launch request is not written");
            assertEquals(1, world.deadLetters.size());
            io.k8sm.avro.DeadLetter d = world.deadLetters.get(0).value;
            assertEquals(
                    io.k8sm.deadletter.DeadLetters.MAX_RAW_BYTES, d.getValue().remaining(), "truncated copy");
            assertTrue(d.getTruncated());
            assertTrue(d.getReason().contains("scheduler.max.record.bytes"), d.getReason());

            world.pod(pod("ns/next").container(0.1, 32).build());
            world.offer(Given.offer("o2", "host-b").build());
            assertEquals(1, world.launches.size());
            assertEquals("next", world.launches.get(0).getPod().getName());
        }
    }
}
