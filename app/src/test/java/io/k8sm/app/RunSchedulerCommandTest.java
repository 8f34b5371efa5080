package io.k8sm.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.app.CommandLineTest.Run;
import io.k8sm.scheduler.topology.SchedulerConfig;
import org.junit.jupiter.api.Test;

/**
 * {@code k8sm run scheduler}: its help and its configuration errors (running it needs a JVM exit to
 * stop).
 */
class RunSchedulerCommandTest {

    @Test
    void runSchedulerHelpDescribesEverySchedulerKey() {
        Run r = CommandLineTest.k8sm("run", "scheduler", "--help");
        assertEquals(0, r.exit(), r.err());
        assertTrue(r.out().startsWith("Usage: k8sm run scheduler"), r.out());
        for (String key : SchedulerConfig.definition().names()) {
            if (key.startsWith("scheduler.")) {
                assertTrue(r.out().contains(key), "help names " + key + ":\n" + r.out());
            }
        }
    }

    @Test
    void runSchedulerIsListedUnderRun() {
        Run r = CommandLineTest.k8sm("run", "--help");
        assertTrue(r.out().contains("scheduler"), r.out());
    }

    @Test
    void runSchedulerWithABadSettingExitsWith2NamingTheKey() {
        Run r = CommandLineTest.k8sm("run", "scheduler", "-D", "scheduler.placement.policy=random");
        assertEquals(K8sm.EXIT_CONFIG, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("scheduler.placement.policy"), r.err());
    }

    @Test
    void runSchedulerRejectsABackoffCeilingBelowItsStart() {
        Run r = CommandLineTest.k8sm(
                "run", "scheduler", "-D", "scheduler.backoff.initial.ms=5000", "-D", "scheduler.backoff.max.ms=1000");
        assertEquals(K8sm.EXIT_CONFIG, r.exit(), r.out() + r.err());
        assertTrue(r.err().contains("scheduler.backoff.max.ms"), r.err());
    }
}
