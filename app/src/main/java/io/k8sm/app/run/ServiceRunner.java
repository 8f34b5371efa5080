package io.k8sm.app.run;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a started service running until the JVM is asked to stop (SIGTERM, Ctrl-C), then closes it
 * within a grace period: the one shutdown path every {@code k8sm run} service shares.
 */
public final class ServiceRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);

    /** How long a service may take to close before the JVM goes on exiting. */
    public static final Duration GRACE = Duration.ofSeconds(30);

    private ServiceRunner() {}

    /**
     * Blocks until shutdown is requested, then closes the service; returns 0, or 1 if closing failed.
     */
    public static int runUntilShutdown(String name, AutoCloseable service) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    stop.countDown();
                    try {
                        if (!closed.await(GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                            LOG.warn("{} did not close within {} s; exiting anyway", name, GRACE.toSeconds());
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "k8sm-shutdown-" + name);
        Runtime.getRuntime().addShutdownHook(hook);
        LOG.info("{} running; SIGTERM or Ctrl-C stops it", name);
        stop.await();
        LOG.info("{} stopping", name);
        try {
            service.close();
            LOG.info("{} stopped", name);
            return 0;
        } catch (Exception e) {
            LOG.error("{} failed to close cleanly", name, e);
            return 1;
        } finally {
            closed.countDown();
        }
    }
}
