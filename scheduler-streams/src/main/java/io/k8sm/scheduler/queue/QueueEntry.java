package io.k8sm.scheduler.queue;

/**
 * A pod waiting for an offer. {@code seq} orders the queue (FIFO: lower first); {@code failures}
 * counts the attempts that found no fit since the pod was queued and drives the backoff; {@code
 * noFit} marks a pod whose last attempt found no fitting offer, which wakes early when a new offer
 * arrives. {@code nominatedHost} (empty: none) is the agent a preemption freed for this pod; its
 * offers are held for it until {@code nominatedUntil}.
 */
public record QueueEntry(
        String podKey,
        long seq,
        long enqueuedAt,
        long nextAttemptAt,
        int failures,
        boolean noFit,
        String lastShortfall,
        String nominatedHost,
        long nominatedUntil) {

    public QueueEntry {
        nominatedHost = nominatedHost == null ? "" : nominatedHost;
    }

    /** Not nominated. */
    public QueueEntry(
            String podKey,
            long seq,
            long enqueuedAt,
            long nextAttemptAt,
            int failures,
            boolean noFit,
            String lastShortfall) {
        this(podKey, seq, enqueuedAt, nextAttemptAt, failures, noFit, lastShortfall, "", 0L);
    }

    public boolean dueAt(long now) {
        return nextAttemptAt <= now;
    }

    /** The host held for this pod at {@code now}, or null. */
    public String nominatedAt(long now) {
        return nominatedHost.isEmpty() || now >= nominatedUntil ? null : nominatedHost;
    }

    /** This entry with the nomination of {@code host} until {@code until}. */
    public QueueEntry nominate(String host, long until) {
        return new QueueEntry(podKey, seq, enqueuedAt, nextAttemptAt, failures, noFit, lastShortfall, host, until);
    }
}
