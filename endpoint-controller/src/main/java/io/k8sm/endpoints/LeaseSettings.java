package io.k8sm.endpoints;

import java.time.Duration;
import java.util.Optional;

/**
 * The Kubernetes Lease that decides which endpoint controller writes (the others stand by).
 *
 * @param name the Lease's name
 * @param namespace its namespace; empty: the served namespace, else the client's, else {@code default}
 * @param identity this process's holder identity; empty: {@code <hostname>-<pid>}. Must differ
 *     between instances: two processes with one identity would both lead
 * @param leaseDuration how long a standby waits after the holder's last renewal before it takes over
 * @param renewDeadline how long the leader may go without a successful renewal before it stops
 *     writing; the gap to {@code leaseDuration} is the margin for clock skew and request latency
 * @param retryPeriod how often a standby tries to acquire and the leader renews
 */
public record LeaseSettings(
        String name,
        Optional<String> namespace,
        Optional<String> identity,
        Duration leaseDuration,
        Duration renewDeadline,
        Duration retryPeriod) {

    public static final String DEFAULT_NAME = "k8sm-endpoint-controller";

    /** fabric8 adds up to this factor of jitter to the retry period; a renewal must fit the deadline. */
    static final double JITTER = 1.2;

    public LeaseSettings {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("the lease needs a name");
        }
        namespace = namespace.filter(n -> !n.isBlank());
        identity = identity.filter(n -> !n.isBlank());
        if (retryPeriod.isNegative() || retryPeriod.isZero()) {
            throw new IllegalArgumentException("the retry period must be positive, was " + retryPeriod);
        }
        if (renewDeadline.compareTo(leaseDuration) >= 0) {
            throw new IllegalArgumentException("the renew deadline (" + renewDeadline.toMillis()
                    + " ms) must be shorter than the lease duration (" + leaseDuration.toMillis() + " ms)");
        }
        if (renewDeadline.toMillis() <= JITTER * retryPeriod.toMillis()) {
            throw new IllegalArgumentException("the renew deadline (" + renewDeadline.toMillis()
                    + " ms) must be longer than " + JITTER + " x the retry period (" + retryPeriod.toMillis() + " ms)");
        }
    }

    /**
     * 3 s lease, 2 s renew deadline, 500 ms retry. A standby tries to acquire every 0.5 to 1.1 s
     * (fabric8 adds up to 1.2 x the period of jitter), so it takes over at most lease + 2.2 x retry =
     * 4.1 s after the leader's last renewal when the leader dies, and within about a second when the
     * leader stops cleanly and releases the lease. The leader stops writing 2 s after its last
     * renewal, 1 s before anyone may take over: that second is the margin for clock skew between
     * the hosts (fabric8 compares the holder's renew time with the standby's clock) and latency.
     */
    public static LeaseSettings defaults() {
        return new LeaseSettings(
                DEFAULT_NAME,
                Optional.empty(),
                Optional.empty(),
                Duration.ofSeconds(3),
                Duration.ofSeconds(2),
                Duration.ofMillis(500));
    }

    public LeaseSettings withIdentity(String id) {
        return new LeaseSettings(name, namespace, Optional.ofNullable(id), leaseDuration, renewDeadline, retryPeriod);
    }

    public LeaseSettings withNamespace(String ns) {
        return new LeaseSettings(name, Optional.ofNullable(ns), identity, leaseDuration, renewDeadline, retryPeriod);
    }

    public LeaseSettings withTimings(Duration lease, Duration renew, Duration retry) {
        return new LeaseSettings(name, namespace, identity, lease, renew, retry);
    }

    /** The namespace of the Lease: configured, else the served one, else the client's, else {@code default}. */
    String namespaceOr(Optional<String> served, String clientNamespace) {
        return namespace
                .or(() -> served)
                .orElse(clientNamespace == null || clientNamespace.isBlank() ? "default" : clientNamespace);
    }

    /** The holder identity: configured, else {@code <hostname>-<pid>}. */
    String identityOrDefault() {
        return identity.orElseGet(LeaseSettings::hostAndPid);
    }

    static String hostAndPid() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = Optional.ofNullable(System.getenv("HOSTNAME")).orElse("unknown-host");
        }
        return host + "-" + ProcessHandle.current().pid();
    }
}
