package io.k8sm.scheduler.procurement;

import java.util.List;
import java.util.Objects;

/**
 * Why a pod fits nowhere, aggregated over every agent's offers considered. {@link #message()} is
 * the text of the FailedScheduling event, e.g. {@code 0/12 offers fit: 7 short of cpu (need 1.5), 5
 * host port 8080 taken}.
 *
 * @param podKey the pod
 * @param offersConsidered how many (per agent pooled) offers were considered
 * @param reasons one entry per distinct reason, most frequent first
 */
public record Shortfall(String podKey, int offersConsidered, List<Count> reasons) implements PlacementResult {

    /** What was short. */
    public enum Reason {
        NODE_NAME,
        NODE_SELECTOR,
        NODE_AFFINITY,
        TAINT,
        POD_AFFINITY,
        POD_ANTI_AFFINITY,
        TOPOLOGY_SPREAD,
        ROLE,
        CPU,
        MEM,
        EXECUTOR,
        PORTS
    }

    /**
     * One reason and how many offers it ruled out.
     *
     * @param reason the kind
     * @param subject what exactly: the host port, the selector label {@code key=value}, the hostname,
     *     the cpu/mem needed; empty when nothing more specific applies
     * @param text the human phrase, e.g. {@code host port 8080 taken}
     * @param offers how many offers were short for this reason
     */
    public record Count(Reason reason, String subject, String text, int offers) {
        public Count {
            Objects.requireNonNull(reason);
            subject = subject == null ? "" : subject;
            Objects.requireNonNull(text);
        }
    }

    public Shortfall {
        reasons = List.copyOf(reasons);
    }

    /** Whether one of the reasons is of this kind. */
    public boolean has(Reason reason) {
        return reasons.stream().anyMatch(c -> c.reason() == reason);
    }

    /** The FailedScheduling message. */
    public String message() {
        StringBuilder sb =
                new StringBuilder().append("0/").append(offersConsidered).append(" offers fit");
        if (offersConsidered == 0) {
            return sb.append(": no offers").toString();
        }
        String sep = ": ";
        for (Count c : reasons) {
            sb.append(sep).append(c.offers()).append(' ').append(c.text());
            sep = ", ";
        }
        return sb.toString();
    }
}
