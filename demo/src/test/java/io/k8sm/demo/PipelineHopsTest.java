package io.k8sm.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.k8sm.demo.PipelineHops.Hop;
import org.junit.jupiter.api.Test;

/** The demo's per-hop line: each hop's time from the hop before, over the pods that passed every hop. */
class PipelineHopsTest {

    private static final long MS = 1_000_000L;

    @Test
    void eachHopIsTimedFromTheOneBeforeAndAStartingSeenBeforeItsLaunchCounts() {
        PipelineHops h = new PipelineHops();
        h.starting("t-a", 130 * MS); // task-status read before launcher-events named the task's pod
        h.passed(Hop.CREATED, "default/a", 0);
        h.passed(Hop.PLACED, "default/a", 100 * MS);
        h.launched("t-a", "default/a", 120 * MS);
        h.passed(Hop.BOUND, "default/a", 1_130 * MS);
        h.passed(Hop.RUNNING, "default/a", 1_140 * MS);
        h.passed(Hop.CREATED, "default/never-placed", 0);

        assertEquals(
                "1 pods: placed 100/100 · ACCEPT sent 20/20 · STARTING 10/10 · bound 1000/1000 · Running 10/10 ms",
                h.line(pod -> true));
        assertEquals(
                "0 pods: placed -1/-1 · ACCEPT sent -1/-1 · STARTING -1/-1 · bound -1/-1 · Running -1/-1 ms",
                h.line(pod -> !pod.equals("default/a")));
    }
}
