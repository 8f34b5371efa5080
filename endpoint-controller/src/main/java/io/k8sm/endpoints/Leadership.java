package io.k8sm.endpoints;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaderElectionRecord;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.Lock;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This process's part in the election for the endpoint controller's Lease (fabric8's {@link
 * LeaderElector} on a {@link LeaseLock}). While it leads, {@code onLead} has run and {@link
 * #isLeader()} is true; when it loses the lease (another holder, or no renewal within the renew
 * deadline) {@code onStandby} runs and it joins the election again as a standby.
 *
 * <p>{@link #isLeader()} is also a fence of its own: it turns false once the renew deadline has
 * passed since the last renewal that succeeded (measured on this process's monotonic clock from
 * before the request was sent), even if fabric8 has not noticed yet — a leader paused (GC, SIGSTOP)
 * or cut off from the API stops writing before a standby may acquire the lease, which needs the
 * whole lease duration to pass.
 */
final class Leadership implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Leadership.class);

    private final KubernetesClient client;
    private final LeaseSettings settings;
    private final String namespace;
    private final String identity;
    private final Runnable onLead;
    private final Runnable onStandby;
    private volatile boolean leading;
    private volatile long renewedAtNanos;
    private volatile String holder;
    private LeaderElector elector;
    private CompletableFuture<?> election;
    private boolean closed;

    Leadership(
            KubernetesClient client,
            LeaseSettings settings,
            String namespace,
            String identity,
            Runnable onLead,
            Runnable onStandby) {
        this.client = client;
        this.settings = settings;
        this.namespace = namespace;
        this.identity = identity;
        this.onLead = onLead;
        this.onStandby = onStandby;
    }

    /**
     * Joins the election; returns at once (the lease is acquired in the background). fabric8 calls
     * back holding its elector's lock, so this never calls fabric8 while holding its own.
     */
    void start() {
        LeaderElector e;
        synchronized (this) {
            if (closed) {
                return;
            }
            e = client.leaderElector()
                    .withConfig(new LeaderElectionConfigBuilder()
                            .withName(settings.name())
                            .withLock(new TrackedLock(new LeaseLock(namespace, settings.name(), identity)))
                            .withLeaseDuration(settings.leaseDuration())
                            .withRenewDeadline(settings.renewDeadline())
                            .withRetryPeriod(settings.retryPeriod())
                            .withReleaseOnCancel(true)
                            .withLeaderCallbacks(new LeaderCallbacks(this::lead, this::standBy, this::observe))
                            .build())
                    .build();
            elector = e;
        }
        CompletableFuture<?> f = e.start();
        boolean closedMeanwhile;
        synchronized (this) {
            election = f;
            closedMeanwhile = closed;
        }
        if (closedMeanwhile) {
            f.cancel(true);
            return;
        }
        f.whenComplete((v, t) -> ended(f, t));
        log.info("endpoint-controller {}: joined the election for {}", identity, describe());
    }

    /** Holds the lease and renewed it within the renew deadline. */
    boolean isLeader() {
        return leading
                && System.nanoTime() - renewedAtNanos < settings.renewDeadline().toNanos();
    }

    String identity() {
        return identity;
    }

    /** The holder last seen on the lease (this process or another), or null before the first look. */
    String holder() {
        return holder;
    }

    String describe() {
        return "Lease " + namespace + "/" + settings.name();
    }

    /**
     * Stops leading at once and for good: no more writes from this process, even if the lease is
     * still held (it stays held, so no one else writes either, until {@link #close()} releases it).
     */
    void resign() {
        synchronized (this) {
            closed = true;
        }
        standBy();
    }

    /** Resigns, leaves the election and releases the lease if it is still this process's. */
    @Override
    public void close() {
        resign();
        LeaderElector e;
        CompletableFuture<?> f;
        synchronized (this) {
            e = elector;
            f = election;
        }
        if (f != null) {
            f.cancel(true);
        }
        if (e != null) {
            try {
                e.release(); // a no-op unless the lease is still ours
            } catch (RuntimeException ex) {
                log.debug("endpoint-controller {}: could not release {}: {}", identity, describe(), ex.toString());
            }
        }
    }

    private void lead() {
        synchronized (this) {
            if (closed || leading) {
                return;
            }
            leading = true;
        }
        log.info("endpoint-controller {}: leader ({})", identity, describe());
        onLead.run();
    }

    private void standBy() {
        synchronized (this) {
            if (!leading) {
                return;
            }
            leading = false;
        }
        log.info("endpoint-controller {}: standby (lost {})", identity, describe());
        onStandby.run();
    }

    private void observe(String newHolder) {
        String before = holder;
        holder = newHolder;
        if (!identity.equals(newHolder) && !Objects.equals(before, newHolder)) {
            log.info(
                    "endpoint-controller {}: standby, {} is held by {}",
                    identity,
                    describe(),
                    newHolder == null || newHolder.isEmpty() ? "nobody" : newHolder);
        }
    }

    /** The elector's run ended (lease lost, or an error): stand by and, unless closed, join again. */
    private void ended(CompletableFuture<?> which, Throwable t) {
        standBy();
        synchronized (this) {
            if (closed || which != election) {
                return;
            }
        }
        if (t != null && !(t instanceof CancellationException)) {
            log.warn(
                    "endpoint-controller {}: election on {} failed, joining again: {}",
                    identity,
                    describe(),
                    t.toString());
        }
        CompletableFuture.delayedExecutor(settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS)
                .execute(this::start);
    }

    /** The Lease lock, noting when a write that makes this process the holder was sent. */
    private final class TrackedLock implements Lock {
        private final Lock delegate;

        TrackedLock(Lock delegate) {
            this.delegate = delegate;
        }

        @Override
        public LeaderElectionRecord get(KubernetesClient c) {
            return delegate.get(c);
        }

        @Override
        public void create(KubernetesClient c, LeaderElectionRecord r) {
            long sent = System.nanoTime();
            delegate.create(c, r);
            renewed(r, sent);
        }

        @Override
        public void update(KubernetesClient c, LeaderElectionRecord r) {
            long sent = System.nanoTime();
            delegate.update(c, r);
            renewed(r, sent);
        }

        private void renewed(LeaderElectionRecord r, long sent) {
            if (identity.equals(r.getHolderIdentity())) {
                renewedAtNanos = sent;
            }
        }

        @Override
        public String identity() {
            return delegate.identity();
        }

        @Override
        public String describe() {
            return delegate.describe();
        }
    }
}
