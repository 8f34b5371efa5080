package io.k8sm.sandbox.mesos;

import static io.k8sm.sandbox.mesos.MesosMasterSimulator.DEFAULT_REFUSE_SECONDS;
import static io.k8sm.sandbox.mesos.MesosMasterSimulator.JSON;
import static io.k8sm.sandbox.mesos.MesosMasterSimulator.PATH;
import static io.k8sm.sandbox.mesos.MesosMasterSimulator.PROTOBUF;
import static io.k8sm.sandbox.mesos.MesosMasterSimulator.STREAM_ID_HEADER;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import com.sun.net.httpserver.HttpExchange;
import io.k8sm.sandbox.mesos.MasterState.Framework;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.UUID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.FrameworkInfo;
import org.apache.mesos.v1.Protos.TaskState;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transport: {@code POST /api/v1/scheduler} (redirects, auth, media types, parsing a {@code Call}),
 * SUBSCRIBE opening the RecordIO event stream, the checks every other call passes, and the dispatch
 * of each call to the allocator or the task lifecycle. Work runs on the loop thread.
 */
final class SchedulerHttp {
    private static final Logger LOG = LoggerFactory.getLogger(MesosMasterSimulator.class);
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private final MasterState m;

    SchedulerHttp(MasterState m) {
        this.m = m;
    }

    // ------------------------------------------------------------------ HTTP

    void handle(HttpExchange ex) throws IOException {
        try {
            if (!"POST".equals(ex.getRequestMethod())) {
                respond(ex, 405, "Expecting 'POST'");
                return;
            }
            if (!PATH.equals(ex.getRequestURI().getPath())) {
                respond(ex, 404, "");
                return;
            }
            if (m.cfg.redirectTo != null) {
                ex.getResponseHeaders().add("Location", m.cfg.redirectTo);
                respond(ex, 307, "");
                return;
            }
            if (m.cfg.principal != null && !authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
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
                Reply r = m.onLoop(() -> subscribe(call, ex, finalJson));
                if (r != null) {
                    respond(ex, r.status, r.body);
                }
                // else: the exchange stays open as the event stream
                return;
            }
            m.log.received(call.getType().name(), ex.getRequestHeaders().getFirst(STREAM_ID_HEADER));
            int fault = m.faults.callFault();
            if (fault < 0) {
                LOG.info("dropping the connection of a {} call (fault injected)", call.getType());
                ex.close();
                return;
            }
            if (fault > 0) {
                respond(ex, fault, "injected: " + fault);
                return;
            }
            String streamId = ex.getRequestHeaders().getFirst(STREAM_ID_HEADER);
            Reply r = m.onLoop(() -> handleCall(call, streamId));
            respond(ex, r.status, r.body);
        } catch (RuntimeException e) {
            LOG.warn("simulator failed to handle a request", e);
            respond(ex, 500, String.valueOf(e));
        }
    }

    boolean authorized(String header) {
        String expected = "Basic "
                + Base64.getEncoder()
                        .encodeToString((m.cfg.principal + ":" + m.cfg.secret).getBytes(StandardCharsets.UTF_8));
        return expected.equals(header);
    }

    static String mediaType(String header) {
        if (header == null) {
            return null;
        }
        int semi = header.indexOf(';');
        return (semi < 0 ? header : header.substring(0, semi)).trim().toLowerCase();
    }

