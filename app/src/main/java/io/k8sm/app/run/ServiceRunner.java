package io.k8sm.app.run;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
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

    /** How often a running service's health is checked. */
    public static final Duration HEALTH_POLL = Duration.ofSeconds(1);

    private ServiceRunner() {}

    /**
     * Blocks until shutdown is requested, then closes the service; returns 0, or 1 if closing failed.
     */
    public static int runUntilShutdown(String name, AutoCloseable service) throws InterruptedException {
        return runUntilShutdown(name, service, () -> true);
    }

    /**
     * As {@link #runUntilShutdown(String, AutoCloseable)}, and also polls {@code healthy} every {@link
     * #HEALTH_POLL}: a service alive but no longer working is closed and the call returns 1, so the
     * process exits non-zero and its supervisor restarts it.
     */
    public static int runUntilShutdown(String name, AutoCloseable service, BooleanSupplier healthy)
            throws InterruptedException {
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
        boolean unhealthy = false;
        while (!stop.await(HEALTH_POLL.toMillis(), TimeUnit.MILLISECONDS)) {
            if (!healthy.getAsBoolean()) {
                LOG.error("{} is no longer healthy (a part of it stopped working); exiting with code 1", name);
                unhealthy = true;
                break;
            }
        }
        LOG.info("{} stopping", name);
        try {
            service.close();
            LOG.info("{} stopped", name);
            return unhealthy ? 1 : 0;
        } catch (Exception e) {
            LOG.error("{} failed to close cleanly", name, e);
            return 1;
        } finally {
            closed.countDown();
        }
    }
}
