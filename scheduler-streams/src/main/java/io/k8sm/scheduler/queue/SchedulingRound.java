package io.k8sm.scheduler.queue;

import io.k8sm.avro.NodeSnapshot;
import io.k8sm.avro.Offer;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.RegistryTaskState;
import io.k8sm.avro.SchedulerEventType;
import io.k8sm.avro.TaskSpec;
import io.k8sm.contract.PodAnnotations;
import io.k8sm.scheduler.matching.Matcher;
import io.k8sm.scheduler.offers.LiveOffer;
import io.k8sm.scheduler.offers.OfferBook;
import io.k8sm.scheduler.outputs.Decisions;
import io.k8sm.scheduler.registry.TaskRegistry;
import io.k8sm.scheduler.registry.Tasks;
import io.k8sm.scheduler.settings.SchedulerSettings;
import io.k8sm.scheduler.state.Kv;
import io.k8sm.scheduler.state.Meta;
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
 * The queue of pods waiting for an offer and the scheduling round: due pods in FIFO order placed on
 * the live offers, launches requested, failures backed off; and the roll back of a task whose
 * placement did not hold (its offer went stale, the launch or the binding failed before the launch).
 */
public final class SchedulingRound {

    private static final Logger log = LoggerFactory.getLogger(SchedulingRound.class);
    static final String QUEUE_SEQ = "seq.queue";

    private final Kv<String, QueueEntry> queue;
    private final Kv<String, PodSnapshot> pods;
    private final Kv<String, Long> meta;
    private final Kv<String, NodeSnapshot> nodes;
    private final TaskRegistry registry;
    private final OfferBook offers;
    private final Matcher matcher;
    private final Decisions out;
    private final SchedulerSettings settings;

    public SchedulingRound(
            Kv<String, QueueEntry> queue,
            Kv<String, PodSnapshot> pods,
            Kv<String, Long> meta,
            Kv<String, NodeSnapshot> nodes,
            TaskRegistry registry,
            OfferBook offers,
            Matcher matcher,
            Decisions out,
            SchedulerSettings settings) {
        this.queue = queue;
        this.pods = pods;
        this.meta = meta;
        this.nodes = nodes;
        this.registry = registry;
        this.offers = offers;
        this.matcher = matcher;
        this.out = out;
        this.settings = settings;
    }

    /** Queues the pod at the end of the FIFO, due at once. */
    public void enqueue(String podKey, long now) {
        enqueue(podKey, now, 0, now);
    }

    /**
     * Queues the pod at the end of the FIFO after {@code failures} failed attempts (the attempts of a
     * pod whose tasks keep ending before binding), due once their backoff has passed; at once for 0.
     */
    public void enqueueAfterFailures(String podKey, long now, int failures) {
        long next = failures <= 0 ? now : now + nextDelay(podKey, failures);
        enqueue(podKey, now, Math.max(0, failures), next);
    }

    private void enqueue(String podKey, long now, int failures, long nextAttemptAt) {
        long seq = Meta.get(meta, QUEUE_SEQ, 0L) + 1;
        meta.put(QUEUE_SEQ, seq);
        queue.put(podKey, new QueueEntry(podKey, seq, now, nextAttemptAt, failures, false, ""));
    }

    public void dequeue(String podKey) {
        queue.delete(podKey);
    }

    /** Rolls back every not yet launched task that holds the offer (the offer is stale). */
    public void rollBackHolders(String offerId, long now, String why) {
        for (RegistryTask t : registry.all()) {
            if (holds(t, offerId) && t.getState() == RegistryTaskState.PENDING && !Tasks.launched(t)) {
                rollBack(t, now, why, false);
            }
        }
    }

    static boolean holds(RegistryTask t, String offerId) {
        return offerId.equals(t.getOfferId())
                || (t.getOfferId() != null
                        && t.getSpec() != null
                        && t.getSpec().getOfferIds().contains(offerId));
    }

