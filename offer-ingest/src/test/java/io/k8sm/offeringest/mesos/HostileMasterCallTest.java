package io.k8sm.offeringest.mesos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Calls against masters that misbehave (review 2.3: M3, M5), each seen from the fake master's side. */
class HostileMasterCallTest {
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void tearDown() {
        release.countDown();
        servers.forEach(s -> s.stop(0));
    }

    @Test
    void aMasterThatSendsHeadersThenStallsTheBodyDoesNotBlockTheCallForever() throws Exception {
        HttpServer stalling = server(InetAddress.getLoopbackAddress(), ex -> {
            ex.sendResponseHeaders(202, 100); // promises 100 bytes, sends none
            ex.getResponseBody().flush();
            release.await();
        });
        MesosTransport t = new MesosTransport(config(uri(stalling, "127.0.0.1"), Duration.ofMillis(300)));
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                t.send(uri(stalling, "127.0.0.1"), "stream-1", kill());
                outcome.set(new AssertionError("the call returned without a complete answer"));
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
        caller.setDaemon(true);
        caller.start();
        caller.join(Duration.ofSeconds(30).toMillis());
        if (caller.isAlive()) {
            fail("the call thread is still blocked on the stalled body");
        }
        MesosCallException e = assertInstanceOf(MesosCallException.class, outcome.get());
        assertEquals(-1, e.status(), "no answer: a transient failure");
        t.close();
    }

    @Test
    void aRedirectToAHostThatIsNotAConfiguredMasterNeverReceivesTheCredentials() throws Exception {
        List<String> authSeen = new CopyOnWriteArrayList<>();
        HttpServer elsewhere = server(null, ex -> {
            authSeen.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            ex.sendResponseHeaders(202, -1);
            ex.close();
        });
        HttpServer master = server(InetAddress.getLoopbackAddress(), ex -> {
            ex.getResponseHeaders()
                    .add("Location", "//localhost:" + elsewhere.getAddress().getPort() + "/api/v1/scheduler");
            ex.sendResponseHeaders(307, -1);
            ex.close();
        });
        URI configured = uri(master, "127.0.0.1");
        MesosClientConfig cfg = MesosClientConfig.builder(
                        MesosClientConfig.frameworkInfo("k8sm", List.of("*"), Duration.ofDays(1), Optional.of("p")))
                .master(configured)
                .credentials("p", "s3cret")
                .requestTimeout(Duration.ofSeconds(5))
                .build();
        MesosTransport t = new MesosTransport(cfg);
        try {
            t.send(configured, "stream-1", kill());
            fail("the redirect to a host that is not a configured master was followed");
        } catch (MesosCallException e) {
            assertTrue(e.getMessage().contains("redirect"), e.getMessage());
        } finally {
            t.close();
        }
        assertEquals(List.of(), authSeen, "the other host saw no request with credentials");
    }

    @Test
    void aRedirectFromHttpsToHttpIsRefusedAndOneToAConfiguredMasterFollowed() {
        MesosClientConfig cfg = MesosClientConfig.builder(
                        MesosClientConfig.frameworkInfo("k8sm", List.of("*"), Duration.ofDays(1), Optional.empty()))
                .masters(List.of(URI.create("https://m1:5050"), URI.create("https://m2:5050")))
                .build();
        URI from = URI.create("https://m1:5050/api/v1/scheduler");
        assertTrue(MesosTransport.redirectRefusal(cfg, from, URI.create("http://m2:5050/api/v1/scheduler"))
                .orElseThrow()
                .contains("https"));
        assertFalse(MesosTransport.redirectRefusal(cfg, from, URI.create("https://m2:5050/api/v1/scheduler"))
                .isPresent());
    }

    /** M2: an error answer whose body never ends is read up to a bound, and the call fails with its status. */
    @Test
    void aRefusalWithAnEndlessBodyFailsTheCallWithItsStatusAndATruncatedBody() throws Exception {
        HttpServer refusing = server(InetAddress.getLoopbackAddress(), ex -> {
            ex.sendResponseHeaders(400, 0); // chunked, never ends
            byte[] chunk = "bad request ".repeat(4096).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            try (var out = ex.getResponseBody()) {
                while (release.getCount() > 0) {
                    out.write(chunk);
                    out.flush();
                }
            }
        });
        MesosTransport t = new MesosTransport(config(uri(refusing, "127.0.0.1"), Duration.ofSeconds(5)));
        try {
            t.send(uri(refusing, "127.0.0.1"), "stream-1", kill());
            fail("a 400 was taken for success");
        } catch (MesosCallException e) {
            assertEquals(400, e.status(), "the master's status, not a timeout: " + e.getMessage());
            assertTrue(e.body().length() <= MesosTransport.MAX_ERROR_BODY_CHARS + 100, "the body was bounded");
        } finally {
            t.close();
        }
    }

