package io.k8sm.scheduler.topology;

import java.util.ArrayList;
import java.util.List;

/**
 * A ring of per-second tallies for the dashboard's charts: launch requests written, and pods that
 * reached Running with their summed latency, over the last {@value #SECONDS} seconds of the
 * metrics' clock. Observations only.
 */
public final class History {

    /** How many seconds are kept. */
    public static final int SECONDS = 180;

    /** One second: {@code ago} seconds before now; the mean pod → Running latency of the pods that got there in it. */
    public record Second(int ago, long launches, long running, double meanRunningSeconds) {}

    private final long[] second = new long[SECONDS];
    private final long[] launches = new long[SECONDS];
    private final long[] running = new long[SECONDS];
    private final long[] runningNanos = new long[SECONDS];

    synchronized void launch(long nowNanos) {
        launches[slot(nowNanos)]++;
    }

    synchronized void running(long nowNanos, long latencyNanos) {
        int i = slot(nowNanos);
        running[i]++;
        runningNanos[i] += latencyNanos;
    }

    private int slot(long nowNanos) {
        long sec = Math.floorDiv(nowNanos, 1_000_000_000L);
        int i = (int) Math.floorMod(sec, SECONDS);
        if (second[i] != sec) {
            second[i] = sec;
            launches[i] = 0;
            running[i] = 0;
            runningNanos[i] = 0;
        }
        return i;
    }

    /** The last {@value #SECONDS} seconds, oldest first, the current one last. */
    synchronized List<Second> last(long nowNanos) {
        long now = Math.floorDiv(nowNanos, 1_000_000_000L);
        List<Second> out = new ArrayList<>(SECONDS);
        for (int ago = SECONDS - 1; ago >= 0; ago--) {
            long sec = now - ago;
            int i = (int) Math.floorMod(sec, SECONDS);
            if (second[i] == sec) {
                out.add(new Second(
                        ago, launches[i], running[i], running[i] == 0 ? 0 : runningNanos[i] / 1e9 / running[i]));
            } else {
                out.add(new Second(ago, 0, 0, 0));
            }
        }
        return out;
    }
}
