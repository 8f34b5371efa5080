package io.k8sm.launcher.status;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.k8sm.avro.TaskState;
import io.k8sm.avro.TaskStatus;
import io.k8sm.contract.PodAnnotations;
import io.k8sm.launcher.binding.LaunchedTask;
import io.k8sm.launcher.kubeapi.ApiErrors;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Mesos task status → the pod's status subresource: phase (Running, Succeeded, Failed), hostIP (the
 * node's InternalIP), and the conditions PodScheduled and Ready. A write that fails is never
 * dropped: a transient API error is thrown on (the bridge retries the batch until the status is
 * written — after a terminal status there is no later update that would write it), a permanent one
 * is a {@link StatusRejected} (the bridge dead-letters the status with the reason).
 */
public final class PodStatusWriter {
    private static final Logger log = LoggerFactory.getLogger(PodStatusWriter.class);

    /** The status a task state means for its pod, or null when the pod status is left as it is. */
    public record Desired(String phase, boolean ready, String reason, String message) {}

    /** The API refused the pod status for good (a 4xx other than 404): dead-letter it. */
    public static final class StatusRejected extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StatusRejected(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final KubernetesClient client;
    private final Clock clock;
    private final Function<String, Node> nodeCache;
    private final BiFunction<String, String, Pod> podCache;

    /** {@code clock} stamps the conditions' lastTransitionTime. */
    public PodStatusWriter(KubernetesClient client, Clock clock) {
        this(client, clock, name -> null, (ns, name) -> null);
    }

    /**
     * @param nodeCache the node informer's cache by node name (null: not there), read before the API
     * @param podCache the pod informer's cache by namespace and name: a pod it shows with the status
     *     already written costs no API call (else the pod is read from the API and written)
     */
    public PodStatusWriter(
            KubernetesClient client,
            Clock clock,
            Function<String, Node> nodeCache,
            BiFunction<String, String, Pod> podCache) {
        this.client = client;
        this.clock = clock;
        this.nodeCache = nodeCache;
        this.podCache = podCache;
    }

    /** Pure: what the pod's status should become for a task status. */
    public static Desired desired(TaskStatus s) {
        TaskState state = s.getState();
        return switch (state) {
            case TASK_RUNNING -> new Desired("Running", s.getHealthy() == null || s.getHealthy(), null, null);
            // as for a pod on a node that stopped reporting: not ready, its state not known
            case TASK_UNREACHABLE -> new Desired("Unknown", false, "NodeLost", s.getMessage());
            // the master does not know the task (a lost agent's TASK_GONE missed, a new framework id):
            // not Running, and not Failed, which is final while the scheduler's deletion guard may hold it
            case TASK_UNKNOWN -> new Desired("Unknown", false, state.name(), reasonAndMessage(s));
            case TASK_FINISHED -> new Desired("Succeeded", false, "Completed", s.getMessage());
            case TASK_FAILED, TASK_KILLED, TASK_ERROR, TASK_LOST, TASK_DROPPED, TASK_GONE, TASK_GONE_BY_OPERATOR ->
                new Desired("Failed", false, state.name(), reasonAndMessage(s));
            default -> null;
        };
    }

    private static String reasonAndMessage(TaskStatus s) {
        return s.getReason() == null
                ? s.getMessage()
                : s.getReason() + (s.getMessage() == null ? "" : ": " + s.getMessage());
    }

    /**
     * Writes the pod status for a task status. A pod that is gone (or another pod now) is left alone;
     * a transient API error is thrown as the {@code KubernetesClientException} (retry the batch); a
     * permanent one as {@link StatusRejected}.
     */
    public void apply(LaunchedTask task, TaskStatus s) {
        Desired d = desired(s);
        if (d == null) {
            return;
        }
        try {
            String hostIP = hostIP(task);
            Pod seen = podCache.apply(task.namespace(), task.name());
            if (seen != null && ownTask(seen, task) && alreadySo(seen.getStatus(), d, hostIP)) {
                return; // the informer shows it written (a reconciliation repeats every task's state)
            }
            Pod pod = client.pods()
                    .inNamespace(task.namespace())
                    .withName(task.name())
                    .get();
            if (pod == null) {
                log.debug("pod {} is gone; status {} not written", task.podKey(), s.getState());
                return;
            }
            if (!ownTask(pod, task)) {
                log.debug(
                        "pod {} is another pod now, or runs another task; status {} of task {} not written",
                        task.podKey(),
                        s.getState(),
                        task.taskId());
                return; // a pod of the same name, or an earlier task of it (a late TASK_LOST of a rolled-back launch)
            }
            boolean bound = pod.getSpec() != null
                    && pod.getSpec().getNodeName() != null
                    && !pod.getSpec().getNodeName().isBlank();
            if (!bound && ("Failed".equals(d.phase()) || "Unknown".equals(d.phase()))) {
                log.debug(
                        "pod {} not bound: {} of task {} leaves it Pending, the scheduler places it again",
                        task.podKey(),
                        s.getState(),
                        task.taskId());
                return; // Failed is final in Kubernetes; a pod that never ran on an agent is still to place
            }
            if (alreadySo(pod.getStatus(), d, hostIP)) {
                return; // already so: no write
            }
            String now = clock.instant().toString();
            client.pods().inNamespace(task.namespace()).withName(task.name()).editStatus(p -> {
                PodStatus st = p.getStatus() == null ? new PodStatus() : p.getStatus();
                st.setPhase(d.phase());
                st.setReason(d.reason());
                st.setMessage(d.message());
                if (hostIP != null) {
                    st.setHostIP(hostIP);
                }
                List<PodCondition> conditions = new ArrayList<>();
                if (st.getConditions() != null) {
                    st.getConditions().stream()
                            .filter(c -> !"Ready".equals(c.getType()) && !"PodScheduled".equals(c.getType()))
                            .forEach(conditions::add);
                }
                conditions.add(new PodConditionBuilder()
                        .withType("PodScheduled")
                        .withStatus("True")
                        .withLastTransitionTime(now)
                        .build());
                conditions.add(new PodConditionBuilder()
                        .withType("Ready")
                        .withStatus(d.ready() ? "True" : "False")
                        .withReason(d.ready() ? null : d.reason())
                        .withLastTransitionTime(now)
                        .build());
                st.setConditions(conditions);
                p.setStatus(st);
                return p;
            });
            log.info("pod {}: phase {} (task {} {})", task.podKey(), d.phase(), task.taskId(), s.getState());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                log.info("pod {} is gone; status {} not written", task.podKey(), s.getState());
                return;
            }
            if (ApiErrors.isTransientCode(e.getCode())) {
                log.warn("pod {}: status {} not written yet (retried): {}", task.podKey(), d.phase(), e.getMessage());
                throw e;
            }
            throw new StatusRejected(
                    "pod " + task.podKey() + ": status " + d.phase() + " for task " + task.taskId() + " " + s.getState()
                            + " refused (HTTP " + e.getCode() + "): " + e.getMessage(),
                    e);
        }
    }

