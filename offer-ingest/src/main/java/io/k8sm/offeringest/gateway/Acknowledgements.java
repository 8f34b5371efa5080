package io.k8sm.offeringest.gateway;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.mesos.v1.Protos;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The acknowledgements of the status updates Kafka confirmed, sent to Mesos on one thread of their
 * own (an acknowledgement is a blocking HTTP call; the producer's callback must not wait for it).
 *
 * <p>At most one acknowledgement waits per task: Mesos sends a task's next update only once the last
 * is acknowledged, and resends the same one meanwhile, so the newest replaces what waits, and what
 * waits is bounded by the tasks however slow Mesos is (one queued per resend ran the long chaos run's
 * offer-ingest out of heap).
 */
final class Acknowledgements implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Acknowledgements.class);

    private final Map<String, Protos.TaskStatus> waiting = new ConcurrentHashMap<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "offer-ingest-ack");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile EventPublisher.Acknowledger acknowledger;
    private volatile boolean closed;

    void sendWith(EventPublisher.Acknowledger a) {
        this.acknowledger = a;
    }

    /** The update (written to Kafka, with a uuid) is to be acknowledged. */
    void queue(Protos.TaskStatus status) {
        String task = status.getTaskId().getValue();
        if (waiting.put(task, status) == null) {
            thread.execute(() -> acknowledgeWaiting(task));
        }
    }

    private void acknowledgeWaiting(String task) {
        Protos.TaskStatus status = waiting.remove(task);
        EventPublisher.Acknowledger a = acknowledger;
        if (status == null || closed || a == null) {
            return;
        }
        try {
            if (a.acknowledge(status)) {
                sent.incrementAndGet();
            }
        } catch (RuntimeException e) {
            failures.incrementAndGet();
            LOG.warn(
                    "acknowledgement of {} {} of task {} failed ({}); Mesos will send the update again",
                    status.getState(),
                    EventPublisher.uuid(status),
                    task,
                    e.toString());
        }
    }

    /** Waits until the acknowledgements queued so far have been sent (or the timeout passed). */
    void drain(Duration timeout) {
        try {
            thread.submit(() -> {}).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.debug("acknowledgements not drained: {}", e.toString());
        }
    }

    /** What waits is not acknowledged (Mesos will redeliver). */
    @Override
    public void close() {
        closed = true;
        thread.shutdownNow();
    }

    int waiting() {
        return waiting.size();
    }

    long sent() {
        return sent.get();
    }

    long failures() {
        return failures.get();
    }
}
