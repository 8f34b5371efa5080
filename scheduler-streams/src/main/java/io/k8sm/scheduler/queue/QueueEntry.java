package io.k8sm.scheduler.queue;

/**
 * A pod waiting for an offer. {@code seq} orders the queue (FIFO: lower first); {@code failures}
 * counts the attempts that found no fit since the pod was queued and drives the backoff; {@code
 * noFit} marks a pod whose last attempt found no fitting offer, which wakes early when a new offer
 * arrives.
 */
public record QueueEntry(
        String podKey,
        long seq,
        long enqueuedAt,
        long nextAttemptAt,
        int failures,
        boolean noFit,
        String lastShortfall) {

    public boolean dueAt(long now) {
        return nextAttemptAt <= now;
    }
}
