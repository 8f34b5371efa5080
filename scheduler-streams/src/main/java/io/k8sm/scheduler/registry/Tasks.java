package io.k8sm.scheduler.registry;

import io.k8sm.avro.PodSnapshot;
import io.k8sm.avro.RegistryTask;
import io.k8sm.avro.RegistryTaskState;
import io.k8sm.avro.TaskFlags;
import io.k8sm.avro.TaskSpec;
import io.k8sm.contract.PodAnnotations;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Task construction and the reference's naming rules, all deterministic. */
public final class Tasks {

    // the pod contract, defined once in schemas (io.k8sm.contract.PodAnnotations)
    public static final String ANNOTATION_PREFIX = PodAnnotations.PREFIX;
    public static final String BINDING_HOST = PodAnnotations.BINDING_HOST;
    public static final String TASK_ID = PodAnnotations.TASK_ID;
    public static final String SLAVE_ID = PodAnnotations.SLAVE_ID;
    public static final String OFFER_ID = PodAnnotations.OFFER_ID;
    public static final String EXECUTOR_ID = PodAnnotations.EXECUTOR_ID;

    /**
     * The annotations a pod must carry, all of them, to be recovered as a launched and bound task.
     */
    public static final List<String> RECOVERY_ANNOTATIONS = List.of(BINDING_HOST, TASK_ID, SLAVE_ID, OFFER_ID);

    public static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";

    private Tasks() {}

    public static String podKey(PodSnapshot pod) {
        return pod.getNamespace() + "/" + pod.getName();
    }

    /**
     * A task id {@code pod.<uuid>}, the uuid derived from the pod uid and a salt (the pod's resource
     * version for a first registration, the failed task's id for a re-registration): unique per
     * registration, identical on replay.
     */
    public static String taskId(String podUid, String salt) {
        return "pod." + UUID.nameUUIDFromBytes(("k8sm-task:" + podUid + ":" + salt).getBytes(StandardCharsets.UTF_8));
    }

    /** A fresh Pending task with no flags and no spec. */
    public static RegistryTask pending(String id, PodSnapshot pod, long now) {
        return RegistryTask.newBuilder()
                .setId(id)
                .setPodKey(podKey(pod))
                .setPodUid(pod.getUid())
                .setState(RegistryTaskState.PENDING)
                .setFlags(new TaskFlags(false, false, false))
                .setSpec(null)
                .setOfferId(null)
                .setCreateTime(Instant.ofEpochMilli(now))
                .setUpdateTime(Instant.ofEpochMilli(now))
                .setLastStatus(null)
                .setAttempt(0)
                .setPodResourceVersion(pod.getResourceVersion())
                .build();
    }

    /** A deep copy to change; stored values are never mutated in place. */
    public static RegistryTask.Builder edit(RegistryTask t, long now) {
        return RegistryTask.newBuilder(t).setUpdateTime(Instant.ofEpochMilli(now));
    }

    /** The task's flags with {@code launched} set (the others kept). */
    public static TaskFlags markLaunched(RegistryTask t) {
        return flags(t, true, false, false);
    }

    /** The task's flags with {@code bound} set (the others kept). */
    public static TaskFlags markBound(RegistryTask t) {
        return flags(t, false, true, false);
    }

    /** The task's flags with {@code launched} and {@code bound} set (the others kept). */
    public static TaskFlags markLaunchedAndBound(RegistryTask t) {
        return flags(t, true, true, false);
    }

    /** The task's flags with {@code deleted} set (the others kept). */
    public static TaskFlags markDeleted(RegistryTask t) {
        return flags(t, false, false, true);
    }

    private static TaskFlags flags(RegistryTask t, boolean launched, boolean bound, boolean deleted) {
        TaskFlags f = t.getFlags();
        return new TaskFlags(f.getLaunched() || launched, f.getBound() || bound, f.getDeleted() || deleted);
    }

    public static boolean launched(RegistryTask t) {
        return t.getFlags().getLaunched();
    }

    public static boolean bound(RegistryTask t) {
        return t.getFlags().getBound();
    }

    public static boolean deleted(RegistryTask t) {
        return t.getFlags().getDeleted();
    }

    public static String host(RegistryTask t) {
        TaskSpec s = t.getSpec();
        return s == null ? null : s.getAssignedSlave();
    }

    public static String agentId(RegistryTask t) {
        TaskSpec s = t.getSpec();
        return s == null ? null : s.getAgentId();
    }
}