    static void respond(HttpExchange ex, int status, String body) {
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

    Reply subscribe(Call call, HttpExchange ex, boolean json) throws IOException {
        FrameworkInfo info = call.getSubscribe().getFrameworkInfo();
        if (info.getName().isEmpty() && !info.hasName()) {
            return new Reply(400, "Invalid FrameworkInfo: 'name' is required");
        }
        if (call.hasFrameworkId() && info.hasId() && !call.getFrameworkId().equals(info.getId())) {
            return new Reply(400, "'framework_id' differs from 'subscribe.framework_info.id'");
        }
        String requestedId = info.hasId() ? info.getId().getValue() : null;
        if (m.framework == null || requestedId == null || !requestedId.equals(m.framework.id)) {
            if (m.framework != null && m.framework.stream != null) {
                m.disconnect(m.framework.stream);
            }
            String id = requestedId != null ? requestedId : m.masterId + "-" + UUID.randomUUID() + "-0000";
            if (m.framework != null && !m.framework.id.equals(id)) {
                LOG.info("framework {} replaced by {}; the simulator hosts one framework", m.framework.id, id);
                m.tasks.clear();
                m.agents.values().forEach(a -> a.used = SimResources.EMPTY);
            }
            m.framework = new Framework(id);
        } else if (m.framework.stream != null) {
            // The same framework subscribes again on a new connection: the old one is closed.
            EventStream old = m.framework.stream;
            old.send(errorEvent("Framework failed over"));
            m.disconnect(old);
        }
        Framework f = m.framework;
        f.info = info.toBuilder().setId(FrameworkID.newBuilder().setValue(f.id)).build();
        f.roles = new ArrayList<>(info.getRolesList());
        if (f.roles.isEmpty()) {
            f.roles.add(info.hasRole() ? info.getRole() : "*");
        }
        f.suppressed = new HashSet<>(call.getSubscribe().getSuppressedRolesList());
        f.partitionAware = info.getCapabilitiesList().stream()
                .anyMatch(c -> c.getType() == FrameworkInfo.Capability.Type.PARTITION_AWARE);
        EventStream s = new EventStream(m, UUID.randomUUID().toString(), ex, json);
        ex.getResponseHeaders().add("Content-Type", json ? JSON : PROTOBUF);
        ex.getResponseHeaders().add(STREAM_ID_HEADER, s.id);
        ex.getResponseHeaders().add("Cache-Control", "no-cache");
        ex.sendResponseHeaders(200, 0);
        f.stream = s;
        m.subscriptions.incrementAndGet();
        m.log.subscribed(f.id, s.id);
        s.send(Event.newBuilder()
                .setType(Event.Type.SUBSCRIBED)
                .setSubscribed(Event.Subscribed.newBuilder()
                        .setFrameworkId(FrameworkID.newBuilder().setValue(f.id))
                        .setHeartbeatIntervalSeconds(m.cfg.heartbeatInterval.toMillis() / 1000.0))
                .build());
        LOG.info(
                "framework {} ({}) subscribed on stream {} ({})",
                f.id,
                info.getName(),
                s.id,
                json ? "json" : "protobuf");
        // Pending status updates are sent again on the new stream.
        m.tasks.values().forEach(t -> t.headSentNanos = 0);
        m.lifecycle.retryUpdates();
        return null;
    }

    Reply handleCall(Call call, String streamId) {
        if (!call.hasFrameworkId()) {
            return new Reply(400, "Expecting 'framework_id' to be present");
        }
        Framework f = m.framework;
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
        synchronized (m.executedCalls) {
            m.executedCalls.add(call);
        }
        switch (call.getType()) {
            case ACCEPT -> {
                if (!call.hasAccept()) {
                    return new Reply(400, "Expecting 'accept' to be present");
                }
                m.lifecycle.accept(call.getAccept());
            }
            case DECLINE -> {
                if (!call.hasDecline()) {
                    return new Reply(400, "Expecting 'decline' to be present");
                }
                double refuse = call.getDecline().hasFilters()
                        ? call.getDecline().getFilters().getRefuseSeconds()
                        : DEFAULT_REFUSE_SECONDS;
                call.getDecline().getOfferIdsList().forEach(id -> m.allocator.recoverOffer(id.getValue(), refuse));
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
                m.lifecycle.kill(call.getKill());
            }
            case ACKNOWLEDGE -> {
                if (!call.hasAcknowledge()) {
                    return new Reply(400, "Expecting 'acknowledge' to be present");
                }
                m.lifecycle.acknowledge(call.getAcknowledge());
            }
            case RECONCILE ->
                m.lifecycle.reconcile(call.hasReconcile() ? call.getReconcile().getTasksList() : List.of());
            case TEARDOWN -> {
                m.tasks.values().stream()
                        .filter(t -> !t.terminal())
                        .forEach(t -> m.lifecycle.transition(
                                t,
                                TaskState.TASK_KILLED,
                                TaskStatus.Reason.REASON_FRAMEWORK_REMOVED,
                                TaskStatus.Source.SOURCE_MASTER,
                                "teardown",
                                false));
                m.disconnect(f.stream);
                m.framework = null;
            }
            case MESSAGE, REQUEST, SHUTDOWN -> LOG.debug("ignoring {}", call.getType());
            default -> {
                return new Reply(400, "Unsupported call type " + call.getType());
            }
        }
        return Reply.ACCEPTED;
    }

    void heartbeat() {
        m.send(Event.newBuilder().setType(Event.Type.HEARTBEAT).build());
    }

    static Event errorEvent(String message) {
        return Event.newBuilder()
                .setType(Event.Type.ERROR)
                .setError(Event.Error.newBuilder().setMessage(message))
                .build();
    }
}