    /**
     * The launch was rejected, or the offer went stale before the launcher's answer: release the
     * offer and queue the pod again with backoff, as a new task. The task id is never placed twice:
     * the launcher launches a task id at most once and drops a request for an id it has decided, and
     * a launch of the old id still in flight (on the stale offer) is then a launch of an unregistered
     * task, which is killed, instead of a second placement that leaks the new offer.
     */
    public void rollBack(RegistryTask task, long now, String why, boolean declineOffer) {
        List<String> offerIds =
                task.getSpec() == null ? List.of() : task.getSpec().getOfferIds();
        registry.remove(task);
        RegistryTask t = Tasks.edit(task, now)
                .setId(Tasks.taskId(task.getPodUid(), task.getId()))
                .setSpec(null)
                .setOfferId(null)
                .build();
        if (!registry.register(t)) {
            log.error(
                    "pod {}: task {} cannot be registered after rolling back task {}",
                    task.getPodKey(),
                    t.getId(),
                    task.getId());
            return;
        }
        if (declineOffer && !offerIds.isEmpty()) {
            out.decline(offerIds);
        }
        QueueEntry prev = queue.get(task.getPodKey());
        int failures = (prev == null ? 0 : prev.failures()) + 1;
        long next = now + nextDelay(task.getPodKey(), failures);
        enqueue(task.getPodKey(), now, failures, next);
        log.info(
                "pod {}: task {} rolled back ({}); next attempt as task {} at {}",
                task.getPodKey(),
                task.getId(),
                why,
                t.getId(),
                next);
        out.event(
                task.getPodKey(),
                t.getId(),
                SchedulerEventType.REQUEUED,
                why + " (was task " + task.getId() + ")",
                Tasks.host(task),
                now);
        if (failures == settings.backoff().maxAttempts()) {
            out.event(
                    task.getPodKey(),
                    t.getId(),
                    SchedulerEventType.FAILED_SCHEDULING,
                    parkedMessage(failures, why),
                    Tasks.host(task),
                    now);
        }
    }

    /** The pods of the registry's placed, not finished tasks, with their hosts. */
    private List<Matcher.Running> running() {
        List<Matcher.Running> running = new ArrayList<>();
        for (RegistryTask t : registry.all()) {
            PodSnapshot pod =
                    t.getSpec() == null || t.getState() == RegistryTaskState.FINISHED ? null : pods.get(t.getPodKey());
            if (pod != null) {
                running.add(new Matcher.Running(pod, Tasks.host(t)));
            }
        }
        return running;
    }

    private static int priority(PodSnapshot pod) {
        return pod.getPriority() == null ? 0 : pod.getPriority();
    }

    /** The backoff after {@code failures} failed attempts; backoff max once the pod is parked. */
    private long nextDelay(String podKey, int failures) {
        return settings.backoff().parked(failures)
                ? settings.backoff().maxMs()
                : settings.backoff().delayMs(podKey, failures);
    }

    /** The FAILED_SCHEDULING message: the shortfall, and when the attempts reach the cap, that the pod is parked. */
    private String parkedMessage(int failures, String why) {
        if (failures != settings.backoff().maxAttempts()) {
            return why;
        }
        return "parked after " + failures + " failed attempts (scheduler.max.attempts): " + why + "; retried every "
                + settings.backoff().maxMs() + " ms, no longer on every new offer";
    }

