package io.k8sm.offeringest.leader;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership from Kafka: of the members of one consumer group subscribed to a topic, the one that owns partition 0
 * is the leader. Every instance keeps polling (its heartbeats keep it in the group); the group coordinator gives the
 * partition to exactly one member at a time and to another only once the owner gave it up or its session expired.
 *
 * <p>The owner does not trust its own view alone: it holds a <b>lease</b>, renewed every heartbeat interval by
 * committing its position on the partition. A commit succeeds only for a member of the current generation, and it
 * resets the member's session at the coordinator (a classic group's commit does), so after a renewal sent at time
 * {@code t} the coordinator cannot expire this member, nor give the partition away, before {@code t + session}. The
 * leader steps down when the lease is not renewed by {@code t + session - 2 heartbeats}, even while the consumer
 * still believes it owns the partition (a network partition from the coordinator): the two heartbeats are its time to
 * stop before another member can be given the partition.
 *
 * <p>{@link Listener#elected()} and {@link Listener#deposed(String)} run on the election's thread, one at a time:
 * on revocation and loss of the partition (inside {@code poll}, before the rebalance completes), when the lease runs
 * out, and on {@link #close()}. A listener that fails to take the lead ends the election (this instance turns
 * unhealthy and leaves the group, so another can try).
 */
public final class LeaderElection implements Runnable, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderElection.class);

    /** What becoming and ceasing to be the leader does; both return once done. */
    public interface Listener {
        /** This instance owns the partition and holds the lease: start leading. */
        void elected() throws Exception;

        /** This instance may no longer lead: when this returns, it must have stopped. */
        void deposed(String why);
    }

    private final Consumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final Duration heartbeat;
    private final long leaseNanos;
    private final Listener listener;
    private final String id;
    private volatile boolean running = true;
    private volatile boolean leader;
    private volatile boolean standby;
    private volatile String failure;
    private volatile Thread thread;
    private long leaseUntil;
    private boolean leased;
    private long lastRenewal = System.nanoTime() - Duration.ofDays(1).toNanos();

    /**
     * @param consumer a consumer of the election's group (no auto-commit); closed by this election
     * @param topic the topic whose partition 0 is the leadership
     * @param session the group's session timeout
     * @param heartbeat the group's heartbeat interval, also the lease's renewal period (at most a third of session)
     * @param id this instance, for the logs
     */
    public LeaderElection(
            Consumer<byte[], byte[]> consumer,
            String topic,
            Duration session,
            Duration heartbeat,
            Listener listener,
            String id) {
        this.consumer = consumer;
        this.partition = new TopicPartition(topic, 0);
        this.heartbeat = heartbeat;
        this.leaseNanos = session.minus(heartbeat.multipliedBy(2)).toNanos();
        this.listener = listener;
        this.id = id;
    }

    /** Joins the group on its own thread. */
    public LeaderElection start() {
        Thread t = new Thread(this, "offer-ingest-leader-election");
        t.setDaemon(true);
        thread = t;
        t.start();
        return this;
    }

    @Override
    public void run() {
        consumer.subscribe(List.of(partition.topic()), new Rebalance());
        try {
            while (running) {
                try {
                    consumer.poll(heartbeat); // the records are not needed; the poll keeps this member alive
                    step();
                } catch (WakeupException e) {
                    // close(): the loop's condition ends it
                } catch (RuntimeException e) {
                    if (!running) {
                        break;
                    }
                    LOG.warn("offer-ingest {}: leader election poll failed ({}); polling again", id, e.toString());
                    checkLease();
                    sleep(heartbeat.toMillis());
                }
            }
        } finally {
            if (leader) {
                depose("closing");
            }
            try {
                consumer.close(Duration.ofSeconds(5)); // leaves the group: a standby takes over at once
            } catch (RuntimeException e) {
                LOG.debug("closing the leader election's consumer: {}", e.toString());
            }
        }
    }

    private void step() {
        boolean owns = consumer.assignment().contains(partition);
        if (owns && System.nanoTime() - lastRenewal >= heartbeat.toNanos()) {
            renew();
        }
        if (!owns) {
            leased = false;
            boolean joined = consumer.groupMetadata().generationId() >= 0;
            if (joined && !standby && !leader) {
                LOG.info(
                        "offer-ingest {}: standby (partition 0 of {} belongs to another member), not subscribing",
                        id,
                        partition.topic());
            }
            standby = joined && !leader;
        }
        checkLease();
        if (owns && leased && !leader && running) {
            elect();
        }
    }

    /** Commits the position: proof of membership that also resets the session; the lease runs from the send. */
    private void renew() {
        long sentAt = System.nanoTime();
        lastRenewal = sentAt;
        try {
            long position = consumer.position(partition, heartbeat);
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(position, "leader " + id)), heartbeat);
            leaseUntil = sentAt + leaseNanos;
            leased = true;
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            LOG.debug("offer-ingest {}: lease not renewed ({})", id, e.toString());
        }
    }

    private void checkLease() {
        if (leased && System.nanoTime() - leaseUntil > 0) {
            leased = false;
        }
        if (leader && !leased) {
            depose("no answer from the group coordinator for "
                    + Duration.ofNanos(leaseNanos).toMillis()
                    + " ms: its session may expire before this instance hears of it");
        }
    }

    private void elect() {
        standby = false;
        try {
            listener.elected();
            leader = true;
        } catch (Exception e) {
            failure = "could not become the leader: " + e.getMessage();
            LOG.error("offer-ingest {}: {}; leaving the leader group", id, failure, e);
            leader = true;
            depose(failure);
            running = false;
        }
    }

    private void depose(String why) {
        leader = false;
        try {
            listener.deposed(why);
        } catch (RuntimeException e) {
            LOG.error("offer-ingest {}: stepping down failed: {}", id, e.toString(), e);
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.contains(partition)) {
                leased = false;
                if (leader) {
                    depose("partition 0 of " + partition.topic() + " revoked");
                }
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            leased = false;
            if (leader) {
                depose("partition 0 of " + partition.topic() + " lost (this member was dropped from the group)");
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.contains(partition)) {
                lastRenewal = System.nanoTime() - heartbeat.toNanos(); // renew, and so lead, at once
            }
        }
    }

    /** True while this instance leads: it owns the partition, holds the lease and its listener was elected. */
    public boolean isLeader() {
        return leader;
    }

    /** True while this instance is in the group without the partition. */
    public boolean isStandby() {
        return standby && !leader;
    }

    /** True while the election runs (not closed, the listener never failed to take the lead). */
    public boolean isRunning() {
        Thread t = thread;
        return running && t != null && t.isAlive();
    }

    /** Why the election ended, if the listener failed to take the lead. */
    public String failure() {
        return failure;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Steps down if leading, leaves the group and ends the thread; waits for that. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
