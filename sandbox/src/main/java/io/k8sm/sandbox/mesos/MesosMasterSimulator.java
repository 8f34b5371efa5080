package io.k8sm.sandbox.mesos;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Mesos master that speaks the v1 scheduler HTTP API ({@code POST /api/v1/scheduler}) to one
 * framework, with simulated agents. See this package's README for what it does and where it
 * deliberately differs from a real master.
 *
 * <p>All state lives on one thread (the "loop"); HTTP handlers hand their work to it and wait.
 */
public final class MesosMasterSimulator implements AutoCloseable {

    public static final String PATH = "/api/v1/scheduler";
    public static final String STREAM_ID_HEADER = "Mesos-Stream-Id";
    static final String JSON = "application/json";
    static final String PROTOBUF = "application/x-protobuf";

    /** mesos.proto's default {@code Filters.refuse_seconds}. */
    static final double DEFAULT_REFUSE_SECONDS = 5.0;

    private static final Logger LOG = LoggerFactory.getLogger(MesosMasterSimulator.class);

    private final Builder cfg;
    private final MasterState m;
    private final SchedulerHttp http;
    private ExecutorService handlers;
    private HttpServer server;

    private MesosMasterSimulator(Builder b) {
        this.cfg = b;
        this.m = new MasterState(b, b.seed, b.agents);
        m.allocator = new OfferAllocator(m);
        m.lifecycle = new TaskLifecycle(m);
        m.faults = new FaultInjector(m);
        this.http = new SchedulerHttp(m);
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ lifecycle

    /** Binds the HTTP server (loopback) and starts allocation, heartbeats and update retries. */
    public MesosMasterSimulator start() throws IOException {
        m.loop = Executors.newSingleThreadScheduledExecutor(r -> MasterState.daemon(r, "mesos-sim-loop"));
        handlers = Executors.newCachedThreadPool(r -> MasterState.daemon(r, "mesos-sim-http"));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), cfg.port), 16);
        server.setExecutor(handlers);
        server.createContext(PATH, http::handle);
        server.start();
        long alloc = cfg.allocationInterval.toMillis();
        long hb = cfg.heartbeatInterval.toMillis();
        long retry = Math.max(10, cfg.statusUpdateRetryInterval.toMillis() / 2);
        m.loop.scheduleWithFixedDelay(MasterState.guard(m.allocator::allocate), alloc, alloc, TimeUnit.MILLISECONDS);
        m.loop.scheduleWithFixedDelay(MasterState.guard(http::heartbeat), hb, hb, TimeUnit.MILLISECONDS);
        m.loop.scheduleWithFixedDelay(
                MasterState.guard(m.lifecycle::retryUpdates), retry, retry, TimeUnit.MILLISECONDS);
        LOG.info(
                "Mesos master simulator on {} with {} agents{}",
                schedulerUri(),
                m.agents.size(),
                cfg.redirectTo == null ? "" : " (non-leader, redirecting to " + cfg.redirectTo + ")");
        return this;
    }

    @Override
    public void close() {
        if (server == null) {
            return;
        }
        m.onLoop(() -> {
            if (m.framework != null && m.framework.stream != null) {
                m.framework.stream.close();
            }
            return null;
        });
        server.stop(0);
        m.loop.shutdownNow();
        handlers.shutdownNow();
        server = null;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>/api/v1/scheduler}. */
    public URI schedulerUri() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":" + port() + PATH);
    }

    // ------------------------------------------------------------------ control API

    public List<SimulatedAgent> agents() {
        return m.onLoop(() -> m.agents.values().stream()
                .filter(a -> !a.removed)
                .map(a -> a.agent)
                .toList());
    }

    /** Every task ever launched, by task id, in launch order. */
    public Map<String, SimulatedTask> tasks() {
        return m.onLoop(() -> {
            Map<String, SimulatedTask> out = new LinkedHashMap<>();
            m.tasks.forEach((id, t) -> out.put(id, t.snapshot()));
            return Collections.unmodifiableMap(out);
        });
    }

    /** Every launch, in order; a task id launched again after it ended appears twice. */
    public List<SimulatedLaunch> launchHistory() {
        return m.onLoop(() -> List.copyOf(m.launchLog));
    }

    /** How many tasks were launched (accepted LAUNCH / LAUNCH_GROUP tasks), ever. */
    public int launchedCount() {
        return m.launched.get();
    }

    /** How many SUBSCRIBE calls were answered with SUBSCRIBED. */
    public int subscriptionCount() {
        return m.subscriptions.get();
    }

    /** The framework id of each SUBSCRIBED the simulator answered, in order. */
    public List<String> subscribedFrameworkIds() {
        return m.log.frameworkIds();
    }

    /** The simulator's record of every SUBSCRIBED and every call received, with their stream ids. */
    public SubscriptionLog subscriptionLog() {
        return m.log;
    }

    /** Every call (not SUBSCRIBE) the simulator accepted for execution, in order. */
    public List<org.apache.mesos.v1.scheduler.Protos.Call> executedCalls() {
        synchronized (m.executedCalls) {
            return List.copyOf(m.executedCalls);
        }
    }

    /** The next {@code n} calls (not SUBSCRIBE) are answered {@code status} (e.g. 503 during an election), not executed. */
    public void failNextCalls(int n, int status) {
        m.faults.failNextCalls(n, status);
    }

    /** The next {@code n} calls (not SUBSCRIBE) are not executed; their connection is closed unanswered. */
    public void dropNextCalls(int n) {
        m.faults.dropNextCalls(n);
    }

    public Optional<String> frameworkId() {
        return m.onLoop(() -> Optional.ofNullable(m.framework).map(f -> f.id));
    }

    /** Whether a framework currently holds a subscription stream. */
    public boolean connected() {
        return m.onLoop(() -> m.framework != null && m.framework.stream != null);
    }

    /** Offer ids outstanding with the framework (sent, neither accepted, declined nor rescinded). */
    public Set<String> outstandingOffers() {
        return m.onLoop(() -> m.framework == null ? Set.of() : Set.copyOf(m.framework.offers.keySet()));
    }

    /**
     * Offer id → wall-clock millis it was sent, of every offer outstanding with the framework (sent,
     * neither accepted, declined nor rescinded, nor recovered by a disconnect): a harness's record for
     * "no offer neither used nor declined past its TTL".
     */
    public Map<String, Long> outstandingOfferTimes() {
        return m.onLoop(() -> {
            Map<String, Long> out = new LinkedHashMap<>();
            if (m.framework != null) {
                m.framework.offers.values().forEach(o -> out.put(o.offerId(), o.offeredAtMillis()));
            }
            return Collections.unmodifiableMap(out);
        });
    }

    /** The executed calls from index {@code from} on (see {@link #executedCalls()}), without copying the rest. */
    public List<org.apache.mesos.v1.scheduler.Protos.Call> executedCallsFrom(int from) {
        synchronized (m.executedCalls) {
            int n = m.executedCalls.size();
            return from >= n ? List.of() : List.copyOf(m.executedCalls.subList(Math.max(0, from), n));
        }
    }

    /** Moves a task to a terminal (or any) state, as its executor would report it. */
    public void failTask(String taskId, TaskState state, TaskStatus.Reason reason) {
        m.faults.failTask(taskId, state, reason);
    }

    /**
     * The agent is removed: its offer rescinded, its live tasks LOST (REASON_AGENT_REMOVED), FAILURE.
     */
    public void loseAgent(String agentId) {
        m.faults.loseAgent(agentId);
    }

    /** Closes the subscription stream, as a master failover or a broken connection would. */
    public void dropStream() {
        m.faults.dropStream();
    }

    /**
     * Keeps the subscription connection open but stops writing anything to it (a network partition):
     * no heartbeats, offers or updates until the framework subscribes again.
     */
    public void stallStream() {
        m.faults.stallStream();
    }

    /** Writes raw bytes into the subscription stream (for malformed-frame tests). */
    public void sendRaw(byte[] bytes) {
        m.faults.sendRaw(bytes);
    }

    /** Writes one well-framed record with arbitrary content (e.g. an event of an unknown type). */
    public void sendRecord(byte[] record) {
        m.faults.sendRecord(record);
    }

    /** Whether the current stream speaks JSON ({@code false}: protobuf). */
    public boolean streamIsJson() {
        return m.onLoop(() -> m.framework != null && m.framework.stream != null && m.framework.stream.json);
    }

    /** Rescinds every outstanding offer. */
    public void rescindAll() {
        m.onLoop(() -> {
            m.allocator.rescindAll();
            return null;
        });
    }

    /** Runs one allocation round now instead of waiting for the next interval. */
    public void allocateNow() {
        m.onLoop(() -> {
            m.allocator.allocate();
            return null;
        });
    }

    public static boolean isTerminal(TaskState s) {
        return switch (s) {
            case TASK_FINISHED,
                    TASK_FAILED,
                    TASK_KILLED,
                    TASK_LOST,
                    TASK_ERROR,
                    TASK_DROPPED,
                    TASK_GONE,
                    TASK_GONE_BY_OPERATOR -> true;
            default -> false;
        };
    }

    // ------------------------------------------------------------------ configuration

    /** Configuration of a simulator; every duration is small-able for tests. */
    public static final class Builder {
        int port;
        final List<SimulatedAgent> agents = new ArrayList<>();
        Duration allocationInterval = Duration.ofSeconds(1);
        Duration heartbeatInterval = Duration.ofSeconds(15);
        Duration statusUpdateRetryInterval = Duration.ofSeconds(10);
        Duration startingAfter = Duration.ofMillis(100);
        Duration runningAfter = Duration.ofMillis(200);
        Duration faultAfter = Duration.ofMillis(200);
        boolean emitStagingUpdate = true;
        final Map<TaskState, Double> faultRates = new EnumMap<>(TaskState.class);
        long seed = 42;
        String redirectTo;
        String principal;
        String secret;

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder agent(SimulatedAgent agent) {
            agents.add(Objects.requireNonNull(agent));
            return this;
        }

        public Builder agents(List<SimulatedAgent> list) {
            agents.addAll(list);
            return this;
        }

        /** {@code n} agents {@code agent-1..n} on hosts {@code host-1..n}, 4 cpus, 8 GiB, two port ranges. */
        public Builder agents(int n) {
            for (int i = 1; i <= n; i++) {
                agents.add(new SimulatedAgent(
                        "agent-" + i,
                        "host-" + i,
                        4,
                        8192,
                        100_000,
                        List.of(new SimulatedAgent.PortRange(31000, 31499), new SimulatedAgent.PortRange(32000, 32499)),
                        Map.of("rack", "r" + (i % 2 + 1)),
                        List.of("*")));
            }
            return this;
        }

        public Builder allocationInterval(Duration d) {
            this.allocationInterval = d;
            return this;
        }

        /** Announced in SUBSCRIBED as {@code heartbeat_interval_seconds} (fractions allowed). */
        public Builder heartbeatInterval(Duration d) {
            this.heartbeatInterval = d;
            return this;
        }

        public Builder statusUpdateRetryInterval(Duration d) {
            this.statusUpdateRetryInterval = d;
            return this;
        }

        /** When, after the launch, a task reports TASK_STARTING and TASK_RUNNING. */
        public Builder taskLifecycle(Duration startingAfter, Duration runningAfter) {
            this.startingAfter = startingAfter;
            this.runningAfter = runningAfter;
            return this;
        }

        /** Whether a TASK_STAGING update is sent at launch (a real master usually does not send one). */
        public Builder emitStagingUpdate(boolean b) {
            this.emitStagingUpdate = b;
            return this;
        }

        /** Probability that a task, once RUNNING, ends in {@code state} (seeded; sum at most 1). */
        public Builder faultRate(TaskState state, double probability) {
            faultRates.put(state, probability);
            return this;
        }

        public Builder faultAfter(Duration d) {
            this.faultAfter = d;
            return this;
        }

        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** Makes this instance a non-leading master that answers every call 307 with this Location. */
        public Builder redirectTo(String location) {
            this.redirectTo = location;
            return this;
        }

        /** Requires HTTP basic authentication with these credentials (401 otherwise). */
        public Builder credentials(String principal, String secret) {
            this.principal = principal;
            this.secret = secret;
            return this;
        }

        public MesosMasterSimulator build() {
            return new MesosMasterSimulator(this);
        }

        public MesosMasterSimulator start() throws IOException {
            return build().start();
        }
    }
}
