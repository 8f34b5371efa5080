package io.k8sm.sandbox.mesos;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.Attribute;
import org.apache.mesos.v1.Protos.ExecutorID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.Protos.Value;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
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
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private final Builder cfg;
    private final Map<String, AgentState> agents = new LinkedHashMap<>();
    private final Map<String, TaskRec> tasks = new LinkedHashMap<>();
    private final Random random;
    private final AtomicInteger offerSeq = new AtomicInteger();
    private final AtomicInteger launched = new AtomicInteger();
    private final AtomicInteger subscriptions = new AtomicInteger();
    private final String masterId = UUID.randomUUID().toString().substring(0, 8);
    private ScheduledExecutorService loop;
    private ExecutorService handlers;
    private HttpServer server;
    private Framework framework;

    private MesosMasterSimulator(Builder b) {
        this.cfg = b;
        this.random = new Random(b.seed);
        for (SimulatedAgent a : b.agents) {
            agents.put(a.id(), new AgentState(a, agents.size() + 1));
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ lifecycle

    /** Binds the HTTP server (loopback) and starts allocation, heartbeats and update retries. */
    public MesosMasterSimulator start() throws IOException {
        loop = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "mesos-sim-loop"));
        handlers = Executors.newCachedThreadPool(r -> daemon(r, "mesos-sim-http"));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), cfg.port), 16);
        server.setExecutor(handlers);
        server.createContext(PATH, this::handle);
        server.start();
        long alloc = cfg.allocationInterval.toMillis();
        long hb = cfg.heartbeatInterval.toMillis();
        long retry = Math.max(10, cfg.statusUpdateRetryInterval.toMillis() / 2);
        loop.scheduleWithFixedDelay(guard(this::allocate), alloc, alloc, TimeUnit.MILLISECONDS);
        loop.scheduleWithFixedDelay(guard(this::heartbeat), hb, hb, TimeUnit.MILLISECONDS);
        loop.scheduleWithFixedDelay(guard(this::retryUpdates), retry, retry, TimeUnit.MILLISECONDS);
        LOG.info(
                "Mesos master simulator on {} with {} agents{}",
                schedulerUri(),
                agents.size(),
                cfg.redirectTo == null ? "" : " (non-leader, redirecting to " + cfg.redirectTo + ")");
        return this;
    }

    @Override
    public void close() {
        if (server == null) {
            return;
        }
        onLoop(() -> {
            if (framework != null && framework.stream != null) {
                framework.stream.close();
            }
            return null;
        });
        server.stop(0);
        loop.shutdownNow();
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
        return onLoop(() -> agents.values().stream()
                .filter(a -> !a.removed)
                .map(a -> a.agent)
                .toList());
    }

    /** Every task ever launched, by task id, in launch order. */
    public Map<String, SimulatedTask> tasks() {
        return onLoop(() -> {
            Map<String, SimulatedTask> out = new LinkedHashMap<>();
            tasks.forEach((id, t) -> out.put(id, t.snapshot()));
            return Collections.unmodifiableMap(out);
        });
    }

    /** How many tasks were launched (accepted LAUNCH / LAUNCH_GROUP tasks), ever. */
    public int launchedCount() {
        return launched.get();
    }

    /** How many SUBSCRIBE calls were answered with SUBSCRIBED. */
    public int subscriptionCount() {
        return subscriptions.get();
    }

    public Optional<String> frameworkId() {
        return onLoop(() -> Optional.ofNullable(framework).map(f -> f.id));
    }

    /** Whether a framework currently holds a subscription stream. */
    public boolean connected() {
        return onLoop(() -> framework != null && framework.stream != null);
    }

    /** Offer ids outstanding with the framework (sent, neither accepted, declined nor rescinded). */
    public Set<String> outstandingOffers() {
        return onLoop(() -> framework == null ? Set.of() : Set.copyOf(framework.offers.keySet()));
    }

    /** Moves a task to a terminal (or any) state, as its executor would report it. */
    public void failTask(String taskId, TaskState state, TaskStatus.Reason reason) {
        onLoop(() -> {
            TaskRec t = tasks.get(taskId);
            if (t == null) {
                throw new IllegalArgumentException("unknown task " + taskId);
            }
            if (!t.terminal()) {
                transition(t, state, reason, TaskStatus.Source.SOURCE_EXECUTOR, "injected by the simulator", true);
            }
            return null;
        });
    }

    /**
     * The agent is removed: its offer rescinded, its live tasks LOST (REASON_AGENT_REMOVED), FAILURE.
     */
    public void loseAgent(String agentId) {
        onLoop(() -> {
            AgentState a = agents.get(agentId);
            if (a == null || a.removed) {
                throw new IllegalArgumentException("unknown agent " + agentId);
            }
            a.removed = true;
            if (framework != null) {
                new ArrayList<>(framework.offers.values())
                        .stream().filter(o -> o.agentId.equals(agentId)).forEach(o -> rescind(o.offerId));
                send(Event.newBuilder()
                        .setType(Event.Type.FAILURE)
                        .setFailure(Event.Failure.newBuilder()
                                .setAgentId(AgentID.newBuilder().setValue(agentId)))
                        .build());
            }
            for (TaskRec t : tasks.values()) {
                if (t.agentId.equals(agentId) && !t.terminal()) {
                    TaskState lost =
                            framework != null && framework.partitionAware ? TaskState.TASK_GONE : TaskState.TASK_LOST;
                    transition(
                            t,
                            lost,
                            TaskStatus.Reason.REASON_AGENT_REMOVED,
                            TaskStatus.Source.SOURCE_MASTER,
                            "Agent " + agentId + " removed",
                            false);
                }
            }
            return null;
        });
    }

    /** Closes the subscription stream, as a master failover or a broken connection would. */
    public void dropStream() {
        onLoop(() -> {
            if (framework != null && framework.stream != null) {
                LOG.info("dropping the subscription stream {}", framework.stream.id);
                disconnect(framework.stream);
            }
            return null;
        });
    }

    /**
     * Keeps the subscription connection open but stops writing anything to it (a network partition):
     * no heartbeats, offers or updates until the framework subscribes again.
     */
    public void stallStream() {
        onLoop(() -> {
            if (framework != null && framework.stream != null) {
                framework.stream.stalled = true;
            }
            return null;
        });
    }

    /** Writes raw bytes into the subscription stream (for malformed-frame tests). */
    public void sendRaw(byte[] bytes) {
        onLoop(() -> {
            if (framework != null && framework.stream != null) {
                framework.stream.writeRaw(bytes);
            }
            return null;
        });
    }

    /** Writes one well-framed record with arbitrary content (e.g. an event of an unknown type). */
    public void sendRecord(byte[] record) {
        onLoop(() -> {
            if (framework != null && framework.stream != null) {
                framework.stream.writeRaw(frame(record));
            }
            return null;
        });
    }

    /** Whether the current stream speaks JSON ({@code false}: protobuf). */
    public boolean streamIsJson() {
        return onLoop(() -> framework != null && framework.stream != null && framework.stream.json);
    }

    /** Rescinds every outstanding offer. */
    public void rescindAll() {
        onLoop(() -> {
            if (framework != null) {
                new ArrayList<>(framework.offers.keySet()).forEach(this::rescind);
            }
            return null;
        });
    }

    /** Runs one allocation round now instead of waiting for the next interval. */
    public void allocateNow() {
        onLoop(() -> {
            allocate();
            return null;
        });
    }

    // ------------------------------------------------------------------ HTTP

    private void handle(HttpExchange ex) throws IOException {
        try {
            if (!"POST".equals(ex.getRequestMethod())) {
                respond(ex, 405, "Expecting 'POST'");
                return;
            }
            if (!PATH.equals(ex.getRequestURI().getPath())) {
                respond(ex, 404, "");
                return;
            }
            if (cfg.redirectTo != null) {
                ex.getResponseHeaders().add("Location", cfg.redirectTo);
                respond(ex, 307, "");
                return;
            }
            if (cfg.principal != null && !authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
                ex.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"mesos\"");
                respond(ex, 401, "Unauthorized");
                return;
            }
            String contentType = mediaType(ex.getRequestHeaders().getFirst("Content-Type"));
            if (!JSON.equals(contentType) && !PROTOBUF.equals(contentType)) {
                respond(ex, 415, "Expecting 'Content-Type' of application/json or application/x-protobuf");
                return;
            }
            String accept = ex.getRequestHeaders().getFirst("Accept");
            boolean jsonOut;
            if (accept == null || accept.contains(JSON) || accept.contains("*/*")) {
                jsonOut =
                        accept == null || !accept.contains(PROTOBUF) || accept.indexOf(JSON) < accept.indexOf(PROTOBUF);
            } else if (accept.contains(PROTOBUF)) {
                jsonOut = false;
            } else {
                respond(ex, 406, "Expecting 'Accept' to allow application/json or application/x-protobuf");
                return;
            }
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            Call call;
            try {
                if (JSON.equals(contentType)) {
                    Call.Builder b = Call.newBuilder();
                    PARSER.merge(new String(body, StandardCharsets.UTF_8), b);
                    call = b.build();
                } else {
                    call = Call.parseFrom(body);
                }
            } catch (InvalidProtocolBufferException | RuntimeException e) {
                respond(ex, 400, "Failed to parse body into Call: " + e.getMessage());
                return;
            }
            if (call.getType() == Call.Type.SUBSCRIBE) {
                if (ex.getRequestHeaders().containsKey(STREAM_ID_HEADER)) {
                    respond(ex, 400, "Subscribe calls should not include the 'Mesos-Stream-Id' header");
                    return;
                }
                if (!call.hasSubscribe()) {
                    respond(ex, 400, "Expecting 'subscribe' to be present");
                    return;
                }
                boolean finalJson = jsonOut;
                Reply r = onLoop(() -> subscribe(call, ex, finalJson));
                if (r != null) {
                    respond(ex, r.status, r.body);
                }
                // else: the exchange stays open as the event stream
                return;
            }
            String streamId = ex.getRequestHeaders().getFirst(STREAM_ID_HEADER);
            Reply r = onLoop(() -> handleCall(call, streamId));
            respond(ex, r.status, r.body);
        } catch (RuntimeException e) {
            LOG.warn("simulator failed to handle a request", e);
            respond(ex, 500, String.valueOf(e));
        }
    }

    private boolean authorized(String header) {
        String expected = "Basic "
                + Base64.getEncoder()
                        .encodeToString((cfg.principal + ":" + cfg.secret).getBytes(StandardCharsets.UTF_8));
        return expected.equals(header);
    }

    private static String mediaType(String header) {
        if (header == null) {
            return null;
        }
        int semi = header.indexOf(';');
        return (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase();
    }

    private static void respond(HttpExchange ex, int status, String body) {
        try {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
            ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(bytes);
                }
            }
        } catch (IOException e) {
            LOG.debug("could not answer {}", status, e);
        } finally {
            ex.close();
        }
    }

    private record Reply(int status, String body) {
        static final Reply ACCEPTED = new Reply(202, "");
    }

    // ------------------------------------------------------------------ calls (loop thread)

    private Reply subscribe(Call call, HttpExchange ex, boolean json) throws IOException {
        FrameworkInfo info = call.getSubscribe().getFrameworkInfo();
        if (info.getName().isEmpty() && !info.hasName()) {
            return new Reply(400, "Invalid FrameworkInfo: 'name' is required");
        }
        if (call.hasFrameworkId() && info.hasId() && !call.getFrameworkId().equals(info.getId())) {
            return new Reply(400, "'framework_id' differs from 'subscribe.framework_info.id'");
        }
        String requestedId = info.hasId() ? info.getId().getValue() : null;
        if (framework == null || requestedId == null || !requestedId.equals(framework.id)) {
            if (framework != null && framework.stream != null) {
                disconnect(framework.stream);
            }
            String id = requestedId != null ? requestedId : masterId + "-" + UUID.randomUUID() + "-0000";
            if (framework != null && !framework.id.equals(id)) {
                LOG.info("framework {} replaced by {}; the simulator hosts one framework", framework.id, id);
                tasks.clear();
                agents.values().forEach(a -> a.used = SimResources.EMPTY);
            }
            framework = new Framework(id);
        } else if (framework.stream != null) {
            // The same framework subscribes again on a new connection: the old one is closed.
            Stream old = framework.stream;
            old.send(errorEvent("Framework failed over"));
            disconnect(old);
        }
        Framework f = framework;
        f.info = info.toBuilder().setId(FrameworkID.newBuilder().setValue(f.id)).build();
        f.roles = new ArrayList<>(info.getRolesList());
        if (f.roles.isEmpty()) {
            f.roles.add(info.hasRole() ? info.getRole() : "*");
        }
        f.suppressed = new HashSet<>(call.getSubscribe().getSuppressedRolesList());
        f.partitionAware = info.getCapabilitiesList().stream()
                .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.PARTITION_AWARE);
        Stream s = new Stream(UUID.randomUUID().toString(), ex, json);
        ex.getResponseHeaders().add("Content-Type", json ? JSON : PROTOBUF);
        ex.getResponseHeaders().add(STREAM_ID_HEADER, s.id);
        ex.getResponseHeaders().add("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        f.stream = s;
        subscriptions.incrementAndGet();
        s.send(Event.newBuilder()
                .setType(Event.Type.SUBSCRIBED)
                .setSubscribed(Event.Subscribed.newBuilder()
                        .setFrameworkId(FrameworkID.newBuilder().setValue(f.id))
                        .setHeartbeatIntervalSeconds(cfg.heartbeatInterval.toMillis() / 1000.0))
                .build());
        LOG.info(
                "framework {} ({}) subscribed on stream {} ({})",
                f.id,
                info.getName(),
                s.id,
                json ? "json" : "protobuf");
        // Pending status updates are sent again on the new stream.
        tasks.values().forEach(t -> t.headSentNanos = 0);
        retryUpdates();
        return null;
    }

    private Reply handleCall(Call call, String streamId) {
        if (!call.hasFrameworkId()) {
            return new Reply(400, "Expecting 'framework_id' to be present");
        }
        Framework f = framework;
        if (f == null || !f.id.equals(call.getFrameworkId().getValue())) {
            return new Reply(403, "Framework cannot be found");
        }
        if (f.stream == null) {
            return new Reply(403, "Framework is not subscribed");
        }
        if (streamId == null) {
            return new Reply(400, "All non-subscribe calls should include the 'Mesos-Stream-Id' header");
        }
        if (!streamId.equals(f.stream.id)) {
            return new Reply(
                    400,
                    "The stream ID '"
                            + streamId
                            + "' included in this request didn't match"
                            + " the stream ID currently associated with framework ID "
                            + f.id);
        }
        switch (call.getType()) {
            case ACCEPT -> {
                if (!call.hasAccept()) {
                    return new Reply(400, "Expecting 'accept' to be present");
                }
                accept(call.getAccept());
            }
            case DECLINE -> {
                if (!call.hasDecline()) {
                    return new Reply(400, "Expecting 'decline' to be present");
                }
                double refuse = call.getDecline().hasFilters()
                        ? call.getDecline().getFilters().getRefuseSeconds()
                        : DEFAULT_REFUSE_SECONDS;
                call.getDecline().getOfferIdsList().forEach(id -> recoverOffer(id.getValue(), refuse));
            }
            case REVIVE -> {
                List<String> roles = call.hasRevive() ? call.getRevive().getRolesList() : List.of();
                if (roles.isEmpty()) {
                    f.suppressed.clear();
                } else {
                    f.suppressed.removeAll(roles);
                }
                f.filterUntilNanos.clear();
            }
            case SUPPRESS -> {
                List<String> roles = call.hasSuppress() ? call.getSuppress().getRolesList() : List.of();
                f.suppressed.addAll(roles.isEmpty() ? f.roles : roles);
            }
            case KILL -> {
                if (!call.hasKill()) {
                    return new Reply(400, "Expecting 'kill' to be present");
                }
                kill(call.getKill());
            }
            case ACKNOWLEDGE -> {
                if (!call.hasAcknowledge()) {
                    return new Reply(400, "Expecting 'acknowledge' to be present");
                }
                acknowledge(call.getAcknowledge());
            }
            case RECONCILE ->
                reconcile(call.hasReconcile() ? call.getReconcile().getTasksList() : List.of());
            case TEARDOWN -> {
                tasks.values().stream()
                        .filter(t -> !t.terminal())
                        .forEach(t -> transition(
                                t,
                                TaskState.TASK_KILLED,
                                TaskStatus.Reason.REASON_FRAMEWORK_REMOVED,
                                TaskStatus.Source.SOURCE_MASTER,
                                "teardown",
                                false));
                disconnect(f.stream);
                framework = null;
            }
            case MESSAGE, REQUEST, SHUTDOWN -> LOG.debug("ignoring {}", call.getType());
            default -> {
                return new Reply(400, "Unsupported call type " + call.getType());
            }
        }
        return Reply.ACCEPTED;
    }

    private void accept(Call.Accept accept) {
        Framework f = framework;
        List<TaskInfo> taskInfos = new ArrayList<>();
        List<List<TaskInfo>> groups = new ArrayList<>();
        Map<TaskID, ExecutorInfo> executors = new HashMap<>();
        for (Offer.Operation op : accept.getOperationsList()) {
            switch (op.getType()) {
                case LAUNCH -> taskInfos.addAll(op.getLaunch().getTaskInfosList());
                case LAUNCH_GROUP -> {
                    List<TaskInfo> group = new ArrayList<>();
                    for (TaskInfo t : op.getLaunchGroup().getTaskGroup().getTasksList()) {
                        executors.put(t.getTaskId(), op.getLaunchGroup().getExecutor());
                        group.add(t);
                    }
                    groups.add(group);
                }
                default -> LOG.info("ignoring operation {} (not simulated)", op.getType());
            }
        }
        // Every offer must be outstanding and on one agent; otherwise no task is launched at all.
        String invalid = null;
        String agentId = null;
        SimResources available = SimResources.EMPTY;
        for (OfferID id : accept.getOfferIdsList()) {
            OfferRec o = f.offers.get(id.getValue());
            if (o == null) {
                invalid = "Offer " + id.getValue() + " is no longer valid";
                break;
            }
            if (agentId != null && !agentId.equals(o.agentId)) {
                invalid = "Aggregated offers must belong to one single agent";
                break;
            }
            agentId = o.agentId;
            available = available.plus(o.resources);
        }
        if (accept.getOfferIdsCount() == 0) {
            invalid = "No offers specified";
        }
        double refuse = accept.hasFilters() ? accept.getFilters().getRefuseSeconds() : DEFAULT_REFUSE_SECONDS;
        if (invalid != null) {
            for (OfferID id : accept.getOfferIdsList()) {
                if (f.offers.containsKey(id.getValue())) {
                    recoverOffer(id.getValue(), 0);
                }
            }
            List<TaskInfo> all = new ArrayList<>(taskInfos);
            groups.forEach(all::addAll);
            TaskState state = f.partitionAware ? TaskState.TASK_DROPPED : TaskState.TASK_LOST;
            for (TaskInfo t : all) {
                send(updateEvent(masterStatus(
                        t.getTaskId(),
                        t.getAgentId().getValue(),
                        state,
                        TaskStatus.Reason.REASON_INVALID_OFFERS,
                        "Task launched with invalid offers: " + invalid)));
            }
            return;
        }
        accept.getOfferIdsList().forEach(id -> f.offers.remove(id.getValue()));
        AgentState agent = agents.get(agentId);
        SimResources left = available;
        for (TaskInfo t : taskInfos) {
            left = launchAll(agent, List.of(t), executors, left);
        }
        for (List<TaskInfo> group : groups) {
            left = launchAll(agent, group, executors, left);
        }
        // Resources of the offers that no task used go back to the agent, under the accept's filter.
        if (refuse > 0) {
            f.filterUntilNanos.put(agentId, System.nanoTime() + (long) (refuse * 1e9));
        }
    }

    /** Launches the tasks atomically (a LAUNCH_GROUP is all or nothing); returns what is left. */
    private SimResources launchAll(
            AgentState agent, List<TaskInfo> group, Map<TaskID, ExecutorInfo> groupExecutors, SimResources available) {
        String error = null;
        SimResources need = SimResources.EMPTY;
        Set<String> seen = new HashSet<>();
        for (TaskInfo t : group) {
            String id = t.getTaskId().getValue();
            TaskRec existing = tasks.get(id);
            if (existing != null && !existing.terminal() || !seen.add(id)) {
                error = "Task " + id + " has duplicate ID";
            } else if (!t.getAgentId().getValue().equals(agent.agent.id())) {
                error = "Task uses agent " + t.getAgentId().getValue() + " but its offer is for " + agent.agent.id();
            }
            need = need.plus(SimResources.fromProto(t.getResourcesList()));
            ExecutorInfo exec = t.hasExecutor() ? t.getExecutor() : groupExecutors.get(t.getTaskId());
            if (exec != null && !agent.executors.contains(exec.getExecutorId().getValue())) {
                need = need.plus(SimResources.fromProto(exec.getResourcesList()));
            }
        }
        if (error == null && !available.contains(need)) {
            error = "Task uses more resources " + need + " than available " + available;
        }
        for (TaskInfo t : group) {
            if (error != null) {
                TaskStatus.Reason reason = group.size() > 1
                        ? TaskStatus.Reason.REASON_TASK_GROUP_INVALID
                        : TaskStatus.Reason.REASON_TASK_INVALID;
                send(updateEvent(masterStatus(t.getTaskId(), agent.agent.id(), TaskState.TASK_ERROR, reason, error)));
                continue;
            }
            ExecutorInfo exec = t.hasExecutor() ? t.getExecutor() : groupExecutors.get(t.getTaskId());
            TaskRec rec = new TaskRec(
                    t,
                    agent.agent.id(),
                    exec == null ? null : exec.getExecutorId().getValue(),
                    SimResources.fromProto(t.getResourcesList()));
            tasks.put(rec.taskId(), rec);
            launched.incrementAndGet();
            if (exec != null) {
                agent.executors.add(exec.getExecutorId().getValue());
            }
            rec.state = TaskState.TASK_STAGING;
            if (cfg.emitStagingUpdate) {
                enqueue(rec, TaskState.TASK_STAGING, null, TaskStatus.Source.SOURCE_AGENT, null);
            }
            schedule(cfg.startingAfter, () -> {
                if (rec.state == TaskState.TASK_STAGING) {
                    transition(rec, TaskState.TASK_STARTING, null, TaskStatus.Source.SOURCE_EXECUTOR, null, true);
                }
            });
            schedule(cfg.runningAfter, () -> {
                if (rec.state == TaskState.TASK_STAGING || rec.state == TaskState.TASK_STARTING) {
                    transition(rec, TaskState.TASK_RUNNING, null, TaskStatus.Source.SOURCE_EXECUTOR, null, true);
                    maybeInjectFault(rec);
                }
            });
        }
        if (error != null) {
            return available;
        }
        agent.used = agent.used.plus(need);
        return available.minus(need);
    }

    private void maybeInjectFault(TaskRec rec) {
        double r = random.nextDouble();
        double acc = 0;
        for (Map.Entry<TaskState, Double> e : cfg.faultRates.entrySet()) {
            acc += e.getValue();
            if (r < acc) {
                TaskState state = e.getKey();
                TaskStatus.Reason reason = switch (state) {
                    case TASK_FAILED -> TaskStatus.Reason.REASON_COMMAND_EXECUTOR_FAILED;
                    case TASK_LOST -> TaskStatus.Reason.REASON_EXECUTOR_TERMINATED;
                    case TASK_ERROR -> TaskStatus.Reason.REASON_TASK_INVALID;
                    default -> null;
                };
                schedule(cfg.faultAfter, () -> {
                    if (!rec.terminal()) {
                        transition(
                                rec,
                                state,
                                reason,
                                TaskStatus.Source.SOURCE_EXECUTOR,
                                "fault injected by the simulator",
                                true);
                    }
                });
                return;
            }
        }
    }

    private void kill(Call.Kill kill) {
        TaskRec t = tasks.get(kill.getTaskId().getValue());
        if (t == null || t.terminal()) {
            String agent = kill.hasAgentId() ? kill.getAgentId().getValue() : null;
            TaskState state = framework.partitionAware ? TaskState.TASK_UNKNOWN : TaskState.TASK_LOST;
            send(updateEvent(masterStatus(
                    kill.getTaskId(),
                    agent,
                    state,
                    TaskStatus.Reason.REASON_RECONCILIATION,
                    "Attempted to kill an unknown task")));
            return;
        }
        transition(t, TaskState.TASK_KILLED, null, TaskStatus.Source.SOURCE_EXECUTOR, "killed by the framework", true);
    }

    private void acknowledge(Call.Acknowledge ack) {
        TaskRec t = tasks.get(ack.getTaskId().getValue());
        if (t == null || t.pending.isEmpty()) {
            return;
        }
        if (t.pending.peekFirst().getUuid().equals(ack.getUuid())) {
            t.pending.removeFirst();
            t.headSentNanos = 0;
            sendHead(t);
        }
    }

    private void reconcile(List<Call.Reconcile.Task> wanted) {
        if (wanted.isEmpty()) {
            for (TaskRec t : tasks.values()) {
                if (!t.terminal() || !t.pending.isEmpty()) {
                    send(updateEvent(t.reconciliationStatus()));
                }
            }
            return;
        }
        for (Call.Reconcile.Task w : wanted) {
            TaskRec t = tasks.get(w.getTaskId().getValue());
            if (t != null && (!t.terminal() || !t.pending.isEmpty())) {
                send(updateEvent(t.reconciliationStatus()));
            } else {
                TaskState state = framework.partitionAware ? TaskState.TASK_UNKNOWN : TaskState.TASK_LOST;
                send(updateEvent(masterStatus(
                        w.getTaskId(),
                        w.hasAgentId() ? w.getAgentId().getValue() : null,
                        state,
                        TaskStatus.Reason.REASON_RECONCILIATION,
                        "Reconciliation: Task is unknown")));
            }
        }
    }

    // ------------------------------------------------------------------ offers (loop thread)

    private void allocate() {
        Framework f = framework;
        if (f == null || f.stream == null) {
            return;
        }
        long now = System.nanoTime();
        List<Offer> batch = new ArrayList<>();
        for (AgentState a : agents.values()) {
            if (a.removed || f.offers.values().stream().anyMatch(o -> o.agentId.equals(a.agent.id()))) {
                continue;
            }
            Long until = f.filterUntilNanos.get(a.agent.id());
            if (until != null && until - now > 0) {
                continue;
            }
            f.filterUntilNanos.remove(a.agent.id());
            String role = f.roles.stream()
                    .filter(r -> !f.suppressed.contains(r))
                    .filter(r ->
                            a.agent.roles().contains("*") || a.agent.roles().contains(r))
                    .findFirst()
                    .orElse(null);
            if (role == null) {
                continue;
            }
            SimResources free = SimResources.of(a.agent).minus(a.used);
            if (free.cpus() <= 0 && free.mem() <= 0) {
                continue;
            }
            String resourceRole = a.agent.roles().contains("*") ? "*" : role;
            String offerId = masterId + "-O" + offerSeq.incrementAndGet();
            Offer.Builder offer = Offer.newBuilder()
                    .setId(OfferID.newBuilder().setValue(offerId))
                    .setFrameworkId(FrameworkID.newBuilder().setValue(f.id))
                    .setAgentId(AgentID.newBuilder().setValue(a.agent.id()))
                    .setHostname(a.agent.hostname())
                    .setUrl(org.apache.mesos.v1.Protos.URL
                            .newBuilder()
                            .setScheme("http")
                            .setAddress(org.apache.mesos.v1.Protos.Address.newBuilder()
                                    .setHostname(a.agent.hostname())
                                    .setIp(a.ip)
                                    .setPort(5051))
                            .setPath("/slave(1)"))
                    .setAllocationInfo(org.apache.mesos.v1.Protos.Resource.AllocationInfo.newBuilder()
                            .setRole(role))
                    .addAllResources(free.toProto(resourceRole, role));
            a.agent.attributes().forEach((k, v) -> offer.addAttributes(attribute(k, v)));
            a.executors.stream()
                    .sorted()
                    .forEach(e -> offer.addExecutorIds(ExecutorID.newBuilder().setValue(e)));
            f.offers.put(offerId, new OfferRec(offerId, a.agent.id(), free));
            batch.add(offer.build());
        }
        if (!batch.isEmpty()) {
            send(Event.newBuilder()
                    .setType(Event.Type.OFFERS)
                    .setOffers(Event.Offers.newBuilder().addAllOffers(batch))
                    .build());
        }
    }

    private static Attribute attribute(String name, String value) {
        Attribute.Builder b = Attribute.newBuilder().setName(name);
        try {
            double d = Double.parseDouble(value);
            return b.setType(Value.Type.SCALAR)
                    .setScalar(Value.Scalar.newBuilder().setValue(d))
                    .build();
        } catch (NumberFormatException e) {
            return b.setType(Value.Type.TEXT)
                    .setText(Value.Text.newBuilder().setValue(value))
                    .build();
        }
    }

    private void recoverOffer(String offerId, double refuseSeconds) {
        OfferRec o = framework.offers.remove(offerId);
        if (o != null && refuseSeconds > 0) {
            framework.filterUntilNanos.put(o.agentId, System.nanoTime() + (long) (refuseSeconds * 1e9));
        }
    }

    private void rescind(String offerId) {
        if (framework.offers.remove(offerId) != null) {
            send(Event.newBuilder()
                    .setType(Event.Type.RESCIND)
                    .setRescind(Event.Rescind.newBuilder()
                            .setOfferId(OfferID.newBuilder().setValue(offerId)))
                    .build());
        }
    }

    // ------------------------------------------------------------------ status updates (loop thread)

    /**
     * Moves the task to {@code state}. With {@code reliable}, the update carries a uuid and is
     * retried until acknowledged (agent/executor-generated); otherwise it is a master-generated
     * update without uuid, sent once.
     */
    private void transition(
            TaskRec t,
            TaskState state,
            TaskStatus.Reason reason,
            TaskStatus.Source source,
            String message,
            boolean reliable) {
        t.state = state;
        t.reason = reason;
        if (t.terminal()) {
            AgentState a = agents.get(t.agentId);
            a.used = a.used.minus(t.resources);
        }
        if (reliable) {
            enqueue(t, state, reason, source, message);
        } else {
            send(updateEvent(t.status(state, reason, source, message, null)));
        }
    }

    private void enqueue(
            TaskRec t, TaskState state, TaskStatus.Reason reason, TaskStatus.Source source, String message) {
        byte[] uuid = new byte[16];
        random.nextBytes(uuid);
        t.pending.addLast(t.status(state, reason, source, message, ByteString.copyFrom(uuid)));
        if (t.pending.size() == 1) {
            sendHead(t);
        }
    }

    private void sendHead(TaskRec t) {
        TaskStatus head = t.pending.peekFirst();
        if (head == null || framework == null || framework.stream == null || framework.stream.stalled) {
            return;
        }
        t.headSentNanos = System.nanoTime();
        send(updateEvent(head));
    }

    private void retryUpdates() {
        long now = System.nanoTime();
        long retry = cfg.statusUpdateRetryInterval.toNanos();
        for (TaskRec t : tasks.values()) {
            if (!t.pending.isEmpty() && (t.headSentNanos == 0 || now - t.headSentNanos >= retry)) {
                sendHead(t);
            }
        }
    }

    private TaskStatus masterStatus(
            TaskID taskId, String agentId, TaskState state, TaskStatus.Reason reason, String message) {
        TaskStatus.Builder b = TaskStatus.newBuilder()
                .setTaskId(taskId)
                .setState(mapState(state))
                .setSource(TaskStatus.Source.SOURCE_MASTER)
                .setTimestamp(System.currentTimeMillis() / 1000.0);
        if (agentId != null && !agentId.isEmpty()) {
            b.setAgentId(AgentID.newBuilder().setValue(agentId));
        }
        if (reason != null) {
            b.setReason(reason);
        }
        if (message != null) {
            b.setMessage(message);
        }
        return b.build();
    }

    /** A framework that is not PARTITION_AWARE sees TASK_LOST in place of the newer states. */
    private TaskState mapState(TaskState s) {
        if (framework != null && framework.partitionAware) {
            return s;
        }
        return switch (s) {
            case TASK_DROPPED, TASK_UNREACHABLE, TASK_GONE, TASK_GONE_BY_OPERATOR, TASK_UNKNOWN -> TaskState.TASK_LOST;
            default -> s;
        };
    }

    private static Event updateEvent(TaskStatus status) {
        return Event.newBuilder()
                .setType(Event.Type.UPDATE)
                .setUpdate(Event.Update.newBuilder().setStatus(status))
                .build();
    }

    private static Event errorEvent(String message) {
        return Event.newBuilder()
                .setType(Event.Type.ERROR)
                .setError(Event.Error.newBuilder().setMessage(message))
                .build();
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

    // ------------------------------------------------------------------ stream plumbing (loop
    // thread)

    private void heartbeat() {
        send(Event.newBuilder().setType(Event.Type.HEARTBEAT).build());
    }

    private void send(Event e) {
        if (framework != null && framework.stream != null) {
            framework.stream.send(e);
        }
    }

    private void disconnect(Stream s) {
        s.close();
        if (framework != null && framework.stream == s) {
            framework.stream = null;
            // A disconnected framework is deactivated: its outstanding offers are recovered.
            framework.offers.clear();
            LOG.info("framework {} disconnected", framework.id);
        }
    }

    static byte[] frame(byte[] record) {
        byte[] len = (record.length + "\n").getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(len.length + record.length)
                .put(len)
                .put(record)
                .array();
    }

    private final class Stream {
        final String id;
        final HttpExchange exchange;
        final boolean json;
        boolean stalled;
        boolean closed;

        Stream(String id, HttpExchange exchange, boolean json) {
            this.id = id;
            this.exchange = exchange;
            this.json = json;
        }

        void send(Event e) {
            if (stalled || closed) {
                return;
            }
            byte[] record;
            try {
                record = json ? PRINTER.print(e).getBytes(StandardCharsets.UTF_8) : e.toByteArray();
            } catch (InvalidProtocolBufferException ex) {
                throw new IllegalStateException(ex);
            }
            writeRaw(frame(record));
        }

        void writeRaw(byte[] bytes) {
            if (closed) {
                return;
            }
            try {
                OutputStream out = exchange.getResponseBody();
                out.write(bytes);
                out.flush();
            } catch (IOException ex) {
                LOG.info("subscription stream {} broke: {}", id, ex.toString());
                disconnect(this);
            }
        }

        void close() {
            if (!closed) {
                closed = true;
                exchange.close();
            }
        }
    }

    // ------------------------------------------------------------------ state records

    private static final class Framework {
        final String id;
        FrameworkInfo info;
        List<String> roles = new ArrayList<>();
        Set<String> suppressed = new HashSet<>();
        boolean partitionAware;
        Stream stream;
        final Map<String, Long> filterUntilNanos = new HashMap<>();
        final Map<String, OfferRec> offers = new LinkedHashMap<>();

        Framework(String id) {
            this.id = id;
        }
    }

    private record OfferRec(String offerId, String agentId, SimResources resources) {}

    private static final class AgentState {
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

    private static final class TaskRec {
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
            return isTerminal(state);
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

    private <T> T onLoop(Callable<T> work) {
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

    private void schedule(Duration after, Runnable r) {
        loop.schedule(guard(r), after.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Runnable guard(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.warn("simulator step failed", e);
            }
        };
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    // ------------------------------------------------------------------ configuration

    /** Configuration of a simulator; every duration is small-able for tests. */
    public static final class Builder {
        private int port;
        private final List<SimulatedAgent> agents = new ArrayList<>();
        private Duration allocationInterval = Duration.ofSeconds(1);
        private Duration heartbeatInterval = Duration.ofSeconds(15);
        private Duration statusUpdateRetryInterval = Duration.ofSeconds(10);
        private Duration startingAfter = Duration.ofMillis(100);
        private Duration runningAfter = Duration.ofMillis(200);
        private Duration faultAfter = Duration.ofMillis(200);
        private boolean emitStagingUpdate = true;
        private final Map<TaskState, Double> faultRates = new EnumMap<>(TaskState.class);
        private long seed = 42;
        private String redirectTo;
        private String principal;
        private String secret;

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

        /**
         * {@code n} agents {@code agent-1..n} on hosts {@code host-1..n}, 4 cpus, 8 GiB, two port
         * ranges.
         */
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

        /**
         * Whether a TASK_STAGING update is sent at launch (a real master usually does not send one).
         */
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