    /** The pod is the task's: the same uid, and no other task's id in its annotations. */
    private static boolean ownTask(Pod pod, LaunchedTask task) {
        if (!task.uid().isBlank()
                && pod.getMetadata().getUid() != null
                && !task.uid().equals(pod.getMetadata().getUid())) {
            return false;
        }
        String ownTask = pod.getMetadata().getAnnotations() == null
                ? null
                : pod.getMetadata().getAnnotations().get(PodAnnotations.TASK_ID);
        return ownTask == null || ownTask.equals(task.taskId());
    }

    /** The status already says what {@code d} and the host IP (when known) would write. */
    private static boolean alreadySo(PodStatus current, Desired d, String hostIP) {
        return current != null
                && (hostIP == null || hostIP.equals(current.getHostIP()))
                && d.phase().equals(current.getPhase())
                && Objects.equals(d.reason(), current.getReason())
                && Objects.equals(d.message(), current.getMessage())
                && readyIs(current, d.ready());
    }

    /** Whether the status's Ready condition already says {@code ready}. */
    private static boolean readyIs(PodStatus st, boolean ready) {
        return st.getConditions() != null
                && st.getConditions().stream()
                        .anyMatch(c -> "Ready".equals(c.getType()) && (ready ? "True" : "False").equals(c.getStatus()));
    }

    /**
     * The InternalIP of the task's node, as the node informer has it, else as the API does; null when
     * the node has none or cannot be read now: the phase is not held back for it (a later status or
     * reconciliation adds it).
     */
    private String hostIP(LaunchedTask task) {
        Node node = nodeCache.apply(task.nodeName());
        if (node == null) {
            try {
                node = client.nodes().withName(task.nodeName()).get();
            } catch (KubernetesClientException e) {
                log.info(
                        "pod {}: node {} not readable now (HTTP {}); status written without hostIP",
                        task.podKey(),
                        task.nodeName(),
                        e.getCode());
                return null;
            }
        }
        if (node == null || node.getStatus() == null || node.getStatus().getAddresses() == null) {
            return null;
        }
        return node.getStatus().getAddresses().stream()
                .filter(a -> "InternalIP".equals(a.getType()))
                .map(NodeAddress::getAddress)
                .findFirst()
                .orElse(null);
    }
}
