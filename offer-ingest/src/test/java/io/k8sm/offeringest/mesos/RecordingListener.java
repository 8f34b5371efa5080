package io.k8sm.offeringest.mesos;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.Protos.TaskStatus;
import org.apache.mesos.v1.scheduler.Protos.Event;

/** Records every callback, for assertions; never acknowledges anything by itself. */
final class RecordingListener implements MesosEventListener {
    final List<FrameworkID> subscribed = new CopyOnWriteArrayList<>();
    final List<Offer> offers = new CopyOnWriteArrayList<>();
    final List<OfferID> rescinds = new CopyOnWriteArrayList<>();
    final List<TaskStatus> updates = new CopyOnWriteArrayList<>();
    final List<Event.Failure> failures = new CopyOnWriteArrayList<>();
    final List<String> errors = new CopyOnWriteArrayList<>();
    final List<String> disconnects = new CopyOnWriteArrayList<>();
    final List<String> badInputs = new CopyOnWriteArrayList<>();
    final List<byte[]> badBytes = new CopyOnWriteArrayList<>();
    volatile int heartbeats;

    @Override
    public void onSubscribed(FrameworkID frameworkId, Duration heartbeatInterval) {
        subscribed.add(frameworkId);
    }

    @Override
    public void onOffers(List<Offer> list) {
        offers.addAll(list);
    }

    @Override
    public void onRescind(OfferID offerId) {
        rescinds.add(offerId);
    }

    @Override
    public void onUpdate(TaskStatus status) {
        updates.add(status);
    }

    @Override
    public void onFailure(Event.Failure failure) {
        failures.add(failure);
    }

    @Override
    public void onError(String message) {
        errors.add(message);
    }

    @Override
    public void onHeartbeat() {
        heartbeats++;
    }

    @Override
    public void onDisconnected(String reason) {
        disconnects.add(reason);
    }

    @Override
    public void onBadInput(byte[] bytes, String reason) {
        badBytes.add(bytes);
        badInputs.add(reason);
    }

    Offer awaitOffer(Predicate<Offer> p) {
        await("an offer matching the predicate", () -> offers.stream().anyMatch(p));
        return offers.stream().filter(p).reduce((a, b) -> b).orElseThrow();
    }

    TaskStatus awaitUpdate(Predicate<TaskStatus> p) {
        await("a status update matching the predicate", () -> updates.stream().anyMatch(p));
        return updates.stream().filter(p).findFirst().orElseThrow();
    }

    long count(Predicate<TaskStatus> p) {
        return updates.stream().filter(p).count();
    }

    /** Polls {@code condition} until true or a generous deadline passes. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }
}
