package io.k8sm.scheduler;

import io.k8sm.avro.Acknowledge;
import io.k8sm.avro.AgentLost;
import io.k8sm.avro.CallRejected;
import io.k8sm.avro.Decline;
import io.k8sm.avro.Disconnected;
import io.k8sm.avro.ExecutorLost;
import io.k8sm.avro.Kill;
import io.k8sm.avro.LastStatus;
import io.k8sm.avro.LaunchRequest;
import io.k8sm.avro.LauncherEvent;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.MesosError;
import io.k8sm.avro.Offer;
import io.k8sm.avro.OfferRescinded;
import io.k8sm.avro.PodAction;
import io.k8sm.avro.PodActionType;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.Reconcile;
import io.k8sm.avro.ReconcileTask;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.RegistryTaskState;
import io.k8sm.avro.SchedulerEvent;
import io.k8sm.avro.SchedulerEventType;
import io.k8sm.avro.Subscribed;
import io.k8sm.avro.TaskSpec;
import io.k8sm.avro.TaskStatus;
import io.k8sm.scheduler.offers.LiveOffer;
import io.k8sm.scheduler.queue.QueueEntry;
import io.k8sm.scheduler.registry.PodChecks;
import io.k8sm.scheduler.registry.TaskRegistry;
import io.k8sm.scheduler.registry.Tasks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler of one shard as a pure state machine: {@link #apply} folds one input into the
 * {@link SchedulerState} and returns the decisions it took, in order. No clock, no randomness, no
 * I/O: the same inputs on the same state give the same outputs, byte for byte.
 *
 * <p>The transitions are those of the original Kubernetes-Mesos scheduler (see {@code
 * shared/design/K8SM-REFERENCE.md}) with its known bugs fixed: AssignedSlave lives in the task's
 * spec, a task that fails before it is bound is reconciled against the latest pod, a Pending task
 * may finish, and every incompatible offer is declined.
 */
public final class SchedulerStateMachine {

    private static final Logger log = LoggerFactory.getLogger(SchedulerStateMachine.class);

    static final String NOW = "clock.now";
    static final String CALL_SEQ = "seq.call";
    static final String QUEUE_SEQ = "seq.queue";
    static final String CONNECTED = "framework.connected";
    static final String LAST_RECONCILE = "reconcile.last";
    static final String EXPLICIT_NEXT = "reconcile.explicit.next";
    static final String EXPLICIT_DELAY = "reconcile.explicit.delay";
    static final String IMPLICIT_NEXT = "reconcile.implicit.next";

    private final SchedulerSettings settings;
    private final SchedulerState state;
    private final Matcher matcher;

    /** Outputs of the input being applied. */
    private List<SchedulerOutput> out = new ArrayList<>();

    private final TaskRegistry registry;

    public SchedulerStateMachine(SchedulerSettings settings, SchedulerState state, Matcher matcher) {
        this.settings = settings;
        this.state = state;
        this.matcher = matcher;
        this.registry = new TaskRegistry(
                state.tasks(),
                state.podIndex(),
                state.finishedRing(),
                state.meta(),
                settings.finishedRetained(),
                o -> out.add(o));
    }

    public TaskRegistry registry() {
        return registry;
    }

    /**
     * Applies one input with its event time and returns the decisions, in the order they were taken.
     * Never throws: an input that breaks a rule of the state machine is answered with the decisions
     * taken so far plus a {@link SchedulerOutput.Rejected} naming the reason.
     */
    public List<SchedulerOutput> apply(SchedulerInput input, long timestamp) {
        out = new ArrayList<>();
        try {
            applyUnsafe(input, timestamp);
        } catch (RuntimeException e) {
            log.error("input {} key {} could not be applied", input.source(), input.key(), e);
            out.add(new SchedulerOutput.Rejected(
                    input.source(),
                    input.key(),
                    "could not be applied: " + e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        List<SchedulerOutput> result = out;
        out = new ArrayList<>();
        return result;
    }

    private void applyUnsafe(SchedulerInput input, long timestamp) {
        long now = advanceClock(input, timestamp);
        expireOffers(now);
        boolean newOffer = false;
        if (input instanceof SchedulerInput.PodUpdate p) {
            onPod(p.podKey(), p.pod(), now);
        } else if (input instanceof SchedulerInput.OfferUpdate o) {
            newOffer = onOffer(o, now);
        } else if (input instanceof SchedulerInput.StatusUpdate s) {
            onStatus(s.status(), now);
        } else if (input instanceof SchedulerInput.FrameworkUpdate f) {
            onFramework(f, now);
        } else if (input instanceof SchedulerInput.LauncherUpdate l) {
            onLauncher(l.event(), now);
        }
        schedule(now, newOffer);
        reconcile(now);
    }

    /** The scheduler's now: the latest event time seen (a clock tick's own time for ticks). */
    private long advanceClock(SchedulerInput input, long timestamp) {
        long t = timestamp;
        if (input instanceof SchedulerInput.Tick tick && tick.tick().getTimestamp() != null) {
            t = Math.max(t, tick.tick().getTimestamp().toEpochMilli());
        }
        long now = Math.max(state.meta(NOW, Long.MIN_VALUE), t);
        state.meta().put(NOW, now);
        return now;
    }

    // ---------------------------------------------------------------- pods

    private void onPod(String podKey, PodSnapshot pod, long now) {
        RegistryTask task = registry.byPod(podKey);
        if (pod == null) {
            state.pods().delete(podKey);
            state.queue().delete(podKey);
            if (task != null) {
                podDeleted(task, now, "pod deleted");
            }
            return;
        }
        state.pods().put(podKey, pod);
        if (task != null && !task.getPodUid().equals(pod.getUid())) {
            podDeleted(task, now, "pod replaced by a new pod of the same name (uid " + pod.getUid() + ")");
            task = null;
        }
        if (PodChecks.deleting(pod)) {
            state.queue().delete(podKey);
            if (task != null) {
                podDeleted(task, now, "pod is being deleted");
            }
            return;
        }
        if (task != null) {
            adoptAnnotatedTask(podKey, task, pod, now);
            return; // an update never replaces the task's pod; the snapshot store has the latest
        }
        if (PodChecks.mirror(pod) || PodChecks.terminal(pod)) {
            log.debug("pod {} is a mirror or terminal pod; not scheduled", podKey);
            return;
        }
        List<String> recovery = PodChecks.recoveryAnnotations(pod);
        if (recovery.size() == Tasks.RECOVERY_ANNOTATIONS.size()) {
            recover(podKey, pod, now);
            return;
        }
        if (!recovery.isEmpty()) {
            List<String> missing = new ArrayList<>(Tasks.RECOVERY_ANNOTATIONS);
            missing.removeAll(recovery);
            String reason = "pod carries only some recovery annotations, missing " + missing + "; deleting it";
            log.warn("pod {}: {}", podKey, reason);
            out.add(new SchedulerOutput.Action(new PodAction(podKey, pod.getUid(), PodActionType.DELETE, 0L, reason)));
            event(podKey, null, SchedulerEventType.DELETED, reason, null, now);
            return;
        }
        if (PodChecks.bound(pod)) {
            log.debug("pod {} is bound to {} without our annotations; not ours", podKey, pod.getNodeName());
            return;
        }
        String nonsense = PodChecks.nonsense(pod);
        if (nonsense != null) {
            log.warn("pod {}: {}", podKey, nonsense);
            event(podKey, null, SchedulerEventType.INVALID, nonsense, null, now);
            return;
        }
        RegistryTask t = Tasks.pending(Tasks.taskId(pod.getUid(), pod.getResourceVersion()), pod, now);
        if (!registry.register(t)) {
            event(
                    podKey,
                    t.getId(),
                    SchedulerEventType.INVALID,
                    "task id " + t.getId() + " is already registered",
                    null,
                    now);
            return;
        }
        log.info("pod {} registered as task {}", podKey, t.getId());
        enqueue(podKey, now, 0, now);
    }

    /**
     * A pod whose annotations say it runs as a task that our registry does not know as launched: the
     * registry was rebuilt by replaying {@code pods} (a new application id, an empty registry) and
     * registered the pod from a snapshot older than its bound, annotated one — under the same
     * deterministic task id, or another one. The pod is the truth: our copy goes — its offers
     * declined if it was only placed, killed if another task was launched — and the annotated task is
     * recovered.
     */
    private void adoptAnnotatedTask(String podKey, RegistryTask task, PodSnapshot pod, long now) {
        if (PodChecks.recoveryAnnotations(pod).size() != Tasks.RECOVERY_ANNOTATIONS.size()) {
            return;
        }
        String annotated = pod.getAnnotations().get(Tasks.TASK_ID);
        boolean sameTask = annotated.equals(task.getId());
        if (sameTask && Tasks.launched(task)) {
            correctAssignedHost(podKey, task, pod, now);
            return;
        }
        if (task.getState() != RegistryTaskState.PENDING) {
            return;
        }
        state.queue().delete(podKey);
        if (!sameTask && Tasks.launched(task)) {
            registry.store(Tasks.edit(task, now)
                    .setFlags(Tasks.flags(task, false, false, true))
                    .build());
            registry.unindex(task);
            kill(task.getId(), Tasks.agentId(task));
            log.warn("pod {} runs as task {}; duplicate task {} killed", podKey, annotated, task.getId());
        } else {
            List<String> offerIds =
                    task.getSpec() == null ? List.of() : task.getSpec().getOfferIds();
            registry.remove(task);
            if (!offerIds.isEmpty()) {
                call("decline", new Decline(offerIds, settings.refuseSeconds()));
            }
            log.info(
                    "pod {} runs as task {}; task {} registered from an older snapshot dropped",
                    podKey,
                    annotated,
                    task.getId());
        }
        recover(podKey, pod, now);
    }

    /**
     * A launched task whose pod names another host than the task's spec: replayed history placed the
     * task again before the annotated snapshot came. Where the task runs is what the pod says.
     */
    private void correctAssignedHost(String podKey, RegistryTask task, PodSnapshot pod, long now) {
        Map<String, String> a = pod.getAnnotations();
        String host = a.get(Tasks.BINDING_HOST);
        if (task.getSpec() != null && host.equals(task.getSpec().getAssignedSlave())) {
            return;
        }
        TaskSpec.Builder spec = task.getSpec() == null ? TaskSpec.newBuilder() : TaskSpec.newBuilder(task.getSpec());
        spec.setAgentId(a.get(Tasks.SLAVE_ID)).setAssignedSlave(host).setOfferIds(List.of(a.get(Tasks.OFFER_ID)));
        registry.store(Tasks.edit(task, now)
                .setSpec(spec.build())
                .setOfferId(null)
                .setFlags(Tasks.flags(task, true, true, Tasks.deleted(task)))
                .build());
        state.queue().delete(podKey);
        log.info("pod {}: task {} runs on {} as its annotations say; spec corrected", podKey, task.getId(), host);
        event(
                podKey,
                task.getId(),
                SchedulerEventType.RECOVERED,
                "assigned host taken from the pod's annotations",
                host,
                now);
    }

    /** Recovers a task from a pod carrying every recovery annotation: Pending {launched, bound}. */
    private void recover(String podKey, PodSnapshot pod, long now) {
        Map<String, String> a = pod.getAnnotations();
        String taskId = a.get(Tasks.TASK_ID);
        String host = a.get(Tasks.BINDING_HOST);
        TaskSpec spec = TaskSpec.newBuilder()
                .setAgentId(a.get(Tasks.SLAVE_ID))
                .setAssignedSlave(host)
                .setExecutorId(a.getOrDefault(Tasks.EXECUTOR_ID, settings.executorId()))
                .setOfferIds(List.of(a.get(Tasks.OFFER_ID)))
                .build();
        RegistryTask t = Tasks.edit(Tasks.pending(taskId, pod, now), now)
                .setFlags(new io.k8sm.avro.TaskFlags(true, true, false))
                .setSpec(spec)
                .setAttempt(1)
                .build();
        if (!registry.register(t)) {
            event(
                    podKey,
                    taskId,
                    SchedulerEventType.INVALID,
                    "cannot recover: task id " + taskId + " is taken",
                    host,
                    now);
            return;
        }
        log.info("pod {} recovered as task {} on {}", podKey, taskId, host);
        event(podKey, taskId, SchedulerEventType.RECOVERED, "recovered from the pod's annotations", host, now);
    }

    /** The pod of a task is gone or going. */
    private void podDeleted(RegistryTask task, long now, String why) {
        String podKey = task.getPodKey();
        registry.unindex(task);
        state.queue().delete(podKey);
        if (task.getState() == RegistryTaskState.FINISHED) {
            return; // stays in the finished ring
        }
        if (task.getState() == RegistryTaskState.PENDING && !Tasks.launched(task)) {
            RegistryTask t = Tasks.edit(task, now)
                    .setFlags(Tasks.flags(task, false, false, true))
                    .build();
            registry.remove(t);
            log.info("pod {}: {}; pending task {} unregistered", podKey, why, task.getId());
            event(podKey, task.getId(), SchedulerEventType.DELETED, why + "; task unregistered", Tasks.host(task), now);
            return;
        }
        if (Tasks.deleted(task)) {
            return; // already being killed
        }
        RegistryTask t = Tasks.edit(task, now)
                .setFlags(Tasks.flags(task, false, false, true))
                .build();
        registry.store(t);
        kill(t.getId(), Tasks.agentId(t));
        log.info("pod {}: {}; killing task {}", podKey, why, task.getId());
        event(podKey, task.getId(), SchedulerEventType.DELETED, why + "; killing the task", Tasks.host(task), now);
    }

    // ---------------------------------------------------------------- offers

    private boolean onOffer(SchedulerInput.OfferUpdate update, long now) {
        Object ev = update.event().getEvent();
        if (ev instanceof OfferRescinded r) {
            LiveOffer lo = state.offers().get(r.getOfferId());
            if (lo != null && !lo.gone()) {
                state.offers().put(lo.id(), lo.goneUntil(now + settings.offerLingerMs()));
            }
            rollBackHolders(r.getOfferId(), now, "offer " + r.getOfferId() + " was rescinded");
            return false;
        }
        Offer offer = (Offer) ev;
        if (state.offers().get(offer.getId()) != null) {
            log.debug("offer {} seen before; ignored", offer.getId());
            return false;
        }
        String incompatible = incompatible(offer);
        if (incompatible != null) {
            log.info("offer {} from {} declined: {}", offer.getId(), offer.getHostname(), incompatible);
            state.offers().put(offer.getId(), LiveOffer.live(offer, now, 0).goneUntil(now + settings.offerLingerMs()));
            decline(offer.getId());
            return false;
        }
        state.offers().put(offer.getId(), LiveOffer.live(offer, now, settings.offerTtlMs()));
        return true;
    }

    private String incompatible(Offer offer) {
        List<String> ex = offer.getExecutorIds();
        if (ex.size() > 1) {
            return "more than one executor of ours on the agent: " + ex;
        }
        if (ex.size() == 1 && !ex.get(0).equals(settings.executorId())) {
            return "wrong executor id " + ex.get(0) + " (ours is " + settings.executorId() + ")";
        }
        return null;
    }

    /** Declines every live offer past its TTL and forgets gone offers past their linger time. */
    private void expireOffers(long now) {
        for (Map.Entry<String, LiveOffer> e : state.offers().all()) {
            LiveOffer lo = e.getValue();
            if (!lo.gone() && lo.expiresAt() <= now) {
                log.debug("offer {} expired unused; declined", lo.id());
                state.offers().put(lo.id(), lo.goneUntil(now + settings.offerLingerMs()));
                decline(lo.id());
            } else if (lo.gone() && lo.lingerUntil() <= now) {
                state.offers().delete(lo.id());
            }
        }
    }

    private void dropOffers(long now, String agentId) {
        for (Map.Entry<String, LiveOffer> e : state.offers().all()) {
            LiveOffer lo = e.getValue();
            if (!lo.gone() && (agentId == null || agentId.equals(lo.agentId()))) {
                state.offers().put(lo.id(), lo.goneUntil(now + settings.offerLingerMs()));
            }
        }
    }

    /** Rolls back every not yet launched task that holds the offer (the offer is stale). */
    private void rollBackHolders(String offerId, long now, String why) {
        for (RegistryTask t : registry.all()) {
            if (holds(t, offerId) && t.getState() == RegistryTaskState.PENDING && !Tasks.launched(t)) {
                rollBack(t, now, why, false);
            }
        }
    }

    private static boolean holds(RegistryTask t, String offerId) {
        return offerId.equals(t.getOfferId())
                || (t.getOfferId() != null
                        && t.getSpec() != null
                        && t.getSpec().getOfferIds().contains(offerId));
    }

    /**
     * Launch or binding failed before the launch, or the offer went stale: release the offer, clear
     * the spec and queue the pod again with backoff.
     */
    private void rollBack(RegistryTask task, long now, String why, boolean declineOffer) {
        List<String> offerIds =
                task.getSpec() == null ? List.of() : task.getSpec().getOfferIds();
        RegistryTask t = Tasks.edit(task, now).setSpec(null).setOfferId(null).build();
        registry.store(t);
        if (declineOffer && !offerIds.isEmpty()) {
            call("decline", new Decline(offerIds, settings.refuseSeconds()));
        }
        QueueEntry prev = state.queue().get(task.getPodKey());
        int failures = (prev == null ? 0 : prev.failures()) + 1;
        long next = now + settings.backoff().delayMs(task.getPodKey(), failures);
        enqueue(task.getPodKey(), now, failures, next);
        log.info("pod {}: task {} rolled back ({}); next attempt at {}", task.getPodKey(), task.getId(), why, next);
        event(task.getPodKey(), task.getId(), SchedulerEventType.REQUEUED, why, Tasks.host(task), now);
    }

    // ---------------------------------------------------------------- queue and placement

    private void enqueue(String podKey, long now, int failures, long nextAttemptAt) {
        long seq = state.meta(QUEUE_SEQ, 0L) + 1;
        state.meta().put(QUEUE_SEQ, seq);
        state.queue().put(podKey, new QueueEntry(podKey, seq, now, nextAttemptAt, failures, false, ""));
    }

    /**
     * One scheduling round: the due pods (and, when an offer just arrived, the pods that found no fit
     * before) in FIFO order against the live offers in arrival order.
     */
    private void schedule(long now, boolean newOffer) {
        List<QueueEntry> entries = new ArrayList<>();
        for (Map.Entry<String, QueueEntry> e : state.queue().all()) {
            QueueEntry q = e.getValue();
            if (q.dueAt(now) || (newOffer && q.noFit())) {
                entries.add(q);
            }
        }
        if (entries.isEmpty()) {
            return;
        }
        entries.sort(Comparator.comparingLong(QueueEntry::seq));
        List<PodSnapshot> pods = new ArrayList<>();
        Map<String, QueueEntry> byPod = new HashMap<>();
        for (QueueEntry q : entries) {
            PodSnapshot pod = state.pods().get(q.podKey());
            RegistryTask t = registry.byPod(q.podKey());
            if (pod == null
                    || t == null
                    || t.getState() != RegistryTaskState.PENDING
                    || t.getSpec() != null
                    || Tasks.launched(t)) {
                state.queue().delete(q.podKey()); // stale entry
                continue;
            }
            pods.add(pod);
            byPod.put(q.podKey(), q);
        }
        if (pods.isEmpty()) {
            return;
        }
        List<LiveOffer> live = new ArrayList<>();
        for (Map.Entry<String, LiveOffer> e : state.offers().all()) {
            if (!e.getValue().gone()) {
                live.add(e.getValue());
            }
        }
        live.sort(Comparator.comparingLong(LiveOffer::receivedAt).thenComparing(LiveOffer::id));
        Map<String, LiveOffer> offersById = new HashMap<>();
        List<Offer> offers = new ArrayList<>();
        for (LiveOffer lo : live) {
            offers.add(lo.offer());
            offersById.put(lo.id(), lo);
        }
        Matcher.Result result = matcher.match(pods, offers);
        Set<String> used = new LinkedHashSet<>();
        Set<String> placed = new HashSet<>();
        for (Matcher.Placed p : result.placed()) {
            QueueEntry q = byPod.get(p.podKey());
            if (q == null || !offersById.keySet().containsAll(p.offerIds()) || placed.contains(p.podKey())) {
                log.error("matcher placed unknown pod {} or offers {}; ignored", p.podKey(), p.offerIds());
                continue;
            }
            launch(p, state.pods().get(p.podKey()), now);
            placed.add(p.podKey());
            used.addAll(p.offerIds());
        }
        for (String offerId : used) {
            state.offers().put(offerId, offersById.get(offerId).goneUntil(now + settings.offerLingerMs()));
        }
        for (PodSnapshot pod : pods) {
            String podKey = Tasks.podKey(pod);
            QueueEntry q = byPod.get(podKey);
            if (placed.contains(podKey) || !q.dueAt(now)) {
                continue; // placed, or woken by an offer that does not fit it either: keep its backoff
            }
            String shortfall = result.shortfalls()
                    .getOrDefault(podKey, offers.isEmpty() ? "no offers available" : "no offer fits");
            int failures = q.failures() + 1;
            long next = now + settings.backoff().delayMs(podKey, failures);
            state.queue().put(podKey, new QueueEntry(podKey, q.seq(), q.enqueuedAt(), next, failures, true, shortfall));
            RegistryTask t = registry.byPod(podKey);
            log.info(
                    "pod {} task {}: failed scheduling ({}); attempt {} next at {}",
                    podKey,
                    t.getId(),
                    shortfall,
                    failures,
                    next);
            event(podKey, t.getId(), SchedulerEventType.FAILED_SCHEDULING, shortfall, null, now);
        }
    }

    /**
     * An offer fits: the task takes the offer and its spec (with AssignedSlave); a launch is
     * requested.
     */
    private void launch(Matcher.Placed p, PodSnapshot pod, long now) {
        RegistryTask task = registry.byPod(p.podKey());
        TaskSpec spec = TaskSpec.newBuilder(p.spec()).setOfferIds(p.offerIds()).build();
        String offerId = p.offerIds().get(0);
        RegistryTask t = Tasks.edit(task, now)
                .setSpec(spec)
                .setOfferId(offerId)
                .setAttempt(task.getAttempt() + 1)
                .setPodResourceVersion(pod.getResourceVersion())
                .build();
        registry.store(t);
        state.queue().delete(p.podKey());
        out.add(new SchedulerOutput.Launch(new LaunchRequest(t.getId(), t, pod)));
        log.info(
                "pod {} task {} scheduled on {} (offers {})",
                p.podKey(),
                t.getId(),
                spec.getAssignedSlave(),
                p.offerIds());
        event(
                p.podKey(),
                t.getId(),
                SchedulerEventType.SCHEDULED,
                "offer " + String.join(",", p.offerIds()) + " on " + spec.getAssignedSlave(),
                spec.getAssignedSlave(),
                now);
    }

    // ---------------------------------------------------------------- launcher

    private void onLauncher(LauncherEvent ev, long now) {
        RegistryTask task = registry.byId(ev.getTaskId());
        if (task == null) {
            if (ev.getType() == io.k8sm.avro.LauncherEventType.LAUNCHED) {
                log.warn(
                        "task {} of pod {} was launched but is no longer registered; killing it",
                        ev.getTaskId(),
                        ev.getPodKey());
                kill(ev.getTaskId(), null);
            } else {
                log.debug("launcher event {} for unknown task {}; ignored", ev.getType(), ev.getTaskId());
            }
            return;
        }
        String reason = ev.getReason() == null ? "" : ev.getReason();
        switch (ev.getType()) {
            case LAUNCHED -> {
                if (Tasks.launched(task)) {
                    return;
                }
                RegistryTask t = Tasks.edit(task, now)
                        .setFlags(Tasks.flags(task, true, false, false))
                        .setOfferId(null)
                        .build();
                registry.store(t);
                event(
                        t.getPodKey(),
                        t.getId(),
                        SchedulerEventType.LAUNCHED,
                        "launch sent to Mesos",
                        Tasks.host(t),
                        now);
            }
            case BOUND -> {
                if (Tasks.bound(task)) {
                    return;
                }
                RegistryTask t = Tasks.edit(task, now)
                        .setFlags(Tasks.flags(task, false, true, false))
                        .build();
                registry.store(t);
                event(t.getPodKey(), t.getId(), SchedulerEventType.BOUND, "pod bound", Tasks.host(t), now);
            }
            case BIND_FAILED, LAUNCH_REJECTED -> {
                String why = ev.getType() == io.k8sm.avro.LauncherEventType.BIND_FAILED
                        ? "binding failed: " + reason
                        : "launch rejected: " + reason;
                if (Tasks.launched(task) || task.getState() != RegistryTaskState.PENDING) {
                    // The Mesos task exists; killing it brings TASK_KILLED, which reconciles the unbound pod.
                    kill(task.getId(), Tasks.agentId(task));
                    event(
                            task.getPodKey(),
                            task.getId(),
                            SchedulerEventType.KILLED,
                            why + "; killing the task",
                            Tasks.host(task),
                            now);
                } else if (task.getSpec() != null) {
                    rollBack(task, now, why, true);
                }
            }
            default -> log.warn("unknown launcher event type {} for task {}", ev.getType(), ev.getTaskId());
        }
    }

    // ---------------------------------------------------------------- Mesos task status

    private void onStatus(TaskStatus s, long now) {
        String taskId = s.getTaskId();
        if (s.getUuid() != null && s.getAgentId() != null) {
            call("acknowledge", new Acknowledge(s.getAgentId(), taskId, s.getUuid()));
        }
        state.reconcilePending().delete(taskId);
        RegistryTask task = registry.byId(taskId);
        if (task == null) {
            unknownTaskStatus(s);
            return;
        }
        LastStatus last = new LastStatus(s.getState(), s.getReason(), s.getMessage(), s.getTimestamp());
        switch (s.getState()) {
            case TASK_STAGING, TASK_KILLING, TASK_UNREACHABLE, TASK_UNKNOWN ->
                log.debug("task {} {}: nothing to do", taskId, s.getState());
            case TASK_STARTING -> {
                if (task.getState() == RegistryTaskState.PENDING && !Tasks.bound(task)) {
                    RegistryTask t = Tasks.edit(task, now)
                            .setFlags(Tasks.flags(task, true, true, false))
                            .setLastStatus(last)
                            .build();
                    registry.store(t);
                    event(
                            t.getPodKey(),
                            t.getId(),
                            SchedulerEventType.BOUND,
                            "executor reported TASK_STARTING",
                            Tasks.host(t),
                            now);
                }
            }
            case TASK_RUNNING -> {
                if (task.getState() == RegistryTaskState.PENDING) {
                    RegistryTask t = Tasks.edit(task, now)
                            .setState(RegistryTaskState.RUNNING)
                            .setFlags(Tasks.flags(task, true, false, false))
                            .setOfferId(null)
                            .setLastStatus(last)
                            .build();
                    registry.store(t);
                    log.info("pod {} task {} running on {}", t.getPodKey(), t.getId(), Tasks.host(t));
                }
            }
            case TASK_FINISHED -> {
                if (task.getState() == RegistryTaskState.FINISHED) {
                    return;
                }
                if (task.getState() == RegistryTaskState.PENDING) {
                    log.warn(
                            "pod {} task {} finished while Pending (no TASK_RUNNING seen); recorded as finished",
                            task.getPodKey(),
                            taskId);
                }
                RegistryTask t = Tasks.edit(task, now)
                        .setState(RegistryTaskState.FINISHED)
                        .setOfferId(null)
                        .setLastStatus(last)
                        .build();
                registry.finished(t);
                event(t.getPodKey(), t.getId(), SchedulerEventType.FINISHED, "task finished", Tasks.host(t), now);
            }
            case TASK_FAILED, TASK_KILLED, TASK_LOST, TASK_ERROR, TASK_DROPPED, TASK_GONE, TASK_GONE_BY_OPERATOR -> {
                if (echoOfAReplayedAccept(task, s)) {
                    log.info(
                            "pod {} task {}: {} {} ignored: the task already runs; a replayed ACCEPT was refused",
                            task.getPodKey(),
                            taskId,
                            s.getState(),
                            s.getReason());
                    return;
                }
                terminal(task, s, last, now);
            }
            default -> log.warn("task {}: unexpected state {}", taskId, s.getState());
        }
    }

    /**
     * offer-ingest executes calls at least once; Mesos answers an ACCEPT of offers already used with
     * TASK_LOST/TASK_DROPPED, reason REASON_INVALID_OFFERS, from the master. For a task that has
     * already reported STARTING or RUNNING that answer is about the replayed call, not the task.
     */
    static boolean echoOfAReplayedAccept(RegistryTask task, TaskStatus s) {
        boolean invalidOffers = "REASON_INVALID_OFFERS".equals(s.getReason())
                && (s.getState() == io.k8sm.avro.TaskState.TASK_LOST
                        || s.getState() == io.k8sm.avro.TaskState.TASK_DROPPED);
        boolean progressed = task.getState() == RegistryTaskState.RUNNING
                || Tasks.bound(task)
                || (task.getLastStatus() != null
                        && (task.getLastStatus().getState() == io.k8sm.avro.TaskState.TASK_STARTING
                                || task.getLastStatus().getState() == io.k8sm.avro.TaskState.TASK_RUNNING));
        return invalidOffers && progressed;
    }

    private void terminal(RegistryTask task, TaskStatus s, LastStatus last, long now) {
        if (task.getState() == RegistryTaskState.FINISHED) {
            return;
        }
        RegistryTask t = Tasks.edit(task, now).setLastStatus(last).build();
        registry.remove(t);
        String podKey = t.getPodKey();
        String detail = s.getState()
                + (s.getReason() == null ? "" : " (" + s.getReason() + ")")
                + (s.getMessage() == null ? "" : ": " + s.getMessage());
        SchedulerEventType type = switch (s.getState()) {
            case TASK_KILLED -> SchedulerEventType.KILLED;
            case TASK_FAILED, TASK_ERROR -> SchedulerEventType.FAILED;
            default -> SchedulerEventType.LOST;
        };
        log.info("pod {} task {} removed: {}", podKey, t.getId(), detail);
        event(podKey, t.getId(), type, detail, Tasks.host(t), now);
        if (Tasks.deleted(t)) {
            return; // the pod is gone; this is the end of a kill we asked for
        }
        if (!Tasks.bound(t)) {
            reconcileUnbound(t, now);
            return;
        }
        boolean lostLike = switch (s.getState()) {
            case TASK_LOST, TASK_DROPPED, TASK_GONE, TASK_GONE_BY_OPERATOR -> true;
            default -> false;
        };
        if (lostLike || s.getState() == io.k8sm.avro.TaskState.TASK_KILLED) {
            PodSnapshot pod = state.pods().get(podKey);
            if (pod != null && pod.getUid().equals(t.getPodUid())) {
                String reason =
                        "task " + t.getId() + " " + detail + "; deleting the pod so that its controller recreates it";
                out.add(new SchedulerOutput.Action(
                        new PodAction(podKey, pod.getUid(), PodActionType.DELETE, 0L, reason)));
            }
        }
    }

    /**
     * The seed's fix: a task that ended before its pod was bound is reconciled against the latest
     * pod: gone → nothing left to do; still unbound → a new task, queued at once; bound → nothing.
     */
    private void reconcileUnbound(RegistryTask t, long now) {
        String podKey = t.getPodKey();
        PodSnapshot pod = state.pods().get(podKey);
        if (pod == null || !pod.getUid().equals(t.getPodUid()) || PodChecks.deleting(pod)) {
            state.queue().delete(podKey);
            event(podKey, t.getId(), SchedulerEventType.RECONCILED, "pod is gone; task removed", Tasks.host(t), now);
            return;
        }
        if (PodChecks.bound(pod)) {
            event(
                    podKey,
                    t.getId(),
                    SchedulerEventType.RECONCILED,
                    "pod is bound to " + pod.getNodeName() + "; nothing to do",
                    pod.getNodeName(),
                    now);
            return;
        }
        if (registry.byPod(podKey) != null) {
            return; // another task already runs this pod
        }
        RegistryTask next = Tasks.pending(Tasks.taskId(pod.getUid(), t.getId()), pod, now);
        next = Tasks.edit(next, now).setAttempt(t.getAttempt()).build();
        if (!registry.register(next)) {
            event(
                    podKey,
                    next.getId(),
                    SchedulerEventType.INVALID,
                    "cannot re-register task " + next.getId(),
                    null,
                    now);
            return;
        }
        enqueue(podKey, now, 0, now);
        log.info(
                "pod {} still unbound after task {} ended on {}; rescheduling as task {}",
                podKey,
                t.getId(),
                Tasks.host(t),
                next.getId());
        event(
                podKey,
                next.getId(),
                SchedulerEventType.RESCHEDULED,
                "task "
                        + t.getId()
                        + " ended before the pod was bound"
                        + " (was assigned to "
                        + Tasks.host(t)
                        + "); scheduling again",
                Tasks.host(t),
                now);
    }

    private void unknownTaskStatus(TaskStatus s) {
        switch (s.getState()) {
            case TASK_STAGING -> log.debug("TASK_STAGING for unknown task {}: tolerated", s.getTaskId());
            case TASK_STARTING, TASK_RUNNING -> {
                log.warn("{} for unknown task {}; killing it", s.getState(), s.getTaskId());
                kill(s.getTaskId(), s.getAgentId());
                out.add(new SchedulerOutput.Rejected(
                        "task-status",
                        s.getTaskId(),
                        s.getState() + " for a task the registry does not know; the task was killed"));
            }
            default -> log.debug("{} for unknown task {}: nothing to do", s.getState(), s.getTaskId());
        }
    }

    // ---------------------------------------------------------------- framework

    private void onFramework(SchedulerInput.FrameworkUpdate f, long now) {
        Object ev = f.event().getEvent();
        if (ev instanceof Subscribed) {
            state.meta().put(CONNECTED, 1L);
            startExplicitReconcile(now);
            if (state.meta(IMPLICIT_NEXT, 0L) == 0L) {
                state.meta().put(IMPLICIT_NEXT, now + settings.implicitReconcileInitialDelayMs());
            }
        } else if (ev instanceof Disconnected || ev instanceof MesosError) {
            log.warn("framework disconnected ({}); every offer dropped", ev);
            state.meta().put(CONNECTED, 0L);
            dropOffers(now, null);
        } else if (ev instanceof AgentLost a) {
            log.warn("agent {} ({}) lost; its offers dropped", a.getAgentId(), a.getHostname());
            dropOffers(now, a.getAgentId());
        } else if (ev instanceof ExecutorLost x) {
            log.info(
                    "executor {} on agent {} lost (status {}); its tasks' updates will follow",
                    x.getExecutorId(),
                    x.getAgentId(),
                    x.getStatus());
        } else if (ev instanceof CallRejected c) {
            log.warn(
                    "Mesos call {} ({}) rejected: {} {}",
                    c.getCallId(),
                    c.getCallType(),
                    c.getHttpStatus(),
                    c.getReason());
        }
    }

    // ---------------------------------------------------------------- reconciliation with Mesos

    /**
     * On (re)subscription: every launched task is to be reconciled explicitly; replaces a running
     * one.
     */
    private void startExplicitReconcile(long now) {
        for (Map.Entry<String, String> e : state.reconcilePending().all()) {
            state.reconcilePending().delete(e.getKey());
        }
        for (RegistryTask t : registry.all()) {
            if (t.getState() != RegistryTaskState.FINISHED && Tasks.launched(t)) {
                String agent = Tasks.agentId(t);
                state.reconcilePending().put(t.getId(), agent == null ? "" : agent);
            }
        }
        state.meta().put(EXPLICIT_NEXT, now);
        state.meta().put(EXPLICIT_DELAY, settings.explicitReconcileInitialMs());
    }

    /**
     * Explicit reconciliation (with backoff until every task answered), then implicit; rate-limited.
     */
    private void reconcile(long now) {
        if (state.meta(CONNECTED, 0L) != 1L) {
            return;
        }
        long last = state.meta(LAST_RECONCILE, Long.MIN_VALUE / 2);
        if (now < last + settings.reconcileMinIntervalMs()) {
            return;
        }
        List<Map.Entry<String, String>> pending = state.reconcilePending().all();
        if (!pending.isEmpty() && now >= state.meta(EXPLICIT_NEXT, 0L)) {
            List<ReconcileTask> tasks = new ArrayList<>();
            for (Map.Entry<String, String> e : pending) {
                tasks.add(new ReconcileTask(e.getKey(), e.getValue().isEmpty() ? null : e.getValue()));
            }
            call("reconcile", new Reconcile(tasks));
            long delay = state.meta(EXPLICIT_DELAY, settings.explicitReconcileInitialMs());
            state.meta().put(EXPLICIT_NEXT, now + Math.max(delay, settings.reconcileMinIntervalMs()));
            state.meta().put(EXPLICIT_DELAY, Math.min(delay * 2, settings.explicitReconcileMaxMs()));
            state.meta().put(LAST_RECONCILE, now);
            log.info("explicit reconciliation of {} tasks", tasks.size());
            return;
        }
        long implicitNext = state.meta(IMPLICIT_NEXT, 0L);
        if (implicitNext != 0L && now >= implicitNext) {
            call("reconcile", new Reconcile(List.of()));
            state.meta().put(IMPLICIT_NEXT, now + settings.implicitReconcileIntervalMs());
            state.meta().put(LAST_RECONCILE, now);
            log.info("implicit reconciliation");
        }
    }

    // ---------------------------------------------------------------- outputs

    private void decline(String offerId) {
        call("decline", new Decline(List.of(offerId), settings.refuseSeconds()));
    }

    private void kill(String taskId, String agentId) {
        call("kill", new Kill(taskId, agentId));
    }

    private void call(String type, Object call) {
        long seq = state.meta(CALL_SEQ, 0L) + 1;
        state.meta().put(CALL_SEQ, seq);
        String id = "k8sm-scheduler-" + type + "-" + seq;
        out.add(new SchedulerOutput.Call(new MesosCall(id, call)));
    }

    private void event(String podKey, String taskId, SchedulerEventType type, String message, String host, long now) {
        out.add(new SchedulerOutput.Event(
                new SchedulerEvent(podKey, taskId, type, message, host, Instant.ofEpochMilli(now))));
    }
}
