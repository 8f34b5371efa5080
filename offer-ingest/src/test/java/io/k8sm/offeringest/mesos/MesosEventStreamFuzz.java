package io.k8sm.offeringest.mesos;

import static io.k8sm.offeringest.mesos.RecordingListener.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import io.k8sm.offeringest.mesos.RecordIoDecoder.RecordIoException;
import io.k8sm.sandbox.mesos.MesosMasterSimulator;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.apache.mesos.v1.scheduler.Protos.Event;

/**
 * Fuzzes the Mesos event stream: the RecordIO decoder on valid streams split at random points, on
 * mutated streams and on huge length prefixes; protobuf parsing of garbage records; and the real
 * client against the simulated master fed garbage frames and records.
 *
 * <p>Invariants: a valid stream decodes to exactly its records however it is split; a mutated one
 * yields records or the documented {@link RecordIoException}, never another exception; a length
 * prefix of 2 GB (or 2^64-1) allocates nothing near it; garbage records fail only with {@link
 * InvalidProtocolBufferException}; the client reports bad input and is subscribed again after
 * each.
 *
 * <p>Seeded: jqwik's seed is fixed; {@code -Dk8sm.fuzz.seed=N} varies the inputs, {@code
 * -Djqwik.tries.default=N} the number of tries.
 */
class MesosEventStreamFuzz {

    private static final long BASE_SEED = Long.getLong("k8sm.fuzz.seed", 0L);
    private static final long CAP = 1024 * 1024;

    private int tried;
    private int records;
    private int malformed;
    private int crashes;
    private String what = "";

    @BeforeProperty
    void reset() {
        tried = records = malformed = crashes = 0;
    }

    @AfterProperty
    void summary() {
        System.out.printf(
                "fuzz mesos event stream (%s): %d tried, %d crashes, %d malformed or unparseable reported, %d records"
                        + " decoded%n",
                what, tried, crashes, malformed, records);
    }

    @Property(seed = "20261221", shrinking = ShrinkingMode.OFF)
    void aValidStreamSplitAnywhereDecodesToItsRecords(@ForAll long seed) {
        what = "valid stream split anywhere";
        Random r = new Random(seed ^ BASE_SEED);
        List<byte[]> sent = new ArrayList<>();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        int n = 1 + r.nextInt(8);
        for (int i = 0; i < n; i++) {
            byte[] rec = new byte[1 + r.nextInt(r.nextInt(10) == 0 ? 70_000 : 200)];
            r.nextBytes(rec);
            sent.add(rec);
            stream.writeBytes((rec.length + "\n").getBytes(StandardCharsets.US_ASCII));
            stream.writeBytes(rec);
        }
        RecordIoDecoder d = new RecordIoDecoder(CAP);
        List<byte[]> got = new ArrayList<>();
        for (byte[] piece : split(stream.toByteArray(), r)) {
            got.addAll(d.feed(piece));
        }
        tried++;
        records += got.size();
        assertEquals(sent.size(), got.size());
        for (int i = 0; i < sent.size(); i++) {
            assertArrayEquals(sent.get(i), got.get(i));
        }
        assertTrue(d.atBoundary());
    }

    @Property(seed = "20261222", shrinking = ShrinkingMode.OFF)
    void aMutatedStreamYieldsRecordsOrTheMalformedFrameErrorOnly(@ForAll long seed) {
        what = "mutated RecordIO";
        Random r = new Random(seed ^ BASE_SEED);
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        for (int i = 0, n = 1 + r.nextInt(6); i < n; i++) {
            byte[] rec = new byte[1 + r.nextInt(100)];
            r.nextBytes(rec);
            stream.writeBytes((rec.length + "\n").getBytes(StandardCharsets.US_ASCII));
            stream.writeBytes(rec);
        }
        byte[] bytes = mutate(stream.toByteArray(), r);
        RecordIoDecoder d = new RecordIoDecoder(CAP);
        tried++;
        long fed = 0;
        for (byte[] piece : split(bytes, r)) {
            try {
                records += d.feed(piece).size();
            } catch (RecordIoException e) {
                malformed++;
                assertTrue(e.getMessage().startsWith("malformed RecordIO frame"), e.getMessage());
                assertThrows(RecordIoException.class, () -> d.feed(new byte[] {'1'}), "refuses until reset");
                d.reset();
            } catch (RuntimeException e) {
                crashes++;
                throw e;
            }
            fed += piece.length;
            assertTrue(d.pending().length <= fed, "holds no more than it was fed");
        }
    }

