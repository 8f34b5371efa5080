package io.k8sm.scheduler.procurement;

import java.util.List;
import java.util.Objects;

/**
 * A pod's toleration ({@code spec.tolerations}), as the Kubernetes API defines it.
 *
 * @param key the taint key; empty with {@code Exists} tolerates every taint
 * @param operator {@code Equal} (the default) or {@code Exists}
 * @param value the value for {@code Equal}; empty when none
 * @param effect the effect; empty tolerates every effect
 * @param tolerationSeconds for NoExecute, how long the pod may stay once the taint appears; null for
 *     ever
 */
public record Toleration(String key, String operator, String value, String effect, Long tolerationSeconds) {

    public Toleration {
        key = key == null ? "" : key;
        operator = operator == null || operator.isEmpty() ? "Equal" : operator;
        value = value == null ? "" : value;
        effect = effect == null ? "" : effect;
    }

    /** Whether this toleration tolerates the taint. */
    public boolean tolerates(Taint t) {
        Objects.requireNonNull(t, "taint");
        if (!effect.isEmpty() && !effect.equals(t.effect())) {
            return false;
        }
        return switch (operator) {
            case "Exists" -> key.isEmpty() || key.equals(t.key());
            case "Equal" -> key.equals(t.key()) && value.equals(t.value());
            default -> false;
        };
    }

    /** Whether any of the tolerations tolerates the taint. */
    public static boolean anyTolerates(List<Toleration> tolerations, Taint t) {
        for (Toleration tol : tolerations) {
            if (tol.tolerates(t)) {
                return true;
            }
        }
        return false;
    }
}
