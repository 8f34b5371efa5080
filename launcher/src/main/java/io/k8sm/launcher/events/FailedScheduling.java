package io.k8sm.launcher.events;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.k8sm.avro.SchedulerEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What kube-scheduler shows for a pod it cannot place, from the scheduler's FAILED_SCHEDULING
 * events: a {@code FailedScheduling} Event (type Warning, the shortfall as message, the pod as
 * involvedObject) and the pod's {@code PodScheduled=False} condition with reason {@code
 * Unschedulable}, so that {@code kubectl describe pod} tells why it is Pending.
 *
 * <p>De-duplicated and rate-limited, in event time (the scheduler's decision times, never the wall
 * clock): the same pod and message within {@link #WINDOW} of the Event's first occurrence is one
 * Event whose {@code count} and {@code lastTimestamp} grow; they are written at most once per {@link
 * #REFRESH} (a repetition in between is counted and written with the next). After the window, or
 * with another message, a new Event. A pod that is scheduled, bound or deleted starts afresh. An
 * event the launcher has already counted (a batch read again after a retry) is not counted twice.
 * Event names are {@code <pod>.<hex of the first time in ns>}, as kube-scheduler's are, so that a
 * launcher restarted on an uncommitted batch updates the Event it had created.
 *
 * <p>Errors: a {@code KubernetesClientException} is thrown on, for the caller to classify ({@code
 * ApiErrors}); a pod that is gone is left alone.
 */
public final class FailedScheduling {
    private static final Logger log = LoggerFactory.getLogger(FailedScheduling.class);

    /** How long one Event gathers the repetitions of the same shortfall (kube's correlator: 10 min). */
    public static final Duration WINDOW = Duration.ofMinutes(10);

    /** At most one write of an Event's count per this much event time. */
    public static final Duration REFRESH = Duration.ofSeconds(30);

    /** Pods remembered at most (the oldest forgotten first). */
    static final int MAX_PODS = 10_000;

    private record Seen(String eventName, Instant first, Instant last, int count, Instant written) {}

    private final KubernetesClient client;
    private final String component;
    private final Map<String, Map<String, Seen>> seen = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Seen>> eldest) {
            return size() > MAX_PODS;
        }
    };

    /** {@code component} is the Event's source (the scheduler name pods of ours carry). */
    public FailedScheduling(KubernetesClient client, String component) {
        this.client = client;
        this.component = component;
    }

    /** The pod was placed, bound or deleted: a later shortfall is a new story. */
    public void forget(String podKey) {
        seen.remove(podKey);
    }

    /** A FAILED_SCHEDULING event of the scheduler. */
    public void failed(SchedulerEvent e) {
        String podKey = e.getPodKey();
        String message = e.getMessage();
        Instant at = e.getTimestamp();
        Map<String, Seen> ofPod = seen.computeIfAbsent(podKey, k -> new HashMap<>());
        Seen s = ofPod.get(message);
        if (s != null && !at.isAfter(s.last())) {
            return; // counted already (the batch is read again)
        }
        String[] nsName = podKey.split("/", 2);
        if (s != null && Duration.between(s.first(), at).compareTo(WINDOW) <= 0) {
            Seen next = new Seen(s.eventName(), s.first(), at, s.count() + 1, s.written());
            if (Duration.between(s.written(), at).compareTo(REFRESH) < 0) {
                ofPod.put(message, next); // rate-limited: written with a later repetition
                return;
            }
            Pod pod = pod(nsName);
            if (pod == null) {
                forget(podKey);
                return;
            }
            write(pod, next, message);
            ofPod.put(message, new Seen(next.eventName(), next.first(), at, next.count(), at));
            return;
        }
        Pod pod = pod(nsName);
        if (pod == null) {
            forget(podKey);
            return;
        }
        Seen fresh = new Seen(eventName(nsName[1], at), at, at, 1, at);
        write(pod, fresh, message);
        unschedulable(pod, message, at);
        ofPod.put(message, fresh);
    }

    private Pod pod(String[] nsName) {
        Pod pod = client.pods().inNamespace(nsName[0]).withName(nsName[1]).get();
        if (pod == null || pod.getSpec() != null && pod.getSpec().getNodeName() != null) {
            return null; // gone, or bound since: the shortfall is old news
        }
        return pod;
    }

    private void write(Pod pod, Seen s, String message) {
        String ns = pod.getMetadata().getNamespace();
        Event event = new EventBuilder()
                .withNewMetadata()
                .withNamespace(ns)
                .withName(s.eventName())
                .endMetadata()
                .withNewInvolvedObject()
                .withApiVersion("v1")
                .withKind("Pod")
                .withNamespace(ns)
                .withName(pod.getMetadata().getName())
                .withUid(pod.getMetadata().getUid())
                .withResourceVersion(pod.getMetadata().getResourceVersion())
                .endInvolvedObject()
                .withReason("FailedScheduling")
                .withType("Warning")
                .withMessage(message)
                .withCount(s.count())
                .withFirstTimestamp(s.first().toString())
                .withLastTimestamp(s.last().toString())
                .withNewSource()
                .withComponent(component)
                .endSource()
                .withReportingComponent(component)
                .withReportingInstance(component)
                .build();
        var events = client.v1().events().inNamespace(ns);
        Event existing = events.withName(s.eventName()).get();
        if (existing == null) {
            events.resource(event).create();
        } else {
            event.getMetadata().setResourceVersion(null);
            events.withName(s.eventName()).edit(old -> {
                old.setCount(Math.max(s.count(), old.getCount() == null ? 0 : old.getCount()));
                old.setLastTimestamp(s.last().toString());
                old.setMessage(message);
                return old;
            });
        }
        log.info("pod {}/{}: FailedScheduling x{}: {}", ns, pod.getMetadata().getName(), s.count(), message);
    }

    /** PodScheduled=False, reason Unschedulable, unless the pod already says exactly that. */
    private void unschedulable(Pod pod, String message, Instant at) {
        PodStatus st = pod.getStatus();
        if (st != null && st.getConditions() != null) {
            for (PodCondition c : st.getConditions()) {
                if ("PodScheduled".equals(c.getType())
                        && "False".equals(c.getStatus())
                        && "Unschedulable".equals(c.getReason())
                        && Objects.equals(message, c.getMessage())) {
                    return;
                }
            }
        }
        client.pods()
                .inNamespace(pod.getMetadata().getNamespace())
                .withName(pod.getMetadata().getName())
                .editStatus(p -> {
                    PodStatus s = p.getStatus() == null ? new PodStatus() : p.getStatus();
                    List<PodCondition> conditions = new ArrayList<>();
                    if (s.getConditions() != null) {
                        s.getConditions().stream()
                                .filter(c -> !"PodScheduled".equals(c.getType()))
                                .forEach(conditions::add);
                    }
                    conditions.add(new PodConditionBuilder()
                            .withType("PodScheduled")
                            .withStatus("False")
                            .withReason("Unschedulable")
                            .withMessage(message)
                            .withLastTransitionTime(at.toString())
                            .build());
                    s.setConditions(conditions);
                    if (s.getPhase() == null) {
                        s.setPhase("Pending");
                    }
                    p.setStatus(s);
                    return p;
                });
    }

    static String eventName(String podName, Instant first) {
        long nanos = first.getEpochSecond() * 1_000_000_000L + first.getNano();
        String name = podName + "." + Long.toHexString(nanos);
        return name.length() <= 253 ? name : name.substring(name.length() - 253); // a name's limit
    }
}
