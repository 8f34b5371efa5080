package io.k8sm.scheduler.lifecycle;

import io.k8sm.avro.NodeSnapshot;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.SchedulerEventType;
import io.k8sm.scheduler.matching.Constraints;
import io.k8sm.scheduler.outputs.Decisions;
import io.k8sm.scheduler.procurement.Taint;
import io.k8sm.scheduler.procurement.Toleration;
import io.k8sm.scheduler.registry.TaskRegistry;
import io.k8sm.scheduler.registry.Tasks;
import io.k8sm.scheduler.state.Kv;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * NoExecute taints, as Kubernetes' taint manager applies them: a pod running on a node with a
 * NoExecute taint it does not tolerate is evicted at once; one that tolerates it with {@code
 * tolerationSeconds} is evicted that long after the taint appeared (the taint's {@code timeAdded},
 * else the event time the scheduler first saw it); one that tolerates it for ever stays. Eviction
 * kills the task and deletes the pod ({@code pod-actions} DELETE), with an {@code EVICTED} event.
 *
 * <p>Checked when a node changes and on every clock tick, from event time only: a replay evicts
 * the same pods at the same inputs.
 */
public final class TaintEviction {

    private static final Logger log = LoggerFactory.getLogger(TaintEviction.class);

    /** Meta key prefix: {@code noexecute.<node>/<taint>} → when the scheduler first saw the taint. */
    static final String SEEN = "noexecute.";

    private final Kv<String, NodeSnapshot> nodes;
    private final Kv<String, PodSnapshot> pods;
    private final Kv<String, Long> meta;
    private final TaskRegistry registry;
    private final TaskLifecycle lifecycle;
    private final Decisions out;

    public TaintEviction(
            Kv<String, NodeSnapshot> nodes,
            Kv<String, PodSnapshot> pods,
            Kv<String, Long> meta,
            TaskRegistry registry,
            TaskLifecycle lifecycle,
            Decisions out) {
        this.nodes = nodes;
        this.pods = pods;
        this.meta = meta;
        this.registry = registry;
        this.lifecycle = lifecycle;
        this.out = out;
    }

    /**
     * The latest snapshot of a node (null: deleted): remembers when its NoExecute taints appeared, then
     * evicts.
     *
     * @return whether the node now takes pods it did not take before (a taint removed, uncordoned): the
     *     pods that found no fit are worth another try at once, as on a new offer
     */
    public boolean onNode(String nodeName, NodeSnapshot node, long now) {
        NodeSnapshot before = nodes.get(nodeName);
        boolean loosened = before != null
                && node != null
                && (before.getUnschedulable() && !node.getUnschedulable()
                        || !node.getTaints().containsAll(before.getTaints()));
        List<Taint> was = before == null ? List.of() : noExecute(before);
        List<Taint> is = node == null ? List.of() : noExecute(node);
        for (Taint t : was) {
            if (!is.contains(t)) {
                meta.delete(seenKey(nodeName, t));
            }
        }
        if (node == null) {
            nodes.delete(nodeName);
            return false;
        }
        nodes.put(nodeName, node);
        for (io.k8sm.avro.Taint t : node.getTaints()) {
            Taint taint = new Taint(t.getKey(), t.getValue(), t.getEffect());
            if (is.contains(taint) && meta.get(seenKey(nodeName, taint)) == null) {
                meta.put(
                        seenKey(nodeName, taint),
                        t.getTimeAdded() == null ? now : t.getTimeAdded().toEpochMilli());
            }
        }
        if (!is.isEmpty()) {
            evict(Map.of(nodeName, is), now);
        }
        return loosened;
    }

    /** A clock tick: the pods whose toleration of a NoExecute taint has run out are evicted. */
    public void onTick(long now) {
        Map<String, List<Taint>> tainted = new java.util.TreeMap<>();
        for (Map.Entry<String, NodeSnapshot> e : nodes.all()) {
            List<Taint> ts = noExecute(e.getValue());
            if (!ts.isEmpty()) {
                tainted.put(e.getKey(), ts);
            }
        }
        if (!tainted.isEmpty()) {
            evict(tainted, now);
        }
    }

    private void evict(Map<String, List<Taint>> tainted, long now) {
        for (RegistryTask t : registry.all()) {
            String host = Tasks.host(t);
            if (host == null || !Tasks.launched(t) || Tasks.deleted(t)) {
                continue;
            }
            String nodeName = Constraints.nodeName(host);
            List<Taint> taints = tainted.get(nodeName);
            PodSnapshot pod = taints == null ? null : pods.get(t.getPodKey());
            if (pod == null) {
                continue;
            }
            String why = why(nodeName, taints, Constraints.tolerations(pod.getTolerations()), now);
            if (why != null) {
                log.info("pod {} task {} evicted: {}", t.getPodKey(), t.getId(), why);
                out.event(t.getPodKey(), t.getId(), SchedulerEventType.EVICTED, why, host, now);
                out.deletePod(t.getPodKey(), pod.getUid(), "evicted: " + why);
                lifecycle.podDeleted(t, now, "evicted: " + why);
            }
        }
    }

    /** Why the pod must go now, or null while it may stay. */
    private String why(String nodeName, List<Taint> taints, List<Toleration> tolerations, long now) {
        for (Taint taint : taints) {
            Long allowed = null;
            boolean tolerated = false;
            for (Toleration tol : tolerations) {
                if (tol.tolerates(taint)) {
                    tolerated = true;
                    if (tol.tolerationSeconds() == null) {
                        allowed = Long.MAX_VALUE;
                        break;
                    }
                    allowed = allowed == null ? tol.tolerationSeconds() : Math.min(allowed, tol.tolerationSeconds());
                }
            }
            if (!tolerated) {
                return "node " + nodeName + " has taint " + taint + ", which the pod does not tolerate";
            }
            if (allowed != Long.MAX_VALUE) {
                long since = meta.get(seenKey(nodeName, taint)) == null ? now : meta.get(seenKey(nodeName, taint));
                long seconds = Math.max(0, allowed);
                if (now >= since + seconds * 1000) {
                    return "node " + nodeName + " has had taint " + taint + " for over the pod's tolerationSeconds "
                            + seconds;
                }
            }
        }
        return null;
    }

    private static List<Taint> noExecute(NodeSnapshot node) {
        return Constraints.taints(node).stream()
                .filter(t -> Taint.NO_EXECUTE.equals(t.effect()))
                .toList();
    }

    private static String seenKey(String nodeName, Taint t) {
        return SEEN + nodeName + "/" + t;
    }
}
