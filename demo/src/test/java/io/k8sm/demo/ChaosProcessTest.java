package io.k8sm.demo;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** No child of the chaos harness outlives it: what its shutdown hook does on Ctrl-C. */
class ChaosProcessTest {

    @Test
    void aPausedChildIsKilledWhenTheHarnessExits(@TempDir Path dir) throws Exception {
        ChaosProcess child =
                new ChaosProcess("sleeper", List.of("sh", "-c", "echo up; exec sleep 300"), dir.resolve("sleeper.log"));
        child.start();
        assertTrue(child.awaitLog("up", Duration.ofSeconds(30)), "the child started");
        child.pause();

        assertTrue(ChaosProcess.killEveryChild() >= 1, "the hook found the child");

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (child.alive() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertFalse(child.alive(), "a stopped child is gone after the hook");
    }
}
