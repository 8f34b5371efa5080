package io.k8sm.launcher.launch;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.k8sm.avro.Accept;
import io.k8sm.avro.Launch;
import io.k8sm.avro.LaunchRequest;
import io.k8sm.avro.LauncherEvent;
import io.k8sm.avro.LauncherEventType;
import io.k8sm.avro.MesosCall;
import io.k8sm.avro.TaskLaunch;
import io.k8sm.contract.NodeNames;
import io.k8sm.launcher.kafka.CatchUpReader;
import io.k8sm.launcher.kafka.Outputs;
import io.k8sm.launcher.kafka.TransactionalLoop;
import io.k8sm.launcher.kubeapi.ApiErrors;
import io.k8sm.launcher.prepare.LaunchPreparer;
import io.k8sm.launcher.prepare.LaunchRejectedException;
import io.k8sm.launcher.prepare.PreparedLaunch;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The launch loop's work on one batch of {@code launch-requests}: prepare each task, check the pod
 * still exists, and write — in the loop's transaction — one ACCEPT per agent and offer set (the
 * pods placed together share their offers) to {@code mesos-calls} and one LAUNCHED per task to
 * {@code launcher-events}. A request whose task was already launched or rejected (a replay) yields
 * nothing; a request that cannot be launched yields LAUNCH_REJECTED with the reason.
 */
public final class LaunchHandler implements TransactionalLoop.BatchHandler {
    private static final Logger log = LoggerFactory.getLogger(LaunchHandler.class);

    private final Outputs out;
    private final PodLookup pods;
    private final String executorCommand;
    private final LaunchLedger ledger;
    private final CatchUpReader history;
    private final Double acceptRefuseSeconds;
    private final List<String> pendingTasks = new ArrayList<>();
    private final List<String> pendingOffers = new ArrayList<>();

    /**
     * @param history a reader of {@code launcher-events} that folds into {@code ledger}; caught up
     *     before each batch, so a request decided by any launcher instance (or before a restart) is
     *     not redone
     */
    public LaunchHandler(
            Outputs out, PodLookup pods, String executorCommand, LaunchLedger ledger, CatchUpReader history) {
        this(out, pods, executorCommand, ledger, history, null);
    }

    /**
     * @param acceptRefuseSeconds the ACCEPT's refuse filter; null leaves it to Mesos (5 s)
     */
    public LaunchHandler(
            Outputs out,
            PodLookup pods,
            String executorCommand,
            LaunchLedger ledger,
            CatchUpReader history,
            Double acceptRefuseSeconds) {
        this.acceptRefuseSeconds = acceptRefuseSeconds;
        this.out = out;
        this.pods = pods;
        this.executorCommand = executorCommand;
        this.ledger = ledger;
        this.history = history;
    }

    /** The pods ({@code namespace/name}) a batch's readable launch requests are for. */
    private List<String> podsOf(List<ConsumerRecord<String, byte[]>> batch) {
        List<String> keys = new ArrayList<>(batch.size());
        for (ConsumerRecord<String, byte[]> raw : batch) {
            try {
                LaunchRequest r = out.codec().decode(LaunchRequest.class, raw.topic(), raw.value());
                if (r != null && r.getPod() != null) {
                    keys.add(r.getPod().getNamespace() + "/" + r.getPod().getName());
                }
            } catch (RuntimeException e) {
                // unreadable: the batch's own pass dead-letters it
            }
        }
        return keys;
    }

    /** Folds a launcher-events record into the ledger (the history reader's handler). */
    public static void fold(LaunchLedger ledger, Outputs out, ConsumerRecord<String, byte[]> r) {
        try {
            ledger.onEvent(out.codec().decode(LauncherEvent.class, r.topic(), r.value()));
        } catch (RuntimeException e) {
            log.warn(
                    "unreadable launcher event at {}-{}@{} skipped: {}",
                    r.topic(),
                    r.partition(),
                    r.offset(),
                    e.toString());
        }
    }

