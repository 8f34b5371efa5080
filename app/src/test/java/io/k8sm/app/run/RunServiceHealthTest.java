package io.k8sm.app.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.app.cli.ConnectionOptions;
import io.k8sm.config.K8smConfig;
import io.k8sm.service.K8smService;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code k8sm run SERVICE} exits non-zero once its service can no longer work (a zombie is worse). */
class RunServiceHealthTest {

    /** A service that works for a moment, then fails (e.g. a launcher loop fenced for good). */
    static final class FailingService implements K8smService {
        final AtomicBoolean closed = new AtomicBoolean();
        private volatile long unhealthyAt;

        @Override
        public void start() {
            unhealthyAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        }

        @Override
        public boolean isHealthy() {
            return System.nanoTime() < unhealthyAt;
        }

        @Override
        public void close() {
            closed.set(true);
        }
    }

    static final class RunFailing extends RunService<K8smConfig> {
        final FailingService service = new FailingService();

        RunFailing() {
            super("failing", "failing.", -1, K8smConfig::baseDefinition, c -> c);
            connection = new ConnectionOptions();
        }

        @Override
        protected void checkReachable(K8smConfig settings, java.time.Duration timeout) {
            // no broker here: this test is about health, not reachability
        }

        @Override
        protected K8smService create(K8smConfig config, Deque<AutoCloseable> closeAfter) {
            return service;
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS) // a hang (the zombie) fails here instead of forever
    void aServiceThatBecomesUnhealthyMakesRunExitNonZeroAndIsClosed() throws Exception {
        RunFailing run = new RunFailing();
        int exit = run.call();
        assertEquals(1, exit, "a service that can no longer work ends the process with 1");
        assertTrue(run.service.closed.get(), "and is closed on the way out");
    }
}
