package io.k8sm.endpoints;

import static io.k8sm.endpoints.Fixtures.NS;
import static io.k8sm.endpoints.Fixtures.pod;
import static io.k8sm.endpoints.Fixtures.port;
import static io.k8sm.endpoints.Fixtures.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two endpoint controllers on one API (the fabric8 mock server in CRUD mode): the lease decides
 * which one writes. Each controller talks through its own client with its own User-Agent, so the
 * API's own request log tells who wrote what.
 */
@EnableKubernetesMockClient(crud = true)
class EndpointControllerLeaderElectionTest {

    private static final Map<String, String> APP = Map.of("app", "web");
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    KubernetesMockServer server;
    KubernetesClient client;
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private KubernetesClient clientAs(String agent) {
        KubernetesClient c = server.createClient(
                b -> b.editOrNewConfig().withUserAgent(agent).endConfig());
        toClose.add(c);
        return c;
    }

    private EndpointControllerService controller(KubernetesClient c, String id) {
        return controller(c, id, EndpointsMode.HOSTPORT);
    }

    /** A controller in another mode wants other Endpoints: any write of its own would show. */
    private EndpointControllerService controller(KubernetesClient c, String id, EndpointsMode mode) {
        EndpointControllerConfig cfg = EndpointControllerConfig.defaults()
                .withMode(mode)
                .withResync(Duration.ofHours(1))
                .withLease(LeaseSettings.defaults().withIdentity(id));
        EndpointControllerService s = new EndpointControllerService(c, cfg);
        toClose.add(s);
        return s;
    }

    private Lease lease(String namespace) {
        return client.leases()
                .inNamespace(namespace)
                .withName(LeaseSettings.DEFAULT_NAME)
                .get();
    }

    private String holder() {
        Lease l = lease(client.getNamespace());
        return l == null ? null : l.getSpec().getHolderIdentity();
    }

    private List<String> readyIps() {
        Endpoints e = client.endpoints().inNamespace(NS).withName("svc").get();
        List<String> out = new ArrayList<>();
        if (e != null && e.getSubsets() != null) {
            for (EndpointSubset s : e.getSubsets()) {
                for (EndpointAddress a : s.getAddresses()) {
                    out.add(a.getIp() + ":" + s.getPorts().get(0).getPort());
                }
            }
        }
        out.sort(null);
        return out;
    }

