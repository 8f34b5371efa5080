package io.k8sm.sandbox.mesos;

import java.util.ArrayList;
import java.util.List;

/**
 * The simulator's own record of who subscribed and who called, so that a test can tell two framework instances
 * apart: every SUBSCRIBED it answered (when, the framework id, the new stream's id) and every call it received (when,
 * the type, the {@code Mesos-Stream-Id} it carried, {@code ""} for none), executed or refused.
 */
public final class SubscriptionLog {

    /** A SUBSCRIBED answered: wall-clock millis, framework id, the {@code Mesos-Stream-Id} of the new stream. */
    public record Subscription(long atMillis, String frameworkId, String streamId) {}

    /** A call (not SUBSCRIBE) as it arrived, before any check: wall-clock millis, type, the stream id it carried. */
    public record ReceivedCall(long atMillis, String type, String streamId) {}

    private final List<Subscription> subscriptions = new ArrayList<>();
    private final List<ReceivedCall> calls = new ArrayList<>();

    synchronized void subscribed(String frameworkId, String streamId) {
        subscriptions.add(new Subscription(System.currentTimeMillis(), frameworkId, streamId));
    }

    synchronized void received(String type, String streamId) {
        calls.add(new ReceivedCall(System.currentTimeMillis(), type, streamId == null ? "" : streamId));
    }

    /** Every SUBSCRIBED answered, in order. */
    public synchronized List<Subscription> subscriptions() {
        return List.copyOf(subscriptions);
    }

    /** Every call received, in order, including those refused (unknown stream, injected faults). */
    public synchronized List<ReceivedCall> calls() {
        return List.copyOf(calls);
    }

    /** The framework id of each SUBSCRIBED, in order. */
    public synchronized List<String> frameworkIds() {
        return subscriptions.stream().map(Subscription::frameworkId).toList();
    }
}
