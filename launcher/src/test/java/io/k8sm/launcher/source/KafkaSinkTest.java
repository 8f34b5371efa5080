package io.k8sm.launcher.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.k8sm.launcher.kafka.Codec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** Issue 10.8: a deletion whose send fails is sent again, not only logged. */
class KafkaSinkTest {
    private static final String TOPIC = "pods";

    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());

    private static void eventually(String what, Supplier<Boolean> condition) {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (!Boolean.TRUE.equals(condition.get())) {
            if (Instant.now().isAfter(deadline)) {
                fail(what + " did not happen");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    /** A negative check: long enough for a (wrong) retry after the 5 ms backoff to show up. */
    private static void pauseForAStaleRetry() {
        try {
            Thread.sleep(300);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aTombstoneWhoseSendFailsIsSentAgainUntilTheBrokerTakesIt() {
        try (KafkaSink sink = new KafkaSink(producer, new Codec(Map.of()), Duration.ofMillis(5))) {
            sink.send(TOPIC, "default/web-1", null);
            eventually("the tombstone is sent", () -> producer.history().size() == 1);
            producer.errorNext(new TimeoutException("delivery timed out"));
            eventually("the tombstone is sent again", () -> producer.history().size() == 2);
            producer.errorNext(new TimeoutException("delivery timed out"));
            eventually("and again", () -> producer.history().size() == 3);
            producer.completeNext();
            sink.flush();
            for (var r : producer.history()) {
                assertEquals("default/web-1", r.key());
                assertNull(r.value(), "every attempt is the tombstone");
            }
        }
    }

    @Test
    void aFailedSendIsNotRepeatedOverANewerValueOfTheSameKey() {
        byte[] recreated = "recreated".getBytes(StandardCharsets.UTF_8);
        try (KafkaSink sink = new KafkaSink(producer, new Codec(Map.of()), Duration.ofMillis(5))) {
            sink.send(TOPIC, "default/web-1", null);
            sink.sendBytes(TOPIC, "default/web-1", recreated); // the pod came back under the same name
            producer.errorNext(new TimeoutException("delivery timed out")); // the tombstone failed
            producer.completeNext(); // the newer snapshot made it
            sink.flush();
            pauseForAStaleRetry();
            assertEquals(2, producer.history().size(), "the stale tombstone is not sent again");
            assertArrayEquals(recreated, producer.history().get(1).value());
        }
    }
}
