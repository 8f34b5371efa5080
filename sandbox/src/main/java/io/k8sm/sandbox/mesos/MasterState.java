package io.k8sm.sandbox.mesos;

import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated master's state — agents, tasks, the one framework and its stream — and the loop
 * thread that alone touches it; the transport, allocator, task lifecycle and fault injector share it.
 */
final class MasterState {
    private static final Logger LOG = LoggerFactory.getLogger(MesosMasterSimulator.class);

    final MesosMasterSimulator.Builder cfg;
    final Map<String, AgentState> agents = new LinkedHashMap<>();
    final Map<String, TaskRec> tasks = new LinkedHashMap<>();
    final List<SimulatedLaunch> launchLog = new ArrayList<>();
    final Random random;
    final AtomicInteger offerSeq = new AtomicInteger();
    final AtomicInteger launched = new AtomicInteger();
    final AtomicInteger subscriptions = new AtomicInteger();
    /** Every executed call; appended on the loop thread, read under its lock (a copy-on-write list copies on every add). */
    final List<org.apache.mesos.v1.scheduler.Protos.Call> executedCalls = new ArrayList<>();

    /** Who subscribed and who called, with their stream ids. */
    final SubscriptionLog log = new SubscriptionLog();

    final String masterId = UUID.randomUUID().toString().substring(0, 8);
    ScheduledExecutorService loop;
    Framework framework;

    OfferAllocator allocator;
    TaskLifecycle lifecycle;
    FaultInjector faults;

    MasterState(MesosMasterSimulator.Builder cfg, long seed, List<SimulatedAgent> agentList) {
        this.cfg = cfg;
        this.random = new Random(seed);
        for (SimulatedAgent a : agentList) {
            agents.put(a.id(), new AgentState(a, agents.size() + 1));
        }
    }

    void send(Event e) {
        if (framework != null && framework.stream != null) {
            framework.stream.send(e);
        }
    }

    void disconnect(EventStream s) {
        s.close();
        if (framework != null && framework.stream == s) {
            framework.stream = null;
            // A disconnected framework is deactivated: its outstanding offers are recovered.
            framework.offers.clear();
            LOG.info("framework {} disconnected", framework.id);
        }
    }

    // ------------------------------------------------------------------ state records

    static final class Framework {
        final String id;
        FrameworkInfo info;
        List<String> roles = new ArrayList<>();
        Set<String> suppressed = new HashSet<>();
        boolean partitionAware;
        EventStream stream;
        final Map<String, Long> filterUntilNanos = new HashMap<>();
        final Map<String, OfferRec> offers = new LinkedHashMap<>();

        Framework(String id) {
            this.id = id;
        }
    }

    /** One outstanding offer; {@code offeredAtMillis} the wall-clock time it was sent (for harnesses' TTL checks). */
    record OfferRec(String offerId, String agentId, SimResources resources, long offeredAtMillis) {
        OfferRec(String offerId, String agentId, SimResources resources) {
            this(offerId, agentId, resources, System.currentTimeMillis());
        }
    }

    static final class AgentState {
        final SimulatedAgent agent;

        /** The agent's address as its offers' URL carries it: 127.0.1.N, in the loopback range. */
        final String ip;

        SimResources used = SimResources.EMPTY;
        final Set<String> executors = new HashSet<>();
        boolean removed;

        AgentState(SimulatedAgent agent, int index) {
            this.agent = agent;
            this.ip = "127.0." + (1 + index / 250) + "." + (1 + index % 250);
        }
    }

    static final class TaskRec {
        final TaskInfo info;
        final String agentId;
        final String executorId;
        final SimResources resources;
        TaskState state = TaskState.TASK_STAGING;
        TaskStatus.Reason reason;
        final Deque<TaskStatus> pending = new ArrayDeque<>();
        long headSentNanos;

        TaskRec(TaskInfo info, String agentId, String executorId, SimResources resources) {
            this.info = info;
            this.agentId = agentId;
            this.executorId = executorId;
            this.resources = resources;
        }

        String taskId() {
            return info.getTaskId().getValue();
        }

        boolean terminal() {
            return MesosMasterSimulator.isTerminal(state);
        }

        TaskStatus status(TaskState s, TaskStatus.Reason r, TaskStatus.Source source, String message, ByteString uuid) {
            TaskStatus.Builder b = TaskStatus.newBuilder()
                    .setTaskId(info.getTaskId())
                    .setState(s)
                    .setSource(source)
                    .setAgentId(AgentID.newBuilder().setValue(agentId))
                    .setTimestamp(System.currentTimeMillis() / 1000.0);
            if (executorId != null) {
                b.setExecutorId(ExecutorID.newBuilder().setValue(executorId));
            }
            if (r != null) {
                b.setReason(r);
            }
            if (message != null) {
                b.setMessage(message);
            }
            if (uuid != null) {
                b.setUuid(uuid);
            }
            return b.build();
        }

        TaskStatus reconciliationStatus() {
            return status(
                    state,
                    TaskStatus.Reason.REASON_RECONCILIATION,
                    TaskStatus.Source.SOURCE_MASTER,
                    "Reconciliation: Latest task state",
                    null);
        }

        SimulatedTask snapshot() {
            return new SimulatedTask(taskId(), agentId, executorId, state, reason, pending.size());
        }
    }

    // ------------------------------------------------------------------ loop helpers

    <T> T onLoop(Callable<T> work) {
        try {
            return loop.submit(work).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    void schedule(Duration after, Runnable r) {
        loop.schedule(guard(r), after.toMillis(), TimeUnit.MILLISECONDS);
    }

    static Runnable guard(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("simulator step failed", e);
            }
        };
    }

    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
