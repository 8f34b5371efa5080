package io.k8sm.app.run;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a started service running until the JVM is asked to stop (SIGTERM, Ctrl-C) or the service
 * reports itself unhealthy (it can no longer work: a process alive but not working is worse than
 * one that exits and is restarted), then closes it within a grace period: the one shutdown path
 * every {@code k8sm run} service shares.
 */
public final class ServiceRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);

    /** How long a service may take to close before the JVM goes on exiting. */
    public static final Duration GRACE = Duration.ofSeconds(30);

    /** How often the service's health is checked. */
    public static final Duration HEALTH_POLL = Duration.ofSeconds(1);

    /** How many polls in a row must find the service unhealthy before it is stopped. */
    public static final int UNHEALTHY_POLLS = 3;

    private ServiceRunner() {}

    /**
     * Blocks until shutdown is requested, then closes the service; returns 0, or 1 if closing failed.
     */
    public static int runUntilShutdown(String name, AutoCloseable service) throws InterruptedException {
        return runUntilShutdown(name, service, () -> true);
    }

    /**
     * Blocks until shutdown is requested or {@code healthy} turns false, then closes the service;
     * returns 0 after a requested stop, 1 if the service became unhealthy or closing failed.
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
        boolean failed = false;
        int unhealthy = 0;
        while (!stop.await(HEALTH_POLL.toMillis(), TimeUnit.MILLISECONDS)) {
            unhealthy = healthy.getAsBoolean() ? 0 : unhealthy + 1;
            if (unhealthy >= UNHEALTHY_POLLS) {
                LOG.error("{} is no longer healthy (a part failed for good); stopping with exit code 1", name);
                failed = true;
                break;
            }
        }
        LOG.info("{} stopping", name);
        try {
            service.close();
            LOG.info("{} stopped", name);
            if (failed) {
                removeHook(hook);
                return 1;
            }
            return 0;
        } catch (Exception e) {
            LOG.error("{} failed to close cleanly", name, e);
            return 1;
        } finally {
            closed.countDown();
        }
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down
        }
    }
}
