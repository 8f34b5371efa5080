package io.k8sm.scheduler.registry;

import io.k8sm.avro.Container;
import io.k8sm.avro.ContainerPort;
import io.k8sm.avro.PodPhase;
import io.k8sm.avro.PodSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the scheduler needs to know about a pod snapshot before it registers a task for it. */
public final class PodChecks {

    private PodChecks() {}

    /** Null when the pod's resources and ports make sense, else why not. */
    public static String nonsense(PodSnapshot pod) {
        if (pod.getUid() == null || pod.getUid().isBlank()) {
            return "pod has no uid";
        }
        for (Container c : pod.getContainers()) {
            Double cpu = c.getCpuLimit();
            if (cpu != null && (cpu.isNaN() || cpu.isInfinite() || cpu < 0)) {
                return "container " + c.getName() + " has a nonsense cpu limit " + cpu;
            }
            Long mem = c.getMemLimitBytes();
            if (mem != null && mem < 0) {
                return "container " + c.getName() + " has a negative memory limit " + mem;
            }
            for (ContainerPort p : c.getPorts()) {
                if (p.getContainerPort() < 1 || p.getContainerPort() > 65535) {
                    return "container " + c.getName() + " has an invalid container port " + p.getContainerPort();
                }
                if (p.getHostPort() < 0 || p.getHostPort() > 65535) {
                    return "container " + c.getName() + " has an invalid host port " + p.getHostPort();
                }
            }
        }
        return null;
    }

    public static boolean terminal(PodSnapshot pod) {
        return pod.getPhase() == PodPhase.Succeeded || pod.getPhase() == PodPhase.Failed;
    }

    public static boolean mirror(PodSnapshot pod) {
        return pod.getAnnotations().containsKey(Tasks.MIRROR_ANNOTATION);
    }

    public static boolean deleting(PodSnapshot pod) {
        return pod.getDeletionTimestamp() != null;
    }

    /** True when the pod is bound to a node (spec.nodeName set). */
    public static boolean bound(PodSnapshot pod) {
        return pod.getNodeName() != null && !pod.getNodeName().isEmpty();
    }

    /**
     * The recovery annotations the pod carries (a sub-list of {@link Tasks#RECOVERY_ANNOTATIONS}).
     */
    public static List<String> recoveryAnnotations(PodSnapshot pod) {
        Map<String, String> a = pod.getAnnotations();
        List<String> present = new ArrayList<>();
        for (String k : Tasks.RECOVERY_ANNOTATIONS) {
            String v = a.get(k);
            if (v != null && !v.isEmpty()) {
                present.add(k);
            }
        }
        return present;
    }
}