    @Property(seed = "20261223", shrinking = ShrinkingMode.OFF)
    void aHugeLengthPrefixAllocatesNothingNearIt(@ForAll long seed) {
        what = "huge length prefix";
        Random r = new Random(seed ^ BASE_SEED);
        String[] prefixes = {
            "2147483648", "2147483647", "4294967296", "18446744073709551615", "67108865", "99999999999999999999"
        };
        String prefix = prefixes[r.nextInt(prefixes.length)];
        RecordIoDecoder d = r.nextBoolean() ? new RecordIoDecoder() : new RecordIoDecoder(CAP);
        byte[] body = new byte[r.nextInt(1024)];
        r.nextBytes(body);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        tried++;
        RecordIoException e = assertThrows(RecordIoException.class, () -> {
            for (byte[] piece : split((prefix + "\n").getBytes(StandardCharsets.US_ASCII), r)) {
                d.feed(piece);
            }
            d.feed(body);
        });
        malformed++;
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        assertTrue(allocated < 8 * 1024 * 1024, "allocated " + allocated + " bytes for a " + prefix + " prefix");
        assertTrue(
                e.getMessage().contains("exceeds the limit") || e.getMessage().contains("does not fit"),
                e.getMessage());
    }

    @Property(seed = "20261224", shrinking = ShrinkingMode.OFF)
    void garbageRecordsFailToParseOnlyAsInvalidProtobuf(@ForAll long seed) {
        what = "garbage protobuf";
        Random r = new Random(seed ^ BASE_SEED);
        byte[] rec = new byte[r.nextInt(300)];
        r.nextBytes(rec);
        if (r.nextBoolean() && rec.length > 2) {
            rec[0] = 0x08; // a valid type tag, then garbage
            rec[1] = (byte) r.nextInt(16);
        }
        tried++;
        try {
            Event.parseFrom(rec);
            records++;
        } catch (InvalidProtocolBufferException e) {
            malformed++;
        }
    }

    // ------------------------------------------------------------------ the client itself

    private static MesosMasterSimulator sim;
    private static MesosSchedulerClient client;
    private static final RecordingListener events = new RecordingListener();

    /** The real client, subscribed to the simulated master, fed garbage frames and records. */
    @Property(seed = "20261225", tries = 12, shrinking = ShrinkingMode.OFF)
    void theClientReportsGarbageAndIsSubscribedAgain(@ForAll long seed) throws Exception {
        what = "client vs simulated master";
        if (sim == null) {
            sim = MesosMasterSimulator.builder()
                    .agents(1)
                    .allocationInterval(Duration.ofMillis(100))
                    .heartbeatInterval(Duration.ofMillis(200))
                    .start();
            client = new MesosSchedulerClient(
                    MesosClientConfig.builder(MesosClientConfig.frameworkInfo(
                                    "k8sm-fuzz", List.of("k8s"), Duration.ofDays(1), Optional.empty()))
                            .masters(List.of(sim.schedulerUri()))
                            .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                            .missedHeartbeats(5)
                            .requestTimeout(Duration.ofSeconds(10))
                            .build(),
                    events);
            client.start();
            await("subscription", client::isSubscribed);
        }
        Random r = new Random(seed ^ BASE_SEED);
        int bad = events.badInputs.size();
        int subscriptions = sim.subscriptionCount();
        tried++;
        if (r.nextBoolean()) {
            // a malformed frame: a letter in the length, or a length over the client's limit
            String head = r.nextBoolean() ? r.nextInt(1000) + "x\n" : "2147483648\n";
            sim.sendRaw(head.getBytes(StandardCharsets.US_ASCII));
            await("bad frame reported", () -> events.badInputs.size() > bad);
            await("subscribed again", () -> sim.subscriptionCount() > subscriptions && client.isSubscribed());
            malformed++;
        } else {
            byte[] rec = new byte[1 + r.nextInt(200)];
            r.nextBytes(rec);
            boolean parses;
            try {
                parses = Event.parseFrom(rec).getType() != Event.Type.UNKNOWN;
            } catch (InvalidProtocolBufferException e) {
                parses = false;
            }
            sim.sendRecord(rec);
            if (!parses) {
                await("bad record reported", () -> events.badInputs.size() > bad);
                malformed++;
            } else {
                records++;
            }
            int beats = events.heartbeats;
            await("heartbeats keep coming", () -> events.heartbeats > beats && client.isSubscribed());
        }
        assertTrue(events.errors.isEmpty(), "no ERROR: " + events.errors);
    }

    @AfterContainer
    static void closeClient() {
        if (client != null) {
            client.close();
        }
        if (sim != null) {
            sim.close();
        }
    }

    // ------------------------------------------------------------------ helpers

    private static List<byte[]> split(byte[] bytes, Random r) {
        List<byte[]> pieces = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            int n = Math.min(bytes.length - at, r.nextInt(4) == 0 ? 1 : 1 + r.nextInt(bytes.length));
            byte[] p = new byte[n];
            System.arraycopy(bytes, at, p, 0, n);
            pieces.add(p);
            at += n;
        }
        return pieces;
    }

    private static byte[] mutate(byte[] bytes, Random r) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(bytes.length + 64);
        for (byte x : bytes) {
            int m = r.nextInt(60);
            if (m == 0) {
                continue; // drop a byte
            } else if (m == 1) {
                b.write(r.nextInt(256)); // insert one
            } else if (m == 2) {
                b.writeBytes("99999999999\n".getBytes(StandardCharsets.US_ASCII));
            }
            b.write(m == 3 ? (byte) (x ^ (1 << r.nextInt(8))) : x);
        }
        return b.toByteArray();
    }
}
