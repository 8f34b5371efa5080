package io.k8sm.offeringest.mesos;

import static io.k8sm.offeringest.mesos.RecordingListener.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.mesos.v1.Protos.AgentID;
import org.apache.mesos.v1.Protos.FrameworkID;
import org.apache.mesos.v1.Protos.Offer;
import org.apache.mesos.v1.Protos.OfferID;
import org.apache.mesos.v1.scheduler.Protos.Event;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The subscription against masters that misbehave (review 2.3: M2, M6, M7), each checked from the fake master's
 * side (the SUBSCRIBE requests it received, what it could write) or from the order the listener saw.
 */
class HostileMasterStreamTest {
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger subscribes = new AtomicInteger();

    @AfterEach
    void tearDown() throws Exception {
        release.countDown();
        for (AutoCloseable c : toClose) {
            c.close();
        }
        servers.forEach(s -> s.stop(0));
    }

    /** M2: an error answer to SUBSCRIBE whose body never ends must not be read forever; the client moves on. */
    @Test
    void aSubscribeRefusalWithAnEndlessBodyIsCutAndTheClientSubscribesAgain() throws Exception {
        AtomicLong written = new AtomicLong();
        AtomicBoolean cut = new AtomicBoolean();
        HttpServer master = server(ex -> {
            if (subscribes.incrementAndGet() == 1) {
                ex.sendResponseHeaders(503, 0); // chunked, and it never ends
                byte[] chunk = "not the leader ".repeat(4096).getBytes(StandardCharsets.UTF_8);
                try (OutputStream out = ex.getResponseBody()) {
                    while (written.get() < 1L << 30) {
                        out.write(chunk);
                        out.flush();
                        written.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    cut.set(true); // the client closed the connection
                }
                return;
            }
            subscribed(ex, 15);
            release.await();
        });
        RecordingListener events = new RecordingListener();
        client(config(master).build(), events);
        await("a second SUBSCRIBE after the endless refusal", () -> subscribes.get() >= 2);
        await("the endless body cut by the client", cut::get);
        assertTrue(written.get() < 1L << 30, "the client stopped reading: " + written.get() + " bytes written");
    }

    /**
     * M6: records that do not parse are not a sign of life; a master sending only garbage is left once the heartbeats
     * are missed — while the garbage still flows, not only after it stops.
     */
    @Test
    void aMasterSendingOnlyGarbageAfterSubscribedIsResubscribedOnceTheHeartbeatsAreMissed() throws Exception {
        // the client leaving shows on the master's side as a write that fails while garbage still flows
        // (before the fix the garbage fed the watchdog: the stream ran its 30 s out and ended on its own)
        AtomicBoolean cutWhileFlowing = new AtomicBoolean();
        HttpServer master = server(ex -> {
            if (subscribes.incrementAndGet() > 1) {
                subscribed(ex, 15);
                release.await();
                return;
            }
            OutputStream out = subscribed(ex, 0.1);
            byte[] garbage = recordIo("\u00ff\u00fenot an event".getBytes(StandardCharsets.ISO_8859_1));
            try {
                for (int i = 0; i < 1500 && release.getCount() > 0; i++) { // 30 s of garbage at most
                    out.write(garbage);
                    out.flush();
                    Thread.sleep(20);
                }
            } catch (IOException e) {
                cutWhileFlowing.set(true);
            }
        });
        RecordingListener events = new RecordingListener();
        client(config(master).missedHeartbeats(3).build(), events);
        await("a second SUBSCRIBE", () -> subscribes.get() >= 2);
        await("the garbage stream cut by the client", cutWhileFlowing::get);
        assertTrue(!events.badInputs.isEmpty(), "the garbage was reported as bad input");
    }

    /** M6: a huge announced heartbeat interval must not overflow the watchdog into never firing. */
    @Test
    void aHugeAnnouncedHeartbeatIntervalIsCappedSoASilentMasterIsStillLeft() throws Exception {
        HttpServer master = server(ex -> {
            subscribes.incrementAndGet();
            subscribed(ex, 1e12);
            release.await(); // then silence
        });
        RecordingListener events = new RecordingListener();
        client(
                config(master)
                        .missedHeartbeats(2)
                        .maxHeartbeatInterval(Duration.ofMillis(200))
                        .build(),
                events);
        await("a second SUBSCRIBE after the silence", () -> subscribes.get() >= 2);
    }

    /**
     * M7: listener callbacks are strictly serial, and a subscription lost (here by the watchdog, on the timer thread)
     * while the listener is still inside {@code onOffers} is reported after it returns, never during it.
     */
    @Test
    void aDisconnectIsReportedAfterTheDyingStreamsOffersNeverConcurrentlyWithThem() throws Exception {
        HttpServer master = server(ex -> {
            if (subscribes.incrementAndGet() > 1) {
                subscribed(ex, 15);
                release.await();
                return;
            }
            OutputStream out = subscribed(ex, 0.05);
            out.write(recordIo(offers("o-1").toByteArray()));
            out.flush();
            release.await(); // then silence: the watchdog fires while onOffers still runs
        });
        List<String> order = new CopyOnWriteArrayList<>();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        CountDownLatch disconnected = new CountDownLatch(1);
        MesosEventListener listener = new MesosEventListener() {
            private void enter(String what) {
                if (inside.incrementAndGet() > 1) {
                    overlaps.incrementAndGet();
                }
                order.add(what);
            }

            @Override
            public void onSubscribed(FrameworkID frameworkId, Duration heartbeatInterval) {
                enter("subscribed");
                inside.decrementAndGet();
            }

            @Override
            public void onOffers(List<Offer> offers) {
                enter("offers");
                try {
                    // long enough for the watchdog (3 x 50 ms) to fire many times over
                    disconnected.await(2, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                order.add("offers-done");
                inside.decrementAndGet();
            }

            @Override
            public void onDisconnected(String reason) {
                enter("disconnected");
                disconnected.countDown();
                inside.decrementAndGet();
            }
        };
        client(config(master).missedHeartbeats(3).build(), listener);
        await("disconnected", () -> order.contains("disconnected"));
        assertEquals(0, overlaps.get(), "no listener call ran while another was running: " + order);
        assertEquals(
                List.of("subscribed", "offers", "offers-done", "disconnected"),
                order.subList(0, 4),
                "Disconnected after the dying stream's offers");
    }

    // ------------------------------------------------------------------ harness

    private interface Handler {
        void handle(HttpExchange ex) throws Exception;
    }

    private HttpServer server(Handler h) throws IOException {
        HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.createContext("/", ex -> {
            try {
                ex.getRequestBody().readAllBytes();
                h.handle(ex);
            } catch (Exception e) {
                // the client went away
            } finally {
                ex.close();
            }
        });
        s.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread th = new Thread(r, "hostile-master");
            th.setDaemon(true);
            return th;
        }));
        s.start();
        servers.add(s);
        return s;
    }

