package io.k8sm.offeringest.mesos;

import static io.k8sm.offeringest.mesos.MesosEventStream.safe;

import io.k8sm.offeringest.mesos.MesosClientConfig.Encoding;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The subscription state machine of a {@link MesosSchedulerClient}: one attempt at a time (each a new generation),
 * 307 redirects, master rotation, exponential backoff, the first-event and heartbeat watchdogs, failover with the
 * stored framework id, and losing a connection exactly once.
 */
final class MesosSubscription {

    private static final Logger LOG = LoggerFactory.getLogger(MesosSchedulerClient.class);

    /** Where and as whom to send a call on the current subscription. */
    record Target(URI uri, String streamId, FrameworkID frameworkId) {}

    final MesosClientConfig cfg;
    private final MesosEventListener listener;
    private final MesosTransport transport;
    private final ScheduledExecutorService timer;
    private final Object lock = new Object();
    /** Every listener call passes it: one at a time, in one order, whichever thread makes it. */
    private final ListenerGate gate;

    // guarded by lock
    private long generation;
    private MesosConnection conn;
    private FrameworkID frameworkId;
    private int masterIndex;
    private int failedAttempts;
    private boolean started;
    private boolean closed;
    private boolean stoppedByError;
    private ScheduledFuture<?> pendingReconnect;
    private String lastFailure;

