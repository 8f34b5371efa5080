package io.k8sm.offeringest.mesos;

/** The client's arithmetic of time: reconnect backoff and the heartbeat watchdog's bounds. Pure. */
final class MesosTimings {
    private MesosTimings() {}

    /** The delay before reconnect attempt {@code attempt}: {@code backoffInitial} doubled per attempt, capped. */
    static long backoffMillis(MesosClientConfig cfg, int attempt) {
        long initial = Math.max(1, cfg.backoffInitial().toMillis());
        long max = Math.max(initial, cfg.backoffMax().toMillis());
        int shift = Math.min(attempt, 30);
        return Math.min(max, initial << shift);
    }

    /**
     * The heartbeat interval to believe from SUBSCRIBED: Mesos' 15 s when absent, zero, negative or NaN, and at most
     * {@code maxHeartbeatInterval} — a huge announced one (1e12 s) would otherwise overflow the watchdog's timeout
     * and switch it off.
     */
    static double heartbeatSeconds(MesosClientConfig cfg, boolean announced, double seconds) {
        if (!announced || !(seconds > 0)) {
            return MesosEventStream.DEFAULT_HEARTBEAT_SECONDS;
        }
        return Math.min(seconds, cfg.maxHeartbeatInterval().toNanos() / 1e9);
    }

    /** How long a subscription may stay silent: {@code missedHeartbeats} intervals, never overflowing. */
    static long watchdogTimeoutNanos(MesosClientConfig cfg, double heartbeatSeconds) {
        return (long) Math.min(heartbeatSeconds * cfg.missedHeartbeats() * 1e9, Long.MAX_VALUE / 2.0);
    }
}