    /**
     * One scheduling round: the due pods (and, when an offer just arrived, the pods that found no fit
     * before), highest {@code spec.priority} first and FIFO within a priority, against the live
     * offers in arrival order (an agent held for a preemptor only for it).
     *
     * @return the due pods that found no place, in the round's order (candidates for preemption)
     */
    public List<PodSnapshot> schedule(long now, boolean newOffer) {
        List<QueueEntry> entries = new ArrayList<>();
        Map<String, String> held = new HashMap<>(); // host → the pod a preemption freed it for
        Set<String> offered = null;
        for (Map.Entry<String, QueueEntry> e : queue.all()) {
            QueueEntry q = e.getValue();
            String nominated = q.nominatedAt(now);
            if (nominated != null) {
                held.putIfAbsent(nominated, q.podKey());
                if (offered == null) {
                    offered = new HashSet<>();
                    for (LiveOffer lo : offers.live()) {
                        offered.add(lo.offer().getHostname());
                    }
                }
            }
            // a new offer wakes a pod that found no fit; a nominated one only when its agent offers
            boolean woken = newOffer && q.noFit() && (nominated == null || offered.contains(nominated));
            if (q.dueAt(now) || woken) {
                entries.add(q);
            }
        }
        if (entries.isEmpty()) {
            return List.of();
        }
        entries.sort(Comparator.comparingLong(QueueEntry::seq));
        List<PodSnapshot> due = new ArrayList<>();
        Map<String, QueueEntry> byPod = new HashMap<>();
        for (QueueEntry q : entries) {
            PodSnapshot pod = pods.get(q.podKey());
            RegistryTask t = registry.byPod(q.podKey());
            if (pod == null
                    || t == null
                    || t.getState() != RegistryTaskState.PENDING
                    || t.getSpec() != null
                    || Tasks.launched(t)) {
                queue.delete(q.podKey()); // stale entry
                continue;
            }
            due.add(pod);
            byPod.put(q.podKey(), q);
        }
        if (due.isEmpty()) {
            return List.of();
        }
        due.sort(Comparator.comparingInt(SchedulingRound::priority).reversed()); // stable: FIFO within a priority
        Map<String, LiveOffer> offersById = new HashMap<>();
        List<Offer> live = new ArrayList<>();
        for (LiveOffer lo : offers.live()) {
            live.add(lo.offer());
            offersById.put(lo.id(), lo);
        }
        Matcher.Result result = matchHolding(due, live, held);
        Set<String> used = new LinkedHashSet<>();
        Set<String> placed = new HashSet<>();
        for (Matcher.Placed p : result.placed()) {
            QueueEntry q = byPod.get(p.podKey());
            if (q == null || !offersById.keySet().containsAll(p.offerIds()) || placed.contains(p.podKey())) {
                log.error("matcher placed unknown pod {} or offers {}; ignored", p.podKey(), p.offerIds());
                continue;
            }
            launch(p, pods.get(p.podKey()), now);
            placed.add(p.podKey());
            used.addAll(p.offerIds());
        }
        for (String offerId : used) {
            offers.used(offersById.get(offerId), now);
        }
        List<PodSnapshot> unplaced = new ArrayList<>();
        for (PodSnapshot pod : due) {
            String podKey = Tasks.podKey(pod);
            QueueEntry q = byPod.get(podKey);
            if (placed.contains(podKey) || !q.dueAt(now)) {
                continue; // placed, or woken by an offer that does not fit it either: keep its backoff
            }
            unplaced.add(pod);
            String shortfall =
                    result.shortfalls().getOrDefault(podKey, live.isEmpty() ? "no offers available" : "no offer fits");
            int failures = q.failures() + 1;
            boolean parked = settings.backoff().parked(failures);
            // the pods of a gang back off as one (the same jittered delay), so that they are due together again
            String gang = pod.getAnnotations().get(PodAnnotations.GANG);
            long next = now + nextDelay(gang == null ? podKey : pod.getNamespace() + "/gang/" + gang, failures);
            // a parked pod is not woken by new offers (noFit false): only its retries at backoff max try it again
            queue.put(
                    podKey,
                    new QueueEntry(
                            podKey,
                            q.seq(),
                            q.enqueuedAt(),
                            next,
                            failures,
                            !parked,
                            shortfall,
                            q.nominatedHost(),
                            q.nominatedUntil()));
            RegistryTask t = registry.byPod(podKey);
            if (parked && failures > settings.backoff().maxAttempts()) {
                log.debug("pod {} task {}: parked, attempt {} failed ({})", podKey, t.getId(), failures, shortfall);
                continue; // said once, when it was parked
            }
            log.info(
                    "pod {} task {}: failed scheduling ({}); attempt {} next at {}",
                    podKey,
                    t.getId(),
                    shortfall,
                    failures,
                    next);
            out.event(
                    podKey,
                    t.getId(),
                    SchedulerEventType.FAILED_SCHEDULING,
                    parkedMessage(failures, shortfall),
                    null,
                    now);
        }
        return unplaced;
    }

    /**
     * The matcher's answer, with the agents a preemption freed held for their pods: those pods are
     * matched first, on every live offer; every other pod then on the offers left, less those of a
     * held agent.
     */
    private Matcher.Result matchHolding(List<PodSnapshot> due, List<Offer> live, Map<String, String> held) {
        Matcher.Context context = new Matcher.Context(
                nodes::get,
                this::running,
                () -> nodes.all().stream().map(Map.Entry::getValue).toList());
        if (held.isEmpty()) {
            return matcher.match(due, live, context);
        }
        Set<String> nominees = new HashSet<>(held.values());
        List<PodSnapshot> first =
                due.stream().filter(p -> nominees.contains(Tasks.podKey(p))).toList();
        List<PodSnapshot> rest =
                due.stream().filter(p -> !nominees.contains(Tasks.podKey(p))).toList();
        Matcher.Result r1 =
                first.isEmpty() ? new Matcher.Result(List.of(), Map.of()) : matcher.match(first, live, context);
        Set<String> taken = new HashSet<>();
        r1.placed().forEach(p -> taken.addAll(p.offerIds()));
        List<Offer> left = live.stream()
                .filter(o -> !taken.contains(o.getId()) && !held.containsKey(o.getHostname()))
                .toList();
        Matcher.Result r2 =
                rest.isEmpty() ? new Matcher.Result(List.of(), Map.of()) : matcher.match(rest, left, context);
        List<Matcher.Placed> placed = new ArrayList<>(r1.placed());
        placed.addAll(r2.placed());
        Map<String, String> shortfalls = new HashMap<>(r1.shortfalls());
        shortfalls.putAll(r2.shortfalls());
        return new Matcher.Result(placed, shortfalls);
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
        queue.delete(p.podKey());
        out.launch(t, pod);
        log.info(
                "pod {} task {} scheduled on {} (offers {})",
                p.podKey(),
                t.getId(),
                spec.getAssignedSlave(),
                p.offerIds());
        out.event(
                p.podKey(),
                t.getId(),
                SchedulerEventType.SCHEDULED,
                "offer " + String.join(",", p.offerIds()) + " on " + spec.getAssignedSlave(),
                spec.getAssignedSlave(),
                now);
    }
}