    MesosSubscription(MesosClientConfig cfg, MesosEventListener listener, MesosTransport transport) {
        this.cfg = cfg;
        this.listener = listener;
        this.transport = transport;
        this.gate = new ListenerGate(cfg.requestTimeout());
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> MesosTransport.daemon(r, "mesos-client-timer"));
        if (cfg.frameworkInfo().hasId()) {
            frameworkId = cfg.frameworkInfo().getId();
        }
    }

    void start() {
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

    void close() {
        MesosConnection c;
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
        transport.close();
    }

    boolean isStoppedByError() {
        synchronized (lock) {
            return stoppedByError;
        }
    }

    boolean isSubscribed() {
        synchronized (lock) {
            return conn != null && conn.subscribed;
        }
    }

    Optional<FrameworkID> frameworkId() {
        synchronized (lock) {
            return Optional.ofNullable(frameworkId);
        }
    }

    Optional<String> streamId() {
        synchronized (lock) {
            return Optional.ofNullable(conn).map(c -> c.streamId);
        }
    }

    Optional<URI> currentMaster() {
        synchronized (lock) {
            return Optional.ofNullable(conn).map(c -> c.uri);
        }
    }

    Optional<String> lastFailure() {
        synchronized (lock) {
            return Optional.ofNullable(lastFailure);
        }
    }

    /** The current subscription for a call of this type; throws {@link NotSubscribedException} without one. */
    Target target(Call.Type type) {
        synchronized (lock) {
            if (conn == null || !conn.subscribed || closed) {
                throw new NotSubscribedException(type);
            }
            return new Target(conn.uri, conn.streamId, frameworkId);
        }
    }

    // ------------------------------------------------------------------ attempts

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
        subscribeTo(target, gen, 0, System.nanoTime() + cfg.requestTimeout().toNanos());
    }

    private Call subscribeCall() {
        synchronized (lock) {
            return MesosTransport.subscribeCall(cfg, frameworkId);
        }
    }

    /** One SUBSCRIBE hop; {@code deadline} (one request timeout from the first hop) bounds every hop's answer. */
    private void subscribeTo(URI uri, long gen, int redirects, long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            attemptFailed(gen, MesosTransport.subscribeFailure(cfg, uri, redirects, null), true);
            return;
        }
        LOG.info("subscribing to {} (attempt generation {})", MesosTransport.shown(uri), gen);
        HttpRequest req;
        try {
            req = transport.subscribeRequest(uri, subscribeCall(), java.time.Duration.ofNanos(left));
        } catch (RuntimeException e) {
            attemptFailed(gen, "cannot build SUBSCRIBE for " + MesosTransport.shown(uri) + ": " + e, true);
            return;
        }
        transport
                .openStream(req)
                .whenComplete((resp, err) -> onSubscribeResponse(uri, gen, redirects, deadline, resp, err));
    }

    private void onSubscribeResponse(
            URI uri,
            long gen,
            int redirects,
            long deadline,
            HttpResponse<Flow.Publisher<List<ByteBuffer>>> resp,
            Throwable err) {
        if (err != null) {
            attemptFailed(gen, MesosTransport.subscribeFailure(cfg, uri, redirects, err), true);
            return;
        }
        int status = resp.statusCode();
        if (isStale(gen)) {
            MesosTransport.discard(resp.body()); // a stale answer, perhaps a 200 stream: never read it
            return;
        }
        if (status != 200) {
            CompletableFuture<byte[]> body = MesosTransport.collect(resp.body(), MesosTransport.MAX_ERROR_BODY_CHARS);
            if (status == 307) {
                Optional<String> location = resp.headers().firstValue("Location");
                if (location.isEmpty() || redirects >= cfg.maxRedirects()) {
                    attemptFailed(
                            gen,
                            "SUBSCRIBE to " + MesosTransport.shown(uri) + " redirected without a usable Location ("
                                    + redirects + " redirects)",
                            true);
                    return;
                }
                URI next = MesosTransport.resolveLocation(uri, location.get());
                Optional<String> refused = MesosTransport.redirectRefusal(cfg, uri, next);
                if (refused.isPresent()) {
                    attemptFailed(gen, "SUBSCRIBE to " + MesosTransport.shown(uri) + ": " + refused.get(), true);
                    return;
                }
                LOG.info(
                        "{} is not the leading master; redirected to {}",
                        MesosTransport.shown(uri),
                        MesosTransport.shown(next));
                subscribeTo(next, gen, redirects + 1, deadline);
                return;
            }
            body.whenComplete((bytes, e2) -> attemptFailed(
                    gen,
                    "SUBSCRIBE to " + MesosTransport.shown(uri) + " answered HTTP " + status + ": "
                            + (bytes == null ? "" : new String(bytes, StandardCharsets.UTF_8)),
                    status >= 500));
            return;
        }
        String contentType =
                resp.headers().firstValue("Content-Type").orElse(cfg.encoding().mediaType());
        boolean json = contentType.startsWith(Encoding.JSON.mediaType());
        String streamId =
                resp.headers().firstValue(MesosSchedulerClient.STREAM_ID_HEADER).orElse(null);
        if (streamId == null) {
            LOG.warn(
                    "{} answered SUBSCRIBE without a {} header; calls will be refused",
                    uri,
                    MesosSchedulerClient.STREAM_ID_HEADER);
        }
        MesosConnection c = new MesosConnection(uri, gen, streamId, json);
        synchronized (lock) {
            if (gen != generation || closed) {
                MesosTransport.discard(resp.body());
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
        resp.body().subscribe(new MesosEventStream(c, this, listener));
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
        long delay = MesosTimings.backoffMillis(cfg, failedAttempts++);
        LOG.info("reconnecting in {} ms", delay);
        pendingReconnect = timer.schedule(this::attempt, delay, TimeUnit.MILLISECONDS);
    }

    // ------------------------------------------------------------------ what the event stream reports

    /** SUBSCRIBED arrived on {@code c}; false if {@code c} is already lost (then nothing changes). */
    boolean subscribed(MesosConnection c, FrameworkID assigned) {
        synchronized (lock) {
            if (c.lost) {
                return false;
            }
            frameworkId = assigned;
            c.subscribed = true;
            failedAttempts = 0;
            lastFailure = null;
            return true;
        }
    }

    /** An ERROR event ends {@code c}; the client reconnects only if so configured. */
    void errorEvent(MesosConnection c, String message) {
        synchronized (lock) {
            if (!cfg.reconnectAfterError()) {
                stoppedByError = true;
            }
        }
        lost(c, "ERROR event: " + message, cfg.reconnectAfterError());
    }

    /** Hands one event of connection {@code c} to the listener ({@link ListenerGate#deliver}). */
    void deliver(MesosConnection c, Runnable listenerCall) {
        gate.deliver(c, listenerCall);
    }

    /**
     * Ends connection {@code c} once: cancels the stream, tells the listener, reconnects if asked. {@code
     * onDisconnected} waits for a listener call in progress, so it comes after every event of the dying stream that
     * was delivered, and none is delivered after it.
     */
    void lost(MesosConnection c, String reason, boolean reconnect) {
        boolean serial = gate.enter(!reconnect);
        try {
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
            LOG.warn("subscription to {} ended: {}", MesosTransport.shown(c.uri), reason);
            safe(() -> listener.onDisconnected(reason));
        } finally {
            if (serial) {
                gate.exit();
            }
        }
        synchronized (lock) {
            if (reconnect && !closed && c.generation == generation) {
                scheduleReconnect();
            }
        }
    }

    /** Loses {@code c} once it has been silent for {@code missedHeartbeats} heartbeat intervals. */
    void startWatchdog(MesosConnection c, double heartbeatSeconds) {
        long timeoutNanos = MesosTimings.watchdogTimeoutNanos(cfg, heartbeatSeconds);
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
}
