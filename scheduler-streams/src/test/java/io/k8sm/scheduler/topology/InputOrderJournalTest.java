package io.k8sm.scheduler.topology;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.k8sm.avro.InputOrder;
import io.k8sm.scheduler.settings.SchedulerSettings;
import io.k8sm.scheduler.testing.Given;
import io.k8sm.scheduler.testing.SchedulerWorld;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The processor journals every input it takes out of the replay's canonical order (timestamp, then
 * merge order), with the input it took just before, so that a replay can follow the live order.
 */
class InputOrderJournalTest {

    @Test
    void anInputTakenAfterALaterOneIsJournaledWithTheOneItFollowed() {
        try (SchedulerWorld w = new SchedulerWorld(SchedulerSettings.defaults(), SchedulerStores.Kind.IN_MEMORY)) {
            long before = w.now();
            w.advance(1_000); // a tick: clock offset 0, a second after `before`
            w.podAt(Given.pod("default/late").build(), before + 500);

            assertEquals(1, w.inputOrder.size(), w.inputOrder.toString());
            InputOrder o = w.inputOrder.get(0);
            assertEquals(SchedulerWorld.TOPICS.pods(), o.getTopic());
            assertEquals(0L, o.getOffset());
            assertEquals(Instant.ofEpochMilli(before + 500), o.getTimestamp());
            assertEquals(SchedulerWorld.TOPICS.clock(), o.getAfterTopic());
            assertEquals(0L, o.getAfterOffset());
            assertEquals(Instant.ofEpochMilli(before + 1_000), o.getAfterTimestamp());
        }
    }

    @Test
    void inputsInTimestampOrderAreNotJournaled() {
        try (SchedulerWorld w = new SchedulerWorld(SchedulerSettings.defaults(), SchedulerStores.Kind.IN_MEMORY)) {
            w.pod(Given.pod("default/a").build());
            w.advance(1_000);
            w.podAt(Given.pod("default/b").build(), w.now() + 1);
            w.advance(10);

            assertEquals(0, w.inputOrder.size(), w.inputOrder.toString());
        }
    }

    @Test
    void anInputOfTheSameTimeTakenAgainstTheMergeOrderIsJournaled() {
        try (SchedulerWorld w = new SchedulerWorld(SchedulerSettings.defaults(), SchedulerStores.Kind.IN_MEMORY)) {
            w.advance(1_000);
            w.pod(Given.pod("default/a").build()); // the tick's time: a replay takes the pod first

            assertEquals(1, w.inputOrder.size(), w.inputOrder.toString());
            assertEquals(SchedulerWorld.TOPICS.clock(), w.inputOrder.get(0).getAfterTopic());
        }
    }

    @Test
    void aSecondLateInputFollowsTheFirstLateOne() {
        try (SchedulerWorld w = new SchedulerWorld(SchedulerSettings.defaults(), SchedulerStores.Kind.IN_MEMORY)) {
            long before = w.now();
            w.advance(1_000);
            w.podAt(Given.pod("default/x").build(), before + 100);
            w.podAt(Given.pod("default/y").build(), before + 200);

            assertEquals(2, w.inputOrder.size(), w.inputOrder.toString());
            InputOrder second = w.inputOrder.get(1);
            assertEquals(1L, second.getOffset());
            assertEquals(SchedulerWorld.TOPICS.pods(), second.getAfterTopic());
            assertEquals(0L, second.getAfterOffset());
        }
    }
}
