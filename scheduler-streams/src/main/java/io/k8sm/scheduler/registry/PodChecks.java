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

    private static String nonsenseCpu(String container, String what, Double cpu) {
        return cpu != null && (cpu.isNaN() || cpu.isInfinite() || cpu < 0)
                ? "container " + container + " has a nonsense cpu " + what + " " + cpu
                : null;
    }

    private static String negativeMem(String container, String what, Long mem) {
        return mem != null && mem < 0 ? "container " + container + " has a negative memory " + what + " " + mem : null;
    }

    /** Null when the pod's resources and ports make sense, else why not. */
    public static String nonsense(PodSnapshot pod) {
        if (pod.getUid() == null || pod.getUid().isBlank()) {
            return "pod has no uid";
        }
        for (Container c : pod.getContainers()) {
            String bad = nonsenseCpu(c.getName(), "limit", c.getCpuLimit());
            bad = bad != null ? bad : nonsenseCpu(c.getName(), "request", c.getCpuRequest());
            bad = bad != null ? bad : negativeMem(c.getName(), "limit", c.getMemLimitBytes());
            bad = bad != null ? bad : negativeMem(c.getName(), "request", c.getMemRequestBytes());
            if (bad != null) {
                return bad;
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