    @Override
    public List<ProducerRecord<String, byte[]>> handle(List<ConsumerRecord<String, byte[]>> batch)
            throws TransactionalLoop.RetryLater {
        pendingTasks.clear();
        pendingOffers.clear();
        if (history != null) {
            history.catchUp();
        }
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Set<String> offersInBatch = new HashSet<>();
        Map<String, List<PreparedLaunch>> groups = new LinkedHashMap<>();
        pods.prefetch(podsOf(batch));
        for (ConsumerRecord<String, byte[]> raw : batch) {
            LaunchRequest request;
            try {
                request = out.codec().decode(LaunchRequest.class, raw.topic(), raw.value());
            } catch (RuntimeException e) {
                log.error(
                        "unreadable launch request at {}-{}@{}: dead-lettered: {}",
                        raw.topic(),
                        raw.partition(),
                        raw.offset(),
                        e.toString());
                records.add(out.deadLetter(raw, e));
                continue;
            }
            if (request == null) {
                continue; // a tombstone carries no request
            }
            String taskId = request.getTaskId();
            String podKey = request.getPod() == null
                    ? String.valueOf(raw.key())
                    : request.getPod().getNamespace() + "/" + request.getPod().getName();
            if (ledger.isDecided(taskId) || !seen.add(taskId)) {
                log.info(
                        "launch request for task {} (pod {}) seen again: already handled, nothing launched",
                        taskId,
                        podKey);
                continue;
            }
            try {
                PreparedLaunch p = LaunchPreparer.prepareTaskForLaunch(request, executorCommand);
                checkPodExists(p);
                if (ledger.anyOfferUsed(p.offerIds())) {
                    throw new LaunchRejectedException("offers "
                            + p.offerIds()
                            + " of task "
                            + taskId
                            + " were already accepted by an earlier ACCEPT for agent "
                            + p.agentId());
                }
                String group = p.agentId() + " " + new TreeSet<>(p.offerIds());
                if (!groups.containsKey(group) && p.offerIds().stream().anyMatch(offersInBatch::contains)) {
                    throw new LaunchRejectedException("offers "
                            + p.offerIds()
                            + " of task "
                            + taskId
                            + " overlap another ACCEPT of this batch with a different offer set");
                }
                offersInBatch.addAll(p.offerIds());
                groups.computeIfAbsent(group, g -> new ArrayList<>()).add(p);
            } catch (LaunchRejectedException e) {
                log.warn("launch of task {} (pod {}) rejected: {}", taskId, podKey, e.getMessage());
                records.add(out.event(taskId, podKey, LauncherEventType.LAUNCH_REJECTED, e.getMessage(), null));
                pendingTasks.add(taskId);
            }
        }
        for (List<PreparedLaunch> group : groups.values()) {
            PreparedLaunch first = group.get(0);
            List<TaskLaunch> tasks = new ArrayList<>();
            group.forEach(p -> tasks.add(p.launch()));
            MesosCall call = MesosCall.newBuilder()
                    .setCallId("launch/" + first.taskId())
                    .setCall(Accept.newBuilder()
                            .setOfferIds(first.offerIds())
                            .setOperations(
                                    List.of(Launch.newBuilder().setTasks(tasks).build()))
                            .setFilters(
                                    acceptRefuseSeconds == null
                                            ? null
                                            : io.k8sm.avro.Filters.newBuilder()
                                                    .setRefuseSeconds(acceptRefuseSeconds)
                                                    .build())
                            .build())
                    .build();
            records.add(out.call(call));
            for (PreparedLaunch p : group) {
                records.add(out.event(p.taskId(), p.podKey(), LauncherEventType.LAUNCHED, null, p.bindingHost()));
                pendingTasks.add(p.taskId());
                log.info(
                        "launching task {} (pod {}) on {} with offers {}",
                        p.taskId(),
                        p.podKey(),
                        p.bindingHost(),
                        p.offerIds());
            }
            pendingOffers.addAll(first.offerIds());
        }
        return records;
    }

    private void checkPodExists(PreparedLaunch p) throws LaunchRejectedException, TransactionalLoop.RetryLater {
        String nodeName;
        try {
            nodeName = NodeNames.toNodeName(p.bindingHost());
        } catch (IllegalArgumentException e) {
            throw new LaunchRejectedException(
                    "agent host of pod " + p.podKey() + " has no node name: " + e.getMessage());
        }
        Optional<Pod> live;
        try {
            live = pods.find(p.pod().getNamespace(), p.pod().getName());
        } catch (KubernetesClientException e) {
            if (!ApiErrors.isTransient(e)) {
                throw new LaunchRejectedException("cannot look up pod " + p.podKey() + ": " + ApiErrors.reason(e));
            }
            throw new TransactionalLoop.RetryLater(
                    "cannot look up pod " + p.podKey() + " in the Kubernetes API: " + e, e);
        } catch (RuntimeException e) {
            throw new TransactionalLoop.RetryLater(
                    "cannot look up pod " + p.podKey() + " in the Kubernetes API: " + e, e);
        }
        if (live.isEmpty()) {
            throw new LaunchRejectedException("pod " + p.podKey() + " no longer exists in the Kubernetes API");
        }
        Pod pod = live.get();
        String uid = pod.getMetadata().getUid();
        if (uid != null && !p.pod().getUid().isBlank() && !uid.equals(p.pod().getUid())) {
            throw new LaunchRejectedException("pod "
                    + p.podKey()
                    + " was replaced (uid "
                    + uid
                    + ", the request's "
                    + p.pod().getUid()
                    + ")");
        }
        if (pod.getMetadata().getDeletionTimestamp() != null) {
            throw new LaunchRejectedException("pod " + p.podKey() + " is being deleted");
        }
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (node != null && !node.isBlank() && !node.equals(nodeName)) {
            throw new LaunchRejectedException("pod " + p.podKey() + " is already bound to node " + node);
        }
    }

    @Override
    public void committed() {
        pods.batchCommitted();
        ledger.record(pendingTasks, pendingOffers);
        pendingTasks.clear();
        pendingOffers.clear();
    }

    @Override
    public void aborted() {
        pendingTasks.clear();
        pendingOffers.clear();
    }
}
