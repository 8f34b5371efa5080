package io.k8sm.launcher.kubeapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.k8sm.launcher.kafka.Outputs;
import io.k8sm.launcher.kafka.TransactionalLoop;
import io.k8sm.topics.TopicCatalogue;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The bridge's pods in parallel: each pod in order, outputs in group order, a retry after all stopped. */
class PerPodTest {

    private static final Outputs OUT = new Outputs(TopicCatalogue.defaults(), null, Clock.systemUTC(), "test");

    private static List<List<ConsumerRecord<String, byte[]>>> groups(int groups, int each) {
        List<List<ConsumerRecord<String, byte[]>>> all = new ArrayList<>();
        long offset = 0;
        for (int g = 0; g < groups; g++) {
            List<ConsumerRecord<String, byte[]>> one = new ArrayList<>();
            for (int i = 0; i < each; i++) {
                one.add(new ConsumerRecord<>("k8sm.task-status", 0, offset++, "pod-" + g, new byte[0]));
            }
            all.add(one);
        }
        return all;
    }

    @Test
    void eachPodsRecordsRunInOrderAndTheOutputsComeBackInGroupOrder() throws Exception {
        Random random = new Random(7);
        Map<Long, Integer> pauses = new ConcurrentHashMap<>();
        for (long o = 0; o < 24; o++) {
            pauses.put(o, random.nextInt(15));
        }
        Map<String, List<Long>> seen = new ConcurrentHashMap<>();
        List<ProducerRecord<String, byte[]>> out = new PerPod(OUT, 4).run(groups(8, 3), (raw, own) -> {
            sleep(pauses.get(raw.offset()));
            seen.computeIfAbsent(raw.key(), k -> new ArrayList<>()).add(raw.offset());
            own.add(new ProducerRecord<>("out", raw.key(), null));
        });

        List<String> keys = out.stream().map(ProducerRecord::key).toList();
        List<String> expected = new ArrayList<>();
        for (int g = 0; g < 8; g++) {
            expected.addAll(List.of("pod-" + g, "pod-" + g, "pod-" + g));
            assertEquals(List.of(g * 3L, g * 3L + 1, g * 3L + 2), seen.get("pod-" + g));
        }
        assertEquals(expected, keys);
    }

    @Test
    void differentPodsOverlapUpToTheConcurrency() throws Exception {
        CountDownLatch fourAtOnce = new CountDownLatch(4);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicBoolean allMet = new AtomicBoolean(true);
        new PerPod(OUT, 4).run(groups(8, 1), (raw, own) -> {
            most.accumulateAndGet(running.incrementAndGet(), Math::max);
            fourAtOnce.countDown();
            try {
                allMet.compareAndSet(true, fourAtOnce.await(30, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            running.decrementAndGet();
        });
        assertTrue(allMet.get(), "four pods were worked on at the same time");
        assertEquals(4, most.get(), "never more than the concurrency");
    }

    @Test
    void aTransientErrorInOnePodRetriesTheBatchOnceEveryPodHasStopped() {
        AtomicBoolean slowOneDone = new AtomicBoolean();
        PerPod pods = new PerPod(OUT, 4);
        TransactionalLoop.RetryLater thrown = assertThrows(
                TransactionalLoop.RetryLater.class,
                () -> pods.run(groups(2, 1), (raw, own) -> {
                    if (raw.key().equals("pod-0")) {
                        throw new TransactionalLoop.RetryLater("API unavailable", null);
                    }
                    sleep(200);
                    slowOneDone.set(true);
                }));
        assertEquals("API unavailable", thrown.getMessage());
        assertTrue(slowOneDone.get(), "the other pod's work had ended before the batch is retried");
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