    /**
     * M4: one deadline bounds a call and all its redirects. Each hop here takes 40 % of the request timeout; without
     * one deadline the call would follow all 5 redirects (6 requests, 2.4 timeouts in all) and outlive the poll
     * interval. From the master's side: it never sees more requests than fit in one timeout.
     */
    @Test
    void aChainOfSlowRedirectsIsBoundedByOneDeadlineForTheWholeCall() throws Exception {
        AtomicInteger hops = new AtomicInteger();
        Duration timeout = Duration.ofMillis(1000);
        HttpServer[] self = {slowSelfRedirect(hops)};
        MesosTransport t = new MesosTransport(config(uri(self[0], "127.0.0.1"), timeout));
        try {
            t.send(uri(self[0], "127.0.0.1"), "stream-1", kill());
            fail("a redirect loop was taken for success");
        } catch (MesosCallException e) {
            assertEquals(-1, e.status(), "out of time: a transient failure, " + e.getMessage());
        } finally {
            t.close();
        }
        assertTrue(hops.get() <= 3, "at most 1000 ms / 400 ms requests within the call's deadline: " + hops.get());
    }

    /**
     * The same for SUBSCRIBE: one attempt's redirects share one deadline, so a chain of slow
     * redirects fails the attempt within one request timeout (and the client moves on to its next
     * attempt or master) instead of holding it for {@code maxRedirects} timeouts. From the master's
     * side: the first attempt never sends more requests than fit in one timeout.
     */
    @Test
    void aChainOfSlowSubscribeRedirectsFailsTheAttemptWithinOneTimeout() throws Exception {
        AtomicInteger hops = new AtomicInteger();
        HttpServer[] self = {slowSelfRedirect(hops)};
        MesosClientConfig cfg = MesosClientConfig.builder(
                        MesosClientConfig.frameworkInfo("k8sm", List.of("*"), Duration.ofDays(1), Optional.empty()))
                .master(uri(self[0], "127.0.0.1"))
                .requestTimeout(Duration.ofMillis(1000))
                .backoff(Duration.ofSeconds(60), Duration.ofSeconds(60)) // one attempt in this test
                .build();
        MesosSchedulerClient client = new MesosSchedulerClient(cfg, new MesosEventListener() {});
        try {
            client.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (client.lastFailure().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            String failure = client.lastFailure().orElseThrow(() -> new AssertionError("the attempt never ended"));
            assertTrue(failure.contains("redirects included"), failure);
            assertTrue(hops.get() <= 3, "at most 1000 ms / 400 ms SUBSCRIBE requests in one attempt: " + hops.get());
        } finally {
            client.close();
        }
    }

    // ------------------------------------------------------------------ harness

    /** A master that answers every request after 400 ms with a 307 to itself, counting them. */
    private HttpServer slowSelfRedirect(AtomicInteger hops) throws Exception {
        HttpServer[] self = new HttpServer[1];
        self[0] = server(InetAddress.getLoopbackAddress(), ex -> {
            hops.incrementAndGet();
            Thread.sleep(400);
            ex.getResponseHeaders()
                    .add("Location", "//127.0.0.1:" + self[0].getAddress().getPort() + "/api/v1/scheduler");
            ex.sendResponseHeaders(307, -1);
            ex.close();
        });
        return self[0];
    }

    private interface Handler {
        void handle(com.sun.net.httpserver.HttpExchange ex) throws Exception;
    }

    private HttpServer server(InetAddress bind, Handler h) throws Exception {
        HttpServer s = HttpServer.create(new InetSocketAddress(bind, 0), 0);
        s.createContext("/", ex -> {
            try {
                ex.getRequestBody().readAllBytes();
                h.handle(ex);
            } catch (Exception e) {
                ex.close();
            }
        });
        s.setExecutor(java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread th = new Thread(r, "hostile-master");
            th.setDaemon(true);
            return th;
        }));
        s.start();
        servers.add(s);
        return s;
    }

    private static URI uri(HttpServer s, String host) {
        return URI.create("http://" + host + ":" + s.getAddress().getPort() + "/api/v1/scheduler");
    }

    private static MesosClientConfig config(URI master, Duration timeout) {
        return MesosClientConfig.builder(
                        MesosClientConfig.frameworkInfo("k8sm", List.of("*"), Duration.ofDays(1), Optional.empty()))
                .master(master)
                .requestTimeout(timeout)
                .build();
    }

    private static Call kill() {
        return Call.newBuilder()
                .setType(Call.Type.KILL)
                .setKill(Call.Kill.newBuilder()
                        .setTaskId(
                                org.apache.mesos.v1.Protos.TaskID.newBuilder().setValue("t")))
                .build();
    }
}
