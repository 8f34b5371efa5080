package io.k8sm.offeringest.mesos;

import com.google.protobuf.ByteString;
import java.net.URI;
import java.util.List;
import java.util.Optional;
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

/**
 * A Mesos v1 scheduler HTTP API client: subscribes, decodes the RecordIO event stream into typed events for a
 * {@link MesosEventListener}, keeps the subscription alive (heartbeat watchdog, 307 redirects, master rotation,
 * exponential backoff, failover with the stored framework id) and sends calls with the {@code Mesos-Stream-Id} of
 * the current subscription.
 *
 * <p>This class is the façade: the calls. The subscription state machine is {@link MesosSubscription}, the event
 * stream {@link MesosEventStream}, the HTTP side {@link MesosTransport}.
 *
 * <p>Thread-safe. Listener methods run on the client's HTTP threads, one at a time, in stream order. Calls block
 * until the master answers (202) and throw {@link MesosCallException} otherwise.
 */
public final class MesosSchedulerClient implements AutoCloseable {

    public static final String STREAM_ID_HEADER = "Mesos-Stream-Id";

    /** One subscription and the HTTP side it sends with; replaced as a whole by {@link #start(Optional)}. */
    private record Parts(MesosTransport transport, MesosSubscription subscription) {
        static Parts of(MesosClientConfig cfg, MesosEventListener listener) {
            MesosTransport t = new MesosTransport(cfg);
            return new Parts(t, new MesosSubscription(cfg, listener, t));
        }
    }

    private final MesosClientConfig cfg;
    private final MesosEventListener listener;
    private volatile Parts parts;
    private boolean closed; // guarded by this

    public MesosSchedulerClient(MesosClientConfig cfg, MesosEventListener listener) {
        this.cfg = cfg;
        this.listener = listener;
        this.parts = Parts.of(cfg, listener);
    }

    // ------------------------------------------------------------------ lifecycle and state

    /** Starts subscribing (asynchronously); events and reconnects follow until {@link #close()}. */
    public void start() {
        parts.subscription().start();
    }

    /**
     * Ends the current subscription ({@code onDisconnected("client closed")}, no event of it afterwards, calls refused
     * with {@link NotSubscribedException}) and starts a new one that subscribes with {@code frameworkId} (a failover;
     * empty: a new framework). offer-ingest calls it each time this instance becomes the leader.
     */
    public synchronized void start(Optional<FrameworkID> frameworkId) {
        if (closed) {
            throw new IllegalStateException("client is closed");
        }
        parts.subscription().close();
        parts = Parts.of(cfg.withFrameworkId(frameworkId), listener);
        parts.subscription().start();
    }

    /**
     * Ends the current subscription like {@link #close()} — when this returns, no event of it is delivered any more
     * and every call is refused — but {@link #start(Optional)} can subscribe again (a leader stepping down).
     */
    public void stop() {
        parts.subscription().close();
    }

    @Override
    public synchronized void close() {
        closed = true;
        parts.subscription().close();
    }

    public boolean isSubscribed() {
        return parts.subscription().isSubscribed();
    }

    /** True once an ERROR event stopped the client for good (without {@code reconnectAfterError}). */
    public boolean isStoppedByError() {
        return parts.subscription().isStoppedByError();
    }

    /** The framework id assigned by the master (kept across reconnects for failover). */
    public Optional<FrameworkID> frameworkId() {
        return parts.subscription().frameworkId();
    }

    /** The {@code Mesos-Stream-Id} of the current subscription. */
    public Optional<String> streamId() {
        return parts.subscription().streamId();
    }

    /** The master holding the current subscription (after redirects). */
    public Optional<URI> currentMaster() {
        return parts.subscription().currentMaster();
    }

    /** Why the last subscription attempt failed, if it did. */
    public Optional<String> lastFailure() {
        return parts.subscription().lastFailure();
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

    /** Explicit reconciliation of these tasks; an empty list is implicit reconciliation (all tasks). */
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
     * Acknowledges a status update; returns false (and sends nothing) for an update without uuid, which must not be
     * acknowledged.
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
        Parts p = parts;
        MesosSubscription.Target target = p.subscription().target(call.getType());
        Call full = call.hasFrameworkId()
                ? call
                : call.toBuilder().setFrameworkId(target.frameworkId()).build();
        p.transport().send(target.uri(), target.streamId(), full);
    }

    /**
     * Resolves a 307 Location against the URI that answered it (see {@link MesosTransport#resolveLocation}).
     */
    static URI resolveLocation(URI current, String location) {
        return MesosTransport.resolveLocation(current, location);
    }
}
