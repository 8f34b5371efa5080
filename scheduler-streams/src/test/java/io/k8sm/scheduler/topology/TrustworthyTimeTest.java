package io.k8sm.scheduler.topology;

import static io.k8sm.scheduler.testing.Given.offer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.avro.ClockTick;
import io.k8sm.avro.Decline;
import io.k8sm.scheduler.testing.SchedulerWorld;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 10.9: one clock far ahead must not freeze the scheduler's time. A clock tick whose value is
 * more than the skew bound ahead of its record's time is dead-lettered, and time follows the
 * record's time (on a broker the inputs' record time is the broker's append time, see {@code
 * SchedulerOnRealBrokerTest}).
 */
class TrustworthyTimeTest {

    /** Invariant: an offer is declined at its TTL (5 s), whatever a tick claims. */
    @Test
    void aClockTickFromTheYear9999IsDeadLetteredAndOffersStillExpireOnTime() {
        try (SchedulerWorld world = new SchedulerWorld()) {
            world.advance(1_000);
            world.tick(new ClockTick(Instant.parse("9999-12-31T23:59:59Z"), "broken-ticker"));
            world.offer(offer("o1", "host-a").build());
            world.advance(4_000);
            assertTrue(world.calls(Decline.class).isEmpty(), "not before its TTL");
            world.advance(1_000);
            assertEquals(
                    List.of(List.of("o1")),
                    world.calls(Decline.class).stream()
                            .map(Decline::getOfferIds)
                            .toList(),
                    "declined at its TTL");
            assertEquals(1, world.deadLetters.size(), "the outlier tick is dead-lettered");
            String reason = world.deadLetters.get(0).value.getReason();
            assertTrue(
                    reason.contains("9999-12-31T23:59:59Z") && reason.contains("scheduler.clock.max.skew.ms"), reason);
            assertEquals(
                    SchedulerWorld.TOPICS.clock(),
                    world.deadLetters.get(0).value.getSourceTopic());
        }
    }

    /** A tick a little ahead (within the bound) still moves time, as before. */
    @Test
    void aClockTickWithinTheSkewBoundMovesTime() {
        try (SchedulerWorld world = new SchedulerWorld()) {
            world.offer(offer("o1", "host-a").build());
            world.tick(new ClockTick(Instant.ofEpochMilli(world.now() + 5_000), "ticker"));
            assertEquals(1, world.calls(Decline.class).size(), "expired by the tick's value");
            assertTrue(world.deadLetters.isEmpty());
        }
    }
}
