package io.k8sm.scheduler.bench;

import static io.k8sm.scheduler.testing.Given.launcher;
import static io.k8sm.scheduler.testing.Given.offer;
import static io.k8sm.scheduler.testing.Given.pod;
import static io.k8sm.scheduler.testing.Given.status;

import io.k8sm.avro.LauncherEventType;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.SchedulerEventType;
import io.k8sm.avro.TaskState;
import io.k8sm.scheduler.SchedulerInput;
import io.k8sm.scheduler.SchedulerState;
import io.k8sm.scheduler.SchedulerStateMachine;
import io.k8sm.scheduler.matching.ProcurementMatcher;
import io.k8sm.scheduler.outputs.SchedulerOutput;
import io.k8sm.scheduler.procurement.ProcurementConfig;
import io.k8sm.scheduler.settings.SchedulerSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * scheduler_perf's PreemptionBasic on the state machine (in-memory stores, no Kafka): every agent
 * is filled by four low-priority pods, then one high-priority pod per agent arrives, finds no room,
 * preempts one victim, and is placed when the freed resources are offered again. Reports
 * high-priority pods placed per second (arrival, preemption, the victims' kills and the freed offers
 * included), beside kube-scheduler's CI threshold for the workload (570 pods/s). Run by {@link
 * SchedulerPerfWorkloads}.
 */
final class PreemptionWorkload {

    private PreemptionWorkload() {}

    private static final class Machine {
        final SchedulerStateMachine machine = new SchedulerStateMachine(
                SchedulerSettings.defaults(),
                SchedulerState.inMemory(),
                new ProcurementMatcher(ProcurementConfig.defaults()));
        long now = 1_000;
        final List<SchedulerOutput> outputs = new ArrayList<>();

        void apply(SchedulerInput input) {
            outputs.addAll(machine.apply(input, now));
        }
    }

    /** Runs the workload on {@code agents} agents; prints one line. */
    static void run(int agents, boolean warmUp) {
        Machine m = new Machine();
        // four low-priority pods of 1 cpu fill each agent (4.25 cpus with the executor)
        for (int a = 0; a < agents; a++) {
            String host = "host-" + a;
            m.apply(new SchedulerInput.OfferUpdate(
                    "0", offer("fill-" + a, host).cpus(4.25).mem(4096).build()));
            for (int i = 0; i < 4; i++) {
                String key = "low/p-" + a + "-" + i;
                m.apply(new SchedulerInput.PodUpdate(
                        key, pod(key).priority(1).container(1, 512).build()));
            }
        }
        for (SchedulerOutput o : List.copyOf(m.outputs)) {
            if (o instanceof SchedulerOutput.Launch l) {
                String id = l.request().getTask().getId();
                String podKey = l.request().getTask().getPodKey();
                m.apply(new SchedulerInput.LauncherUpdate(id, launcher(id, podKey, LauncherEventType.LAUNCHED, null)));
                m.apply(new SchedulerInput.StatusUpdate(
                        id, status(id, TaskState.TASK_RUNNING).build()));
            }
        }
        m.outputs.clear();
        m.now += 10_000;

        long start = System.nanoTime();
        for (int a = 0; a < agents; a++) {
            String key = "high/p-" + a;
            PodSnapshot p = pod(key).priority(1000).container(1, 512).build();
            m.apply(new SchedulerInput.PodUpdate(key, p));
        }
        long arrived = System.nanoTime();
        int preempted = 0;
        List<String> freedHosts = new ArrayList<>();
        for (SchedulerOutput o : m.outputs) {
            if (o instanceof SchedulerOutput.Event e && e.event().getType() == SchedulerEventType.PREEMPTED) {
                preempted++;
                freedHosts.add(e.event().getHost());
            }
        }
        m.outputs.clear();
        // Mesos offers what each kill freed, on an agent that still runs our executor
        int n = 0;
        for (String host : freedHosts) {
            m.apply(new SchedulerInput.OfferUpdate(
                    "0",
                    offer("freed-" + n++, host)
                            .cpus(1)
                            .mem(512)
                            .executor(SchedulerSettings.defaults().executorId())
                            .build()));
        }
        long placed = m.outputs.stream()
                .filter(o -> o instanceof SchedulerOutput.Launch l
                        && l.request().getTask().getPodKey().startsWith("high/"))
                .count();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (warmUp) {
            return;
        }
        System.out.printf(
                "%-28s %8d %8d %12.0f %12s %10d %10s   (%d victims; arrivals and preemptions %.0f ms, placements"
                        + " on the freed offers %.0f ms)%n",
                "PreemptionBasic",
                agents,
                agents,
                placed / seconds,
                "570",
                agents - placed,
                "-",
                preempted,
                (arrived - start) / 1e6,
                (System.nanoTime() - arrived) / 1e6);
    }
}
