package io.k8sm.offeringest.mesos;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.k8sm.offeringest.mesos.MesosClientConfig.Encoding;
import io.k8sm.offeringest.mesos.RecordIoDecoder.RecordIoException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.ExecutorInfo;
import org.apache.mesos.v1.Protos.Filters;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskGroupInfo;
import org.apache.mesos.v1.Protos.TaskID;
import org.apache.mesos.v1.Protos.TaskInfo;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Mesos v1 scheduler HTTP API client: subscribes, decodes the RecordIO event stream into typed
 * events for a {@link MesosEventListener}, keeps the subscription alive (heartbeat watchdog, 307
 * redirects, master rotation, exponential backoff, failover with the stored framework id) and sends
 * calls with the {@code Mesos-Stream-Id} of the current subscription.
 *
 * <p>Thread-safe. Listener methods run on the client's HTTP threads, one at a time, in stream
 * order. Calls block until the master answers (202) and throw {@link MesosCallException} otherwise.
 */
public final class MesosSchedulerClient implements AutoCloseable {

    public static final String STREAM_ID_HEADER = "Mesos-Stream-Id";
    private static final Logger LOG = LoggerFactory.getLogger(MesosSchedulerClient.class);
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    /** Used when SUBSCRIBED announces no interval (Mesos' default is 15 s). */
    private static final double DEFAULT_HEARTBEAT_SECONDS = 15;

    private final MesosClientConfig cfg;
    private final MesosEventListener listener;
    private final ExecutorService httpPool;
    private final ScheduledExecutorService timer;
    private final HttpClient http;
    private final Object lock = new Object();

    // guarded by lock
    private long generation;
    private Connection conn;
    private FrameworkID frameworkId;
    private int masterIndex;
    private int failedAttempts;
    private boolean started;
    private boolean closed;
    private boolean stoppedByError;
    private ScheduledFuture<?> pendingReconnect;
    private String lastFailure;

