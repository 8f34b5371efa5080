package io.k8sm.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class WorkQueueTest {

    @Test
    void aKeyQueuedTwiceIsHandedOutOnce() throws InterruptedException {
        WorkQueue q = new WorkQueue();
        q.add("ns/a");
        q.add("ns/b");
        q.add("ns/a");
        assertEquals(2, q.size());
        assertEquals("ns/a", q.take());
        assertEquals("ns/b", q.take());
    }

    @Test
    void aKeyChangedWhileBeingReconciledIsQueuedAgainOnlyWhenDone() throws InterruptedException {
        WorkQueue q = new WorkQueue();
        q.add("ns/a");
        assertEquals("ns/a", q.take());
        q.add("ns/a");
        q.add("ns/a");
        assertEquals(0, q.size(), "not handed to a second worker while the first holds it");
        q.done("ns/a");
        assertEquals(1, q.size());
        assertEquals("ns/a", q.take());
        q.done("ns/a");
        assertTrue(q.isIdle());
    }

    @Test
    void shutdownReleasesWaitingWorkers() throws InterruptedException {
        WorkQueue q = new WorkQueue();
        q.shutdown();
        assertNull(q.take());
        q.add("ns/a");
        assertFalse(q.size() > 0);
    }

    @Test
    void aPausedQueueDropsWhatItHeldAndTakesNothingInUntilResumed() throws InterruptedException {
        WorkQueue q = new WorkQueue();
        q.add("ns/a");
        assertEquals("ns/a", q.take());
        q.add("ns/a"); // changed while being reconciled
        q.add("ns/b");
        q.pause();
        q.add("ns/c");
        q.done("ns/a");
        assertEquals(0, q.size(), "a standby holds no work");
        assertTrue(q.isIdle());
        q.resume();
        q.add("ns/c");
        assertEquals("ns/c", q.take());
    }
}