    /** Write requests (anything but GET) on Endpoints, slices and Events since the last call, by User-Agent. */
    private Map<String, List<String>> writesByAgent() throws InterruptedException {
        Map<String, List<String>> out = new TreeMap<>();
        RecordedRequest r;
        while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
            String path = r.getPath();
            boolean ours = path.contains("/endpoints") || path.contains("/events");
            if (ours && !"GET".equals(r.getMethod())) {
                out.computeIfAbsent(r.getHeader("User-Agent"), k -> new ArrayList<>())
                        .add(r.getMethod() + " " + path);
            }
        }
        return out;
    }

    /** Writes per agent, with the first few of each. */
    private static String summary(Map<String, List<String>> writes) {
        StringBuilder b = new StringBuilder("writes by User-Agent:");
        writes.forEach((agent, w) -> b.append(' ')
                .append(agent)
                .append('=')
                .append(w.size())
                .append(' ')
                .append(w.subList(0, Math.min(3, w.size()))));
        return b.toString();
    }

    private static <T> T await(String what, Supplier<T> probe) {
        return EndpointControllerServiceTest.await(what, DEADLINE, probe);
    }

    private void createServiceWithOnePod() {
        client.services()
                .inNamespace(NS)
                .resource(service("svc", APP, port("http", 80, 8080, "TCP")))
                .create();
        client.pods()
                .inNamespace(NS)
                .resource(pod("p1")
                        .hostIp("10.1.0.1")
                        .hostPort("TCP", 8080, 31000)
                        .build())
                .create();
    }

    private void createSecondPod() {
        client.pods()
                .inNamespace(NS)
                .resource(pod("p2")
                        .hostIp("10.1.0.2")
                        .hostPort("TCP", 8080, 31002)
                        .build())
                .create();
    }

    @Test
    void aSingleControllerTakesTheLeaseAndWorksAsBefore() {
        createServiceWithOnePod();
        EndpointControllerService only = new EndpointControllerService(
                client, EndpointControllerConfig.defaults().withResync(Duration.ofHours(1)));
        toClose.add(only);
        only.start();

        await("endpoints", () -> readyIps().equals(List.of("10.1.0.1:31000")));
        assertTrue(only.isLeader());
        assertTrue(
                only.identity().endsWith("-" + ProcessHandle.current().pid()),
                "hostname and pid by default: " + only.identity());
        Lease l = await("lease in the client's namespace", () -> lease(client.getNamespace()));
        assertEquals(only.identity(), l.getSpec().getHolderIdentity());
        assertEquals(3, l.getSpec().getLeaseDurationSeconds());
    }

    @Test
    void onlyTheLeaseHolderWritesWhileTheStandbyKeepsItsCachesHot() throws Exception {
        createServiceWithOnePod();
        EndpointControllerService a = controller(clientAs("controller-a"), "a");
        // b would write pod IPs and container ports: were it to write at all, the Endpoints would show it
        EndpointControllerService b = controller(clientAs("controller-b"), "b", EndpointsMode.VANILLA);
        writesByAgent(); // forget the fixture's own requests
        a.start();
        await("a leads", a::isLeader);
        b.start();

        await("endpoints", () -> readyIps().equals(List.of("10.1.0.1:31000")));
        createSecondPod();
        await("second pod in endpoints", () -> readyIps().equals(List.of("10.1.0.1:31000", "10.1.0.2:31002")));
        String rv = client.endpoints()
                .inNamespace(NS)
                .withName("svc")
                .get()
                .getMetadata()
                .getResourceVersion();
        await("b's cache holds what a wrote", () -> rv.equals(b.cachedEndpointsVersion(NS + "/svc")));
        b.resync(); // even asked to, the standby does nothing
        b.enqueue(NS + "/svc");
        await("a idle", a::isIdle);
        Thread.sleep(500); // time for a stray write by b to land

        Map<String, List<String>> writes = writesByAgent();
        assertEquals(List.of("controller-a"), List.copyOf(writes.keySet()), summary(writes));
        assertEquals(List.of("10.1.0.1:31000", "10.1.0.2:31002"), readyIps(), "host ports, as a writes them");
        assertEquals("a", holder());
        assertTrue(a.isLeader());
        assertFalse(b.isLeader());
        assertTrue(b.isReady(), "a standby is ready: its informers are synced");
        assertEquals(0, b.stats().reconciles());
        assertEquals(0, b.stats().writes());
        assertTrue(a.status().contains("leader"), a.status());
        assertTrue(b.status().contains("standby"), b.status());
    }

    @Test
    void whenTheLeaderStopsTheStandbyTakesOverAndReconcilesAChangeMadeMeanwhile() throws Exception {
        createServiceWithOnePod();
        EndpointControllerService a = controller(clientAs("controller-a"), "a");
        EndpointControllerService b = controller(clientAs("controller-b"), "b");
        a.start();
        await("a leads", a::isLeader);
        b.start();
        await("endpoints", () -> readyIps().equals(List.of("10.1.0.1:31000")));
        await("a idle", a::isIdle);
        writesByAgent();

        long stopped = System.nanoTime();
        a.close(); // releases the lease
        createSecondPod();
        await("b leads", b::isLeader);
        double takeover = (System.nanoTime() - stopped) / 1e9;
        await("b reconciled the change", () -> readyIps().equals(List.of("10.1.0.1:31000", "10.1.0.2:31002")));
        double reconciled = (System.nanoTime() - stopped) / 1e9;
        System.out.printf(
                "graceful failover: b leader after %.2f s, change reconciled after %.2f s%n", takeover, reconciled);

        assertEquals("b", holder());
        Map<String, List<String>> writes = writesByAgent();
        assertEquals(List.of("controller-b"), List.copyOf(writes.keySet()), summary(writes));
        assertTrue(
                takeover < LeaseSettings.defaults().leaseDuration().toSeconds(), "released, not expired: " + takeover);
    }

    @Test
    void aLeaderCutOffFromTheApiStopsWritingAndTheStandbyTakesOverOnceTheLeaseExpires() throws Exception {
        createServiceWithOnePod();
        KubernetesClient ofA = clientAs("controller-a");
        EndpointControllerService a = controller(ofA, "a");
        EndpointControllerService b = controller(clientAs("controller-b"), "b");
        a.start();
        await("a leads", a::isLeader);
        b.start();
        await("endpoints", () -> readyIps().equals(List.of("10.1.0.1:31000")));
        await("a idle", a::isIdle);

        long cut = System.nanoTime();
        ofA.close(); // as a kill -9 or a partition: no release, no more renewals
        createSecondPod();
        await("a steps down", () -> !a.isLeader());
        double steppedDown = (System.nanoTime() - cut) / 1e9;
        await("b leads", b::isLeader);
        double takeover = (System.nanoTime() - cut) / 1e9;
        await("b reconciled the change", () -> readyIps().equals(List.of("10.1.0.1:31000", "10.1.0.2:31002")));
        double reconciled = (System.nanoTime() - cut) / 1e9;
        System.out.printf(
                "failover after a cut: a stood down after %.2f s, b leader after %.2f s, change reconciled after %.2f s%n",
                steppedDown, takeover, reconciled);

        assertEquals("b", holder());
        LeaseSettings lease = LeaseSettings.defaults();
        assertTrue(steppedDown < takeover, "the old leader stops before the new one starts");
        double earliest =
                (lease.leaseDuration().toMillis() - 2 * lease.retryPeriod().toMillis()) / 1e3;
        assertTrue(takeover >= earliest, "not before the lease could have expired: " + takeover);
        assertNotNull(b.cachedEndpointsVersion(NS + "/svc"));
    }
}
