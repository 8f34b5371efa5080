package io.k8sm.offeringest.mesos;

import static io.k8sm.offeringest.mesos.MesosEventStream.safe;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the listener calls of a {@link MesosSubscription} strictly serial, whichever thread makes them (the HTTP
 * thread for events, the timer for a watchdog's {@code onDisconnected}, the caller of {@code close()}). Taken before
 * the subscription's state lock, never after it.
 */
final class ListenerGate {
    private static final Logger LOG = LoggerFactory.getLogger(MesosSchedulerClient.class);

    private final ReentrantLock lock = new ReentrantLock();
    private final Duration closeWait;

    ListenerGate(Duration closeWait) {
        this.closeWait = closeWait;
    }

    /**
     * Hands one event of connection {@code c} to the listener, unless {@code c} is already lost: once {@code
     * onDisconnected} was called for it, nothing more of it is delivered.
     */
    void deliver(MesosConnection c, Runnable listenerCall) {
        lock.lock();
        try {
            if (!c.lost) {
                safe(listenerCall);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Enters the gate, waiting for a listener call in progress; when {@code closing}, at most {@code closeWait} (a
     * call that waits for Kafka must not hang {@code close()}), then goes on without it.
     *
     * @return whether the gate was entered (then {@link #exit()} must follow)
     */
    boolean enter(boolean closing) {
        if (!closing) {
            lock.lock();
            return true;
        }
        try {
            if (lock.tryLock(closeWait.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LOG.warn("a listener call is still running; ending the subscription without waiting for it");
        return false;
    }

    void exit() {
        lock.unlock();
    }
}
