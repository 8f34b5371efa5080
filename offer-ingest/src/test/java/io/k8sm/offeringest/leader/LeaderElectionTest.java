package io.k8sm.offeringest.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The election against a {@link MockConsumer} whose rebalances run inside {@code poll}, on the election's thread, as a
 * real consumer's do; its commits can be made to fail as they do when the group coordinator is out of reach.
 */
class LeaderElectionTest {
    private static final TopicPartition P0 = new TopicPartition("framework-id", 0);

    /** A consumer whose poll does not spin and whose commits fail while the coordinator is "unreachable". */
    static final class Group extends MockConsumer<byte[], byte[]> {
        volatile boolean unreachable;
        volatile long lastRenewalSentAt;

        Group() {
            super("latest");
            updateEndOffsets(Map.of(P0, 0L));
        }

        @Override
        public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.poll(timeout);
        }

        @Override
        public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
            long sentAt = System.nanoTime();
            if (unreachable) {
                throw new TimeoutException("the group coordinator does not answer");
            }
            super.commitSync(offsets, timeout);
            lastRenewalSentAt = sentAt;
        }

        void assign(List<TopicPartition> partitions) {
            schedulePollTask(() -> rebalance(partitions)); // inside poll, on the election's thread
        }
    }

    /** Records what the election made of this instance. */
    static final class Recorder implements LeaderElection.Listener {
        final List<String> events = new CopyOnWriteArrayList<>();
        volatile long deposedAt;
        volatile Exception failWith;

        @Override
        public void elected() throws Exception {
            if (failWith != null) {
                throw failWith;
            }
            events.add("elected");
        }

        @Override
        public void deposed(String why) {
            deposedAt = System.nanoTime();
            events.add("deposed: " + why);
        }
    }

    private final Group group = new Group();
    private final Recorder recorder = new Recorder();
    private LeaderElection election;

    private LeaderElection start(Duration session, Duration heartbeat) {
        election = new LeaderElection(group, P0.topic(), session, heartbeat, recorder, "test").start();
        return election;
    }

    @AfterEach
    void tearDown() {
        if (election != null) {
            election.close();
        }
    }

    @Test
    void theOwnerOfPartitionZeroLeadsAndARevocationDeposesItInsideTheRebalance() {
        LeaderElection e = start(Duration.ofSeconds(6), Duration.ofSeconds(1));
        group.assign(List.of(P0));
        await("elected", e::isLeader);
        assertEquals(List.of("elected"), recorder.events);

        group.assign(List.of());
        await("deposed", () -> !e.isLeader() && e.isStandby());
        assertEquals(2, recorder.events.size(), recorder.events.toString());
        assertTrue(recorder.events.get(1).contains("revoked"), recorder.events.toString());
    }

    @Test
    void aMemberWithoutThePartitionIsAStandbyAndNeverLeads() throws Exception {
        LeaderElection e = start(Duration.ofSeconds(6), Duration.ofSeconds(1));
        TopicPartition p1 = new TopicPartition(P0.topic(), 1);
        group.updateEndOffsets(Map.of(p1, 0L));
        group.assign(List.of(p1));
        await("standby", e::isStandby);
        Thread.sleep(300);
        assertFalse(e.isLeader());
        assertEquals(List.of(), recorder.events);
    }

    /**
     * A leader cut off from the coordinator still believes it owns the partition (no revocation comes), yet it steps
     * down two heartbeats before its session could expire after the last renewal the coordinator confirmed, and leads
     * again once a renewal succeeds.
     */
    @Test
    void aLeaderThatCannotRenewItsLeaseStepsDownBeforeItsSessionCouldExpire() {
        Duration session = Duration.ofMillis(3000);
        LeaderElection e = start(session, Duration.ofMillis(500));
        group.assign(List.of(P0));
        await("elected", e::isLeader);

        group.unreachable = true;
        await("deposed", () -> !e.isLeader());
        long lastConfirmed = group.lastRenewalSentAt;
        assertTrue(group.assignment().contains(P0), "no revocation: the consumer still thinks it owns the partition");
        assertTrue(
                recorder.deposedAt - lastConfirmed < session.toNanos(),
                "stepped down "
                        + Duration.ofNanos(recorder.deposedAt - lastConfirmed).toMillis()
                        + " ms after the last confirmed renewal; the session was " + session.toMillis() + " ms");
        assertTrue(recorder.events.get(1).contains("no answer from the group coordinator"), recorder.events.toString());

        group.unreachable = false;
        await("elected again", e::isLeader);
        assertEquals(3, recorder.events.size(), recorder.events.toString());
    }

    @Test
    void aListenerThatCannotTakeTheLeadEndsTheElection() {
        recorder.failWith = new IllegalStateException("the stored framework id is unreadable");
        LeaderElection e = start(Duration.ofSeconds(6), Duration.ofSeconds(1));
        group.assign(List.of(P0));
        await("the election ended", () -> !e.isRunning());
        assertFalse(e.isLeader());
        assertNotNull(e.failure());
        assertTrue(e.failure().contains("unreadable"), e.failure());
        assertTrue(group.closed(), "left the group so that another instance can try");
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }
}
