package io.k8sm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.app.run.ServiceRunner;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A service alive but no longer working must not keep its process up (review M8, D2). */
class ServiceRunnerHealthTest {

    @Test
    void aServiceThatTurnsUnhealthyIsClosedAndTheRunnerReturnsNonZero() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        AtomicBoolean healthy = new AtomicBoolean(true);
        Thread flip = new Thread(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            healthy.set(false);
        });
        flip.start();
        int exit = ServiceRunner.runUntilShutdown("test-service", () -> closed.set(true), healthy::get);
        assertEquals(1, exit);
        assertTrue(closed.get(), "the service was closed");
    }
}
