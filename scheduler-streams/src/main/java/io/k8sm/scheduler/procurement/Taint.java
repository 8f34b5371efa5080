package io.k8sm.scheduler.procurement;

import java.util.Objects;

/**
 * A taint of the Kubernetes node of an agent ({@code spec.taints}, or the cordon of {@code
 * spec.unschedulable}).
 *
 * @param key the key
 * @param value the value; empty when none
 * @param effect {@value #NO_SCHEDULE}, {@value #PREFER_NO_SCHEDULE} or {@value #NO_EXECUTE}
 */
public record Taint(String key, String value, String effect) {

    public static final String NO_SCHEDULE = "NoSchedule";
    public static final String PREFER_NO_SCHEDULE = "PreferNoSchedule";
    public static final String NO_EXECUTE = "NoExecute";

    /** The taint a cordoned node ({@code spec.unschedulable}) stands for, as kube-scheduler treats it. */
    public static final Taint UNSCHEDULABLE = new Taint("node.kubernetes.io/unschedulable", "", NO_SCHEDULE);

    public Taint {
        Objects.requireNonNull(key, "key");
        value = value == null ? "" : value;
        Objects.requireNonNull(effect, "effect");
    }

    /** Whether no new pod that does not tolerate it may be placed on the node (NoSchedule, NoExecute). */
    public boolean forbids() {
        return NO_SCHEDULE.equals(effect) || NO_EXECUTE.equals(effect);
    }

    /** Whether it only makes the node less preferred. */
    public boolean discourages() {
        return PREFER_NO_SCHEDULE.equals(effect);
    }

    @Override
    public String toString() {
        return key + (value.isEmpty() ? "" : "=" + value) + ":" + effect;
    }
}
