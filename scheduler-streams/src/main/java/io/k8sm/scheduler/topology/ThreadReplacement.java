package io.k8sm.scheduler.topology;

import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's uncaught exception handler: a stream thread that dies (a schema registry outage
 * answered fail by the dead-letter handlers, a broker error) is replaced, after a backoff that
 * doubles from 1 s to 30 s while failures follow each other within a minute. Its transaction is
 * aborted and the new thread reads the same records again: an outage stalls the scheduler, it
 * never skips input, and the process neither dies nor lives on without a thread.
 */
final class ThreadReplacement implements StreamsUncaughtExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ThreadReplacement.class);
    static final long INITIAL_MS = 1_000;
    static final long MAX_MS = 30_000;

    private long delayMs = INITIAL_MS;
    private long lastFailureNanos = Long.MIN_VALUE;

    @Override
    public synchronized StreamThreadExceptionResponse handle(Throwable failure) {
        long now = System.nanoTime();
        if (lastFailureNanos != Long.MIN_VALUE && now - lastFailureNanos > 60_000_000_000L) {
            delayMs = INITIAL_MS;
        }
        lastFailureNanos = now;
        long wait = delayMs;
        delayMs = Math.min(MAX_MS, delayMs * 2);
        log.error(
                "a scheduler stream thread failed; replacing it in {} ms, it reads the same records again",
                wait,
                failure);
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