    /** Answers SUBSCRIBE with 200 and a SUBSCRIBED event announcing {@code heartbeatSeconds}; the stream stays open. */
    private static OutputStream subscribed(HttpExchange ex, double heartbeatSeconds) throws IOException {
        ex.getResponseHeaders().set("Content-Type", MesosClientConfig.Encoding.PROTOBUF.mediaType());
        ex.getResponseHeaders().set(MesosSchedulerClient.STREAM_ID_HEADER, "stream-" + System.nanoTime());
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        Event e = Event.newBuilder()
                .setType(Event.Type.SUBSCRIBED)
                .setSubscribed(Event.Subscribed.newBuilder()
                        .setFrameworkId(FrameworkID.newBuilder().setValue("fw-1"))
                        .setHeartbeatIntervalSeconds(heartbeatSeconds))
                .build();
        out.write(recordIo(e.toByteArray()));
        out.flush();
        return out;
    }

    private static Event offers(String offerId) {
        return Event.newBuilder()
                .setType(Event.Type.OFFERS)
                .setOffers(Event.Offers.newBuilder()
                        .addOffers(Offer.newBuilder()
                                .setId(OfferID.newBuilder().setValue(offerId))
                                .setFrameworkId(FrameworkID.newBuilder().setValue("fw-1"))
                                .setAgentId(AgentID.newBuilder().setValue("agent-1"))
                                .setHostname("agent-1")))
                .build();
    }

    private static byte[] recordIo(byte[] record) {
        byte[] head = (record.length + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[head.length + record.length];
        System.arraycopy(head, 0, out, 0, head.length);
        System.arraycopy(record, 0, out, head.length, record.length);
        return out;
    }

    private static MesosClientConfig.Builder config(HttpServer master) {
        return MesosClientConfig.builder(
                        MesosClientConfig.frameworkInfo("k8sm", List.of("*"), Duration.ofDays(1), Optional.empty()))
                .master(URI.create("http://127.0.0.1:" + master.getAddress().getPort() + "/api/v1/scheduler"))
                .backoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .requestTimeout(Duration.ofSeconds(5));
    }

    private void client(MesosClientConfig cfg, MesosEventListener listener) {
        MesosSchedulerClient c = new MesosSchedulerClient(cfg, listener);
        toClose.add(c);
        c.start();
    }
}
