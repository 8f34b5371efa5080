package io.k8sm.offeringest.mesos;

import java.net.URI;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;

/** One subscription connection of a {@link MesosSchedulerClient}: where, which attempt, and how it is doing. */
final class MesosConnection {
    final URI uri;
    final long generation;
    final String streamId;
    final boolean json;
    volatile long lastEventNanos = System.nanoTime();
    volatile boolean subscribed;
    volatile boolean lost;
    volatile Flow.Subscription subscription;
    /** Guarded by the subscription's lock. */
    ScheduledFuture<?> watchdog;

    MesosConnection(URI uri, long generation, String streamId, boolean json) {
        this.uri = uri;
        this.generation = generation;
        this.streamId = streamId;
        this.json = json;
    }
}