    public MesosSchedulerClient(MesosClientConfig cfg, MesosEventListener listener) {
        this.cfg = cfg;
        this.listener = listener;
        this.httpPool = Executors.newCachedThreadPool(r -> daemon(r, "mesos-client-http"));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "mesos-client-timer"));
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(cfg.connectTimeout())
                .executor(httpPool);
        cfg.sslContext().ifPresent(b::sslContext);
        this.http = b.build();
        if (cfg.frameworkInfo().hasId()) {
            frameworkId = cfg.frameworkInfo().getId();
        }
    }

    // ------------------------------------------------------------------ lifecycle and state

    /** Starts subscribing (asynchronously); events and reconnects follow until {@link #close()}. */
    public void start() {
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("client is closed");
            }
            if (started && !stoppedByError) {
                return;
            }
            started = true;
            stoppedByError = false;
            failedAttempts = 0;
        }
        attempt();
    }

    @Override
    public void close() {
        Connection c;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            c = conn;
            if (pendingReconnect != null) {
                pendingReconnect.cancel(false);
            }
        }
        if (c != null) {
            lost(c, "client closed", false);
        }
        timer.shutdownNow();
        httpPool.shutdownNow();
    }

    public boolean isSubscribed() {
        synchronized (lock) {
            return conn != null && conn.subscribed;
        }
    }

    /** The framework id assigned by the master (kept across reconnects for failover). */
    public Optional<FrameworkID> frameworkId() {
        synchronized (lock) {
            return Optional.ofNullable(frameworkId);
        }
    }

    /** The {@code Mesos-Stream-Id} of the current subscription. */
    public Optional<String> streamId() {
        synchronized (lock) {
            return Optional.ofNullable(conn).map(c -> c.streamId);
        }
    }

    /** The master holding the current subscription (after redirects). */
    public Optional<URI> currentMaster() {
        synchronized (lock) {
            return Optional.ofNullable(conn).map(c -> c.uri);
        }
    }

    /** Why the last subscription attempt failed, if it did. */
    public Optional<String> lastFailure() {
        synchronized (lock) {
            return Optional.ofNullable(lastFailure);
        }
    }

    // ------------------------------------------------------------------ calls

    public void accept(List<OfferID> offerIds, List<Offer.Operation> operations, Filters filters) {
        Call.Accept.Builder a =
                Call.Accept.newBuilder().addAllOfferIds(offerIds).addAllOperations(operations);
        if (filters != null) {
            a.setFilters(filters);
        }
        call(Call.newBuilder().setType(Call.Type.ACCEPT).setAccept(a).build());
    }

    /** ACCEPT with one LAUNCH operation. */
    public void launch(OfferID offerId, List<TaskInfo> tasks, Filters filters) {
        accept(
                List.of(offerId),
                List.of(Offer.Operation.newBuilder()
                        .setType(Offer.Operation.Type.LAUNCH)
                        .setLaunch(Offer.Operation.Launch.newBuilder().addAllTaskInfos(tasks))
                        .build()),
                filters);
    }

    /** ACCEPT with one LAUNCH_GROUP operation. */
    public void launchGroup(OfferID offerId, ExecutorInfo executor, TaskGroupInfo group, Filters filters) {
        accept(
                List.of(offerId),
                List.of(Offer.Operation.newBuilder()
                        .setType(Offer.Operation.Type.LAUNCH_GROUP)
                        .setLaunchGroup(Offer.Operation.LaunchGroup.newBuilder()
                                .setExecutor(executor)
                                .setTaskGroup(group))
                        .build()),
                filters);
    }

    /** DECLINE; {@code filters} null means Mesos' default (refuse 5 s). */
    public void decline(List<OfferID> offerIds, Filters filters) {
        Call.Decline.Builder d = Call.Decline.newBuilder().addAllOfferIds(offerIds);
        if (filters != null) {
            d.setFilters(filters);
        }
        call(Call.newBuilder().setType(Call.Type.DECLINE).setDecline(d).build());
    }

    public void kill(TaskID taskId, AgentID agentId) {
        Call.Kill.Builder k = Call.Kill.newBuilder().setTaskId(taskId);
        if (agentId != null) {
            k.setAgentId(agentId);
        }
        call(Call.newBuilder().setType(Call.Type.KILL).setKill(k).build());
    }

    /**
     * Explicit reconciliation of these tasks; an empty list is implicit reconciliation (all tasks).
     */
    public void reconcile(List<Call.Reconcile.Task> tasks) {
        call(Call.newBuilder()
                .setType(Call.Type.RECONCILE)
                .setReconcile(Call.Reconcile.newBuilder().addAllTasks(tasks))
                .build());
    }

    public void reconcileImplicit() {
        reconcile(List.of());
    }

    /** REVIVE the given roles (none: all of the framework's roles); also clears offer filters. */
    public void revive(String... roles) {
        call(Call.newBuilder()
                .setType(Call.Type.REVIVE)
                .setRevive(Call.Revive.newBuilder().addAllRoles(List.of(roles)))
                .build());
    }

    /** SUPPRESS offers for the given roles (none: all of the framework's roles). */
    public void suppress(String... roles) {
        call(Call.newBuilder()
                .setType(Call.Type.SUPPRESS)
                .setSuppress(Call.Suppress.newBuilder().addAllRoles(List.of(roles)))
                .build());
    }

    public void acknowledge(AgentID agentId, TaskID taskId, ByteString uuid) {
        call(Call.newBuilder()
                .setType(Call.Type.ACKNOWLEDGE)
                .setAcknowledge(Call.Acknowledge.newBuilder()
                        .setAgentId(agentId)
                        .setTaskId(taskId)
                        .setUuid(uuid))
                .build());
    }

    /**
     * Acknowledges a status update; returns false (and sends nothing) for an update without uuid,
     * which must not be acknowledged.
     */
    public boolean acknowledge(TaskStatus status) {
        if (!status.hasUuid() || status.getUuid().isEmpty()) {
            return false;
        }
        acknowledge(status.getAgentId(), status.getTaskId(), status.getUuid());
        return true;
    }

    /**
     * Sends any call (its framework id is filled in) to the master holding the subscription, with the
     * subscription's stream id, following 307 redirects.
     *
     * @throws NotSubscribedException without a subscription
     * @throws MesosCallException on a 4xx/5xx answer or a transport failure
     */
    public void call(Call call) {
        Connection c;
        FrameworkID fid;
        synchronized (lock) {
            c = conn;
            fid = frameworkId;
            if (c == null || !c.subscribed || closed) {
                throw new NotSubscribedException(call.getType());
            }
        }
        Call full = call.hasFrameworkId()
                ? call
                : call.toBuilder().setFrameworkId(fid).build();
        URI uri = c.uri;
        for (int redirects = 0; ; redirects++) {
            HttpRequest req = request(uri, full)
                    .header(STREAM_ID_HEADER, c.streamId)
                    .timeout(cfg.requestTimeout())
                    .build();
            HttpResponse<String> resp;
            try {
                resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new MesosCallException(call.getType(), -1, uri + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new MesosCallException(call.getType(), -1, "interrupted", e);
            }
            int s = resp.statusCode();
            if (s == 202 || s == 200) {
                return;
            }
            Optional<String> location = resp.headers().firstValue("Location");
            if (s == 307 && location.isPresent() && redirects < cfg.maxRedirects()) {
                uri = resolveLocation(uri, location.get());
                continue;
            }
            LOG.warn("{} call refused by {}: HTTP {} {}", call.getType(), uri, s, resp.body());
            throw new MesosCallException(call.getType(), s, resp.body(), null);
        }
    }

    // ------------------------------------------------------------------ subscription

    private void attempt() {
        long gen;
        URI target;
        synchronized (lock) {
            if (closed || stoppedByError) {
                return;
            }
            pendingReconnect = null;
            gen = ++generation;
            target = cfg.masters().get(Math.floorMod(masterIndex, cfg.masters().size()));
        }
        subscribeTo(target, gen, 0);
    }

    private Call subscribeCall() {
        FrameworkID fid;
        synchronized (lock) {
            fid = frameworkId;
        }
        var info = cfg.frameworkInfo().toBuilder();
        if (!info.hasPrincipal()) {
            cfg.credentials().ifPresent(cr -> info.setPrincipal(cr.principal()));
        }
        Call.Builder b = Call.newBuilder().setType(Call.Type.SUBSCRIBE);
        if (fid != null) {
            info.setId(fid);
            b.setFrameworkId(fid);
        }
        return b.setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info))
                .build();
    }

    private void subscribeTo(URI uri, long gen, int redirects) {
        LOG.info("subscribing to {} (attempt generation {})", uri, gen);
        HttpRequest req;
        try {
            req = request(uri, subscribeCall()).timeout(cfg.requestTimeout()).build();
        } catch (RuntimeException e) {
            attemptFailed(gen, "cannot build SUBSCRIBE for " + uri + ": " + e, true);
            return;
        }
        // The request timeout bounds the wait for the response headers only; the body streams on.
        http.sendAsync(req, HttpResponse.BodyHandlers.ofPublisher())
                .whenComplete((resp, err) -> onSubscribeResponse(uri, gen, redirects, resp, err));
    }

    private void onSubscribeResponse(
            URI uri, long gen, int redirects, HttpResponse<Flow.Publisher<List<ByteBuffer>>> resp, Throwable err) {
        if (err != null) {
            attemptFailed(gen, "cannot subscribe to " + uri + ": " + err, true);
            return;
        }
        int status = resp.statusCode();
        if (isStale(gen) || status != 200) {
            CompletableFuture<byte[]> body = collect(resp.body());
            if (isStale(gen)) {
                return;
            }
            if (status == 307) {
                Optional<String> location = resp.headers().firstValue("Location");
                if (location.isEmpty() || redirects >= cfg.maxRedirects()) {
                    attemptFailed(
                            gen,
                            "SUBSCRIBE to "
                                    + uri
                                    + " redirected without a usable Location ("
                                    + redirects
                                    + " redirects)",
                            true);
                    return;
                }
                URI next = resolveLocation(uri, location.get());
                LOG.info("{} is not the leading master; redirected to {}", uri, next);
                subscribeTo(next, gen, redirects + 1);
                return;
            }
            body.whenComplete((bytes, e2) -> attemptFailed(
                    gen,
                    "SUBSCRIBE to "
                            + uri
                            + " answered HTTP "
                            + status
                            + ": "
                            + (bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8)),
                    status >= 500));
            return;
        }
        String contentType =
                resp.headers().firstValue("Content-Type").orElse(cfg.encoding().mediaType());
        boolean json = contentType.startsWith(Encoding.JSON.mediaType());
        String streamId = resp.headers().firstValue(STREAM_ID_HEADER).orElse(null);
        if (streamId == null) {
            LOG.warn("{} answered SUBSCRIBE without a {} header; calls will be refused", uri, STREAM_ID_HEADER);
        }
        Connection c = new Connection(uri, gen, streamId, json);
        synchronized (lock) {
            if (gen != generation || closed) {
                collect(resp.body());
                return;
            }
            conn = c;
            // The first event (SUBSCRIBED or ERROR) must come within the request timeout.
            timer.schedule(
                    () -> {
                        if (!c.subscribed) {
                            lost(
                                    c,
                                    "no SUBSCRIBED event within "
                                            + cfg.requestTimeout().toMillis() + " ms",
                                    true);
                        }
                    },
                    cfg.requestTimeout().toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        resp.body().subscribe(new StreamSubscriber(c));
    }

    private boolean isStale(long gen) {
        synchronized (lock) {
            return gen != generation || closed;
        }
    }

    private void attemptFailed(long gen, String reason, boolean rotate) {
        synchronized (lock) {
            if (gen != generation || closed) {
                return;
            }
            lastFailure = reason;
            if (rotate) {
                masterIndex++;
            }
            LOG.warn("{}", reason);
            scheduleReconnect();
        }
    }

    /** Must hold lock. */
    private void scheduleReconnect() {
        if (closed || stoppedByError || pendingReconnect != null) {
            return;
        }
        long delay = backoffMillis(failedAttempts++);
        LOG.info("reconnecting in {} ms", delay);
        pendingReconnect = timer.schedule(this::attempt, delay, TimeUnit.MILLISECONDS);
    }

    long backoffMillis(int attempt) {
        long initial = Math.max(1, cfg.backoffInitial().toMillis());
        long max = Math.max(initial, cfg.backoffMax().toMillis());
        int shift = Math.min(attempt, 30);
        return Math.min(max, initial << shift);
    }

    /**
     * Ends connection {@code c} once: cancels the stream, tells the listener, reconnects if asked.
     */
    private void lost(Connection c, String reason, boolean reconnect) {
        synchronized (lock) {
            if (c.lost) {
                return;
            }
            c.lost = true;
            if (conn == c) {
                conn = null;
            }
            if (c.watchdog != null) {
                c.watchdog.cancel(false);
            }
        }
        Flow.Subscription s = c.subscription;
        if (s != null) {
            s.cancel();
        }
        LOG.warn("subscription to {} ended: {}", c.uri, reason);
        safe(() -> listener.onDisconnected(reason));
        synchronized (lock) {
            if (reconnect && !closed && gen(c)) {
                scheduleReconnect();
            }
        }
    }

    private boolean gen(Connection c) {
        return c.generation == generation;
    }

    private void startWatchdog(Connection c, double heartbeatSeconds) {
        long timeoutNanos = (long) (heartbeatSeconds * cfg.missedHeartbeats() * 1e9);
        long periodMillis = Math.max(10, (long) (heartbeatSeconds * 1000 / 2));
        synchronized (lock) {
            if (c.watchdog != null) {
                c.watchdog.cancel(false);
            }
            if (c.lost || closed) {
                return;
            }
            c.watchdog = timer.scheduleWithFixedDelay(
                    () -> {
                        long silent = System.nanoTime() - c.lastEventNanos;
                        if (silent > timeoutNanos) {
                            lost(
                                    c,
                                    String.format(
                                            "no event for %d ms (%d missed heartbeats of %.3f s)",
                                            silent / 1_000_000, cfg.missedHeartbeats(), heartbeatSeconds),
                                    true);
                        }
                    },
                    periodMillis,
                    periodMillis,
                    TimeUnit.MILLISECONDS);
        }
    }

    private final class StreamSubscriber implements Flow.Subscriber<List<ByteBuffer>> {
        private final Connection c;
        private final RecordIoDecoder decoder = new RecordIoDecoder();

        StreamSubscriber(Connection c) {
            this.c = c;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            c.subscription = subscription;
            if (c.lost) {
                subscription.cancel();
                return;
            }
            subscription.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (c.lost) {
                return;
            }
            for (ByteBuffer buf : buffers) {
                List<byte[]> records;
                try {
                    records = decoder.feed(buf);
                } catch (RecordIoException e) {
                    byte[] rest = new byte[buf.remaining()];
                    buf.get(rest);
                    byte[] bad = concat(e.bytes(), rest);
                    LOG.warn(
                            "{} from {} (stream {}); {} bytes reported as bad input, resubscribing",
                            e.getMessage(),
                            c.uri,
                            c.streamId,
                            bad.length);
                    safe(() -> listener.onBadInput(bad, e.getMessage()));
                    lost(c, e.getMessage(), true);
                    return;
                }
                for (byte[] record : records) {
                    handleRecord(c, record);
                    if (c.lost) {
                        return;
                    }
                }
            }
            c.subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            lost(c, "subscription stream failed: " + t, true);
        }

        @Override
        public void onComplete() {
            if (!decoder.atBoundary()) {
                byte[] partial = decoder.pending();
                String reason = "stream ended in the middle of a record";
                LOG.warn("{} from {}; {} bytes reported as bad input", reason, c.uri, partial.length);
                safe(() -> listener.onBadInput(partial, reason));
            }
            lost(c, "master closed the subscription stream", true);
        }
    }

    private void handleRecord(Connection c, byte[] record) {
        c.lastEventNanos = System.nanoTime();
        Event event;
        try {
            if (c.json) {
                Event.Builder b = Event.newBuilder();
                PARSER.merge(new String(record, StandardCharsets.UTF_8), b);
                event = b.build();
            } else {
                event = Event.parseFrom(record);
            }
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            String reason = "cannot parse event (" + (c.json ? "json" : "protobuf") + "): " + e.getMessage();
            LOG.warn("{} from {} (stream {}, {} bytes)", reason, c.uri, c.streamId, record.length);
            safe(() -> listener.onBadInput(record, reason));
            return;
        }
        switch (event.getType()) {
            case SUBSCRIBED -> {
                Event.Subscribed s = event.getSubscribed();
                double hb = s.hasHeartbeatIntervalSeconds() && s.getHeartbeatIntervalSeconds() > 0
                        ? s.getHeartbeatIntervalSeconds()
                        : DEFAULT_HEARTBEAT_SECONDS;
                synchronized (lock) {
                    if (c.lost) {
                        return;
                    }
                    frameworkId = s.getFrameworkId();
                    c.subscribed = true;
                    failedAttempts = 0;
                    lastFailure = null;
                }
                LOG.info(
                        "subscribed to {} as framework {} (stream {}, heartbeat {} s)",
                        c.uri,
                        s.getFrameworkId().getValue(),
                        c.streamId,
                        hb);
                startWatchdog(c, hb);
                safe(() -> listener.onSubscribed(s.getFrameworkId(), Duration.ofNanos((long) (hb * 1e9))));
            }
            case OFFERS -> safe(() -> listener.onOffers(event.getOffers().getOffersList()));
            case RESCIND -> safe(() -> listener.onRescind(event.getRescind().getOfferId()));
            case UPDATE -> safe(() -> listener.onUpdate(event.getUpdate().getStatus()));
            case FAILURE -> safe(() -> listener.onFailure(event.getFailure()));
            case HEARTBEAT -> safe(listener::onHeartbeat);
            case ERROR -> {
                String message = event.getError().getMessage();
                LOG.error("ERROR event from {}: {}", c.uri, message);
                safe(() -> listener.onError(message));
                synchronized (lock) {
                    if (!cfg.reconnectAfterError()) {
                        stoppedByError = true;
                    }
                }
                lost(c, "ERROR event: " + message, cfg.reconnectAfterError());
            }
            case UNKNOWN -> {
                String reason = "event of unknown type";
                LOG.warn("{} from {} (stream {}, {} bytes)", reason, c.uri, c.streamId, record.length);
                safe(() -> listener.onBadInput(record, reason));
            }
            default -> safe(() -> listener.onOtherEvent(event));
        }
    }

    // ------------------------------------------------------------------ HTTP helpers

    private HttpRequest.Builder request(URI uri, Call call) {
        byte[] body;
        try {
            body = cfg.encoding() == Encoding.JSON
                    ? PRINTER.print(call).getBytes(StandardCharsets.UTF_8)
                    : call.toByteArray();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("cannot encode " + call.getType() + ": " + e.getMessage(), e);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .header("Content-Type", cfg.encoding().mediaType())
                .header("Accept", cfg.encoding().mediaType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        cfg.credentials()
                .ifPresent(cr -> b.header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString((cr.principal() + ":" + cr.secret())
                                                .getBytes(StandardCharsets.UTF_8))));
        return b;
    }

    /**
     * Resolves a 307 Location against the URI that answered it. Mesos sends scheme-relative locations
     * ({@code //host:port/path}); the docs also show a bare {@code host:port}. A location without a
     * path gets {@code /api/v1/scheduler}.
     */
    static URI resolveLocation(URI current, String location) {
        String loc = location.trim();
        URI resolved;
        if (loc.startsWith("//")) {
            resolved = URI.create(current.getScheme() + ":" + loc);
        } else if (loc.contains("://")) {
            resolved = URI.create(loc);
        } else if (loc.startsWith("/")) {
            resolved = current.resolve(loc);
        } else {
            resolved = URI.create(current.getScheme() + "://" + loc);
        }
        return MesosClientConfig.withSchedulerPath(resolved);
    }

    private static CompletableFuture<byte[]> collect(Flow.Publisher<List<ByteBuffer>> publisher) {
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        publisher.subscribe(new Flow.Subscriber<>() {
            private final ByteArrayOutputStream out = new ByteArrayOutputStream();

            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(List<ByteBuffer> items) {
                for (ByteBuffer b : items) {
                    byte[] a = new byte[b.remaining()];
                    b.get(a);
                    out.write(a, 0, a.length);
                }
            }

            @Override
            public void onError(Throwable t) {
                done.complete(out.toByteArray());
            }

            @Override
            public void onComplete() {
                done.complete(out.toByteArray());
            }
        });
        return done;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static void safe(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.error("Mesos event listener failed", e);
        }
    }

    /** Renders a message for logs in the client's JSON style. */
    static String toJson(Message m) {
        try {
            return PRINTER.print(m);
        } catch (InvalidProtocolBufferException e) {
            return m.toString();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** One subscription connection. */
    private static final class Connection {
        final URI uri;
        final long generation;
        final String streamId;
        final boolean json;
        volatile long lastEventNanos = System.nanoTime();
        volatile boolean subscribed;
        volatile boolean lost;
        volatile Flow.Subscription subscription;
        ScheduledFuture<?> watchdog;

        Connection(URI uri, long generation, String streamId, boolean json) {
            this.uri = uri;
            this.generation = generation;
            this.streamId = streamId;
            this.json = json;
        }
    }
}
