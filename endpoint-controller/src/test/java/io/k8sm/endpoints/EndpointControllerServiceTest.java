package io.k8sm.endpoints;

import static io.k8sm.endpoints.Fixtures.NS;
import static io.k8sm.endpoints.Fixtures.pod;
import static io.k8sm.endpoints.Fixtures.port;
import static io.k8sm.endpoints.Fixtures.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The controller against the fabric8 mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true)
class EndpointControllerServiceTest {

    private static final Map<String, String> APP = Map.of("app", "web");
    private static final Duration DEADLINE = Duration.ofSeconds(15);

    KubernetesMockServer server;
    KubernetesClient client;
    private EndpointControllerService controller;

    @AfterEach
    void stop() {
        if (controller != null) {
            controller.close();
        }
    }

    private EndpointControllerService start(EndpointControllerConfig config) {
        controller = new EndpointControllerService(client, config);
        controller.start();
        return controller;
    }

    private EndpointControllerService start() {
        return start(EndpointControllerConfig.defaults().withResync(Duration.ofHours(1)));
    }

    private Service create(Service s) {
        return client.services().inNamespace(NS).resource(s).create();
    }

    private Pod create(Pod p) {
        return client.pods().inNamespace(NS).resource(p).create();
    }

    private Endpoints endpoints(String name) {
        return client.endpoints().inNamespace(NS).withName(name).get();
    }

    private List<EndpointSlice> slices(String service) {
        return client.discovery()
                .v1()
                .endpointSlices()
                .inNamespace(NS)
                .withLabel(EndpointsReconciler.SERVICE_NAME_LABEL, service)
                .list()
                .getItems();
    }

    private static List<String> ips(Endpoints e, boolean ready) {
        List<String> out = new ArrayList<>();
        if (e != null && e.getSubsets() != null) {
            for (EndpointSubset s : e.getSubsets()) {
                List<EndpointAddress> as = ready ? s.getAddresses() : s.getNotReadyAddresses();
                if (as != null) {
                    as.forEach(
                            a -> out.add(a.getIp() + ":" + s.getPorts().get(0).getPort()));
                }
            }
        }
        out.sort(null);
        return out;
    }

    private static <T> T await(String what, Supplier<T> probe) {
        return await(what, DEADLINE, probe);
    }

    /** Polls {@code probe} until it answers neither null nor false, failing the test after {@code within}. */
    static <T> T await(String what, Duration within, Supplier<T> probe) {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            T v = probe.get();
            if (v != null && !Boolean.FALSE.equals(v)) {
                return v;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return fail("timed out waiting for " + what);
    }

    private List<Event> events() {
        return client.v1().events().inNamespace(NS).list().getItems();
    }

    @Test
    void namedAndNumberedPortsBecomeHostIpAndMappedHostPort() {
        create(service("svc", APP, port("http", 80, "web", "TCP"), port("metrics", 9090, 9090, "TCP")));
        Pod created = create(pod("p1")
                .hostIp("10.1.0.1")
                .containerPort("web", 8080, "TCP")
                .namedHostPort("TCP", "web", 31000)
                .hostPort("TCP", 9090, 31001)
                .build());
        start();

        Endpoints ep = await("endpoints of svc", () -> endpoints("svc"));
        EndpointSubset subset = ep.getSubsets().get(0);
        assertEquals("10.1.0.1", subset.getAddresses().get(0).getIp());
        assertEquals(
                Map.of("http", 31000, "metrics", 31001),
                Map.of(
                        subset.getPorts().get(0).getName(),
                        subset.getPorts().get(0).getPort(),
                        subset.getPorts().get(1).getName(),
                        subset.getPorts().get(1).getPort()));
        var ref = subset.getAddresses().get(0).getTargetRef();
        assertEquals(
                List.of("Pod", NS, "p1", created.getMetadata().getUid()),
                List.of(ref.getKind(), ref.getNamespace(), ref.getName(), ref.getUid()));
        assertNotNull(ref.getResourceVersion());
        assertEquals("svc", ep.getMetadata().getOwnerReferences().get(0).getName());

        EndpointSlice slice = await(
                "slice of svc",
                () -> slices("svc").isEmpty() ? null : slices("svc").get(0));
        assertEquals(
                "k8sm-endpoint-controller", slice.getMetadata().getLabels().get(EndpointsReconciler.SLICE_MANAGED_BY));
        assertEquals(List.of("10.1.0.1"), slice.getEndpoints().get(0).getAddresses());
        assertEquals("Service", slice.getMetadata().getOwnerReferences().get(0).getKind());
        assertEquals(Boolean.TRUE, slice.getEndpoints().get(0).getConditions().getReady());
    }

    @Test
    void readinessLossMovesThePodToNotReadyAddresses() {
        create(service("svc", APP, port("http", 80, 8080, "TCP")));
        Pod p = create(pod("p1").hostPort("TCP", 8080, 31000).build());
        start();
        await("ready address", () -> ips(endpoints("svc"), true).equals(List.of("10.0.0.1:31000")));

        p.getStatus()
                .setConditions(List.of(new PodConditionBuilder()
                        .withType("Ready")
                        .withStatus("False")
                        .build()));
        client.pods().inNamespace(NS).resource(p).updateStatus();

        await(
                "not-ready address",
                () -> ips(endpoints("svc"), false).equals(List.of("10.0.0.1:31000"))
                        && ips(endpoints("svc"), true).isEmpty());
        await(
                "slice endpoint ready=false",
                () -> slices("svc").stream()
                        .flatMap(s ->
                                s.getEndpoints() == null ? java.util.stream.Stream.empty() : s.getEndpoints().stream())
                        .anyMatch(e -> Boolean.FALSE.equals(e.getConditions().getReady())));
    }

    @Test
    void endpointsFollowPodsThatComeAndGo() {
        create(service("svc", APP, port("http", 80, 8080, "TCP")));
        create(pod("p1").hostIp("10.0.0.1").hostPort("TCP", 8080, 31000).build());
        start();
        await("first pod", () -> ips(endpoints("svc"), true).equals(List.of("10.0.0.1:31000")));

        create(pod("p2").hostIp("10.0.0.2").hostPort("TCP", 8080, 31005).build());
        await("second pod", () -> ips(endpoints("svc"), true).equals(List.of("10.0.0.1:31000", "10.0.0.2:31005")));
        await("a slice per host-port set", () -> slices("svc").size() == 2);

        client.pods().inNamespace(NS).withName("p1").delete();
        await("first pod gone", () -> ips(endpoints("svc"), true).equals(List.of("10.0.0.2:31005")));
        await("its slice gone", () -> slices("svc").size() == 1);

        Pod relabelled = client.pods().inNamespace(NS).withName("p2").get();
        relabelled.getMetadata().getLabels().put("app", "other");
        client.pods().inNamespace(NS).resource(relabelled).update();
        await(
                "pod that no longer matches gone",
                () -> ips(endpoints("svc"), true).isEmpty());
    }

    @Test
    void deletingTheServiceDeletesItsEndpointsAndSlices() {
        create(service("svc", APP, port("http", 80, 8080, "TCP")));
        create(pod("p1").hostPort("TCP", 8080, 31000).build());
        start();
        await("endpoints", () -> endpoints("svc"));
        await("slice", () -> !slices("svc").isEmpty());

        client.services().inNamespace(NS).withName("svc").delete();
        await("endpoints deleted", () -> endpoints("svc") == null);
        await("slices deleted", () -> slices("svc").isEmpty());
    }

    @Test
    void leftoversOfAServiceDeletedWhileStoppedAreRemovedOnStart() {
        Service gone = service("gone", APP, port("http", 80, 8080, "TCP"));
        Desired d = EndpointsReconciler.desired(
                gone, List.of(pod("p1").hostPort("TCP", 8080, 31000).build()), EndpointsMode.HOSTPORT);
        client.endpoints()
                .inNamespace(NS)
                .resource(KubeObjects.toEndpoints(d.endpoints(), null))
                .create();
        client.discovery()
                .v1()
                .endpointSlices()
                .inNamespace(NS)
                .resource(KubeObjects.toSlice(d.slices().get(0), null))
                .create();
        start();
        await("leftover endpoints deleted", () -> endpoints("gone") == null);
        await("leftover slices deleted", () -> slices("gone").isEmpty());
    }

    @Test
    void missingAnnotationWritesOneWarningEventAndNoAddressForThatPort() {
        create(service("svc", APP, port("http", 80, 8080, "TCP")));
        create(pod("p1").hostIp("10.0.0.1").hostPort("TCP", 8080, 31000).build());
        create(pod("p2").hostIp("10.0.0.2").build());
        start();

        Event event = await(
                "warning event",
                () -> events().stream()
                        .filter(e -> Problem.MISSING_ANNOTATION.equals(e.getReason()))
                        .findFirst()
                        .orElse(null));
        assertEquals("Warning", event.getType());
        assertEquals("Service", event.getInvolvedObject().getKind());
        assertEquals("svc", event.getInvolvedObject().getName());
        assertTrue(
                event.getMessage().contains("web/p2") && event.getMessage().contains("port_TCP_8080"),
                event.getMessage());
        await("only the annotated pod", () -> ips(endpoints("svc"), true).equals(List.of("10.0.0.1:31000")));

        // The same problem seen again (a resync) is not told again.
        long before = controller.stats().reconciles();
        controller.resync();
        await("resync reconciled", () -> controller.stats().reconciles() > before && controller.isIdle());
        assertEquals(
                1,
                events().stream()
                        .filter(e -> Problem.MISSING_ANNOTATION.equals(e.getReason()))
                        .count());
        assertEquals(1, controller.stats().events());
    }

    @Test
    void reconcileOfAnUnchangedServiceWritesNothing() throws InterruptedException {
        create(service("svc", APP, port("http", 80, 8080, "TCP")));
        create(pod("p1").hostPort("TCP", 8080, 31000).build());
        start();
        Endpoints ep = await("endpoints", () -> endpoints("svc"));
        await("slice", () -> slices("svc").size() == 1);
        // Wait until the controller's caches hold what it wrote, then let it settle.
        await("cache caught up", () -> {
            Endpoints now = endpoints("svc");
            Map<String, String> apiSlices = new java.util.HashMap<>();
            slices("svc")
                    .forEach(s -> apiSlices.put(
                            s.getMetadata().getName(), s.getMetadata().getResourceVersion()));
            return Objects.equals(
                            now.getMetadata().getResourceVersion(), controller.cachedEndpointsVersion(NS + "/svc"))
                    && apiSlices.equals(controller.cachedSliceVersions(NS + "/svc"))
                    && controller.isIdle();
        });
        String rv = endpoints("svc").getMetadata().getResourceVersion();
        long writes = controller.stats().writes();
        while (server.takeRequest(1, TimeUnit.MILLISECONDS) != null) {
            // drain what happened so far
        }

        long before = controller.stats().reconciles();
        controller.resync();
        controller.enqueue(NS + "/svc");
        await("reconciled again", () -> controller.stats().reconciles() > before && controller.isIdle());

        assertEquals(writes, controller.stats().writes());
        assertEquals(rv, endpoints("svc").getMetadata().getResourceVersion());
        List<String> writeRequests = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(1, TimeUnit.MILLISECONDS)) != null) {
            // the lease's renewals are the election's, not a reconcile's
            if (!"GET".equals(r.getMethod()) && !r.getPath().contains("/leases/")) {
                writeRequests.add(r.getMethod() + " " + r.getPath());
            }
        }
        assertEquals(List.of(), writeRequests);
        assertNotNull(ep);
    }

    @Test
    void healthyFromStartUntilClose() {
        EndpointControllerService c = new EndpointControllerService(client, EndpointControllerConfig.defaults());
        assertFalse(c.isHealthy(), "not started yet");
        controller = c;
        c.start();
        assertTrue(c.isHealthy(), "informers running and workers alive");
        c.close();
        assertFalse(c.isHealthy(), "closed");
    }

    @Test
    void periodicResyncReconcilesEveryServiceWithoutWriting() {
        create(service("svc", APP, port("http", 80, 8080, "TCP")));
        create(pod("p1").hostPort("TCP", 8080, 31000).build());
        start(EndpointControllerConfig.defaults().withResync(Duration.ofSeconds(1)));
        await("endpoints", () -> endpoints("svc"));
        await("settled", () -> controller.isIdle() && controller.stats().writes() == 2);
        long before = controller.stats().reconciles();
        await("two more resyncs", () -> controller.stats().reconciles() >= before + 2);
        assertEquals(2, controller.stats().writes());
    }

    @Test
    void vanillaModeWritesPodIpAndContainerPort() {
        create(service("svc", APP, port("http", 80, "web", "TCP")));
        create(pod("p1")
                .podIp("172.16.0.9")
                .containerPort("web", 8080, "TCP")
                .namedHostPort("TCP", "web", 31000)
                .build());
        start(EndpointControllerConfig.defaults()
                .withMode(EndpointsMode.VANILLA)
                .withResync(Duration.ofHours(1)));
        await("pod ip and container port", () -> ips(endpoints("svc"), true).equals(List.of("172.16.0.9:8080")));
    }

    @Test
    void onlyTheConfiguredNamespaceIsServed() {
        create(service("svc", APP, port("http", 80, 8080, "TCP")));
        create(pod("p1").hostPort("TCP", 8080, 31000).build());
        Service other = service("svc", APP, port("http", 80, 8080, "TCP"));
        other.getMetadata().setNamespace("other");
        client.services().inNamespace("other").resource(other).create();
        start(EndpointControllerConfig.defaults().withNamespace(NS).withResync(Duration.ofHours(1)));
        await("endpoints in " + NS, () -> endpoints("svc"));
        await("idle", () -> controller.isIdle());
        assertNull(client.endpoints().inNamespace("other").withName("svc").get());
    }

    @Test
    void conflictIsRetriedOnAFreshRead() {
        Service s = create(service("svc", APP, port("http", 80, 8080, "TCP")));
        Desired one = EndpointsReconciler.desired(
                s, List.of(pod("p1").hostPort("TCP", 8080, 31000).build()), EndpointsMode.HOSTPORT);
        Desired two = EndpointsReconciler.desired(
                s, List.of(pod("p1").hostPort("TCP", 8080, 31001).build()), EndpointsMode.HOSTPORT);
        Endpoints stale = client.endpoints()
                .inNamespace(NS)
                .resource(KubeObjects.toEndpoints(one.endpoints(), null))
                .create();
        // Someone else writes after we read.
        Endpoints theirs = KubeObjects.toEndpoints(
                one.endpoints(),
                client.endpoints().inNamespace(NS).withName("svc").get());
        theirs.getMetadata().setAnnotations(Map.of("someone", "else"));
        client.endpoints().inNamespace(NS).resource(theirs).update();

        EndpointsWriter writer = new EndpointsWriter(client);
        writer.apply(NS + "/svc", new Plan(two.endpoints(), List.of(), java.util.Set.of()), stale, Map.of());

        assertEquals(1, writer.conflicts.sum());
        assertEquals(1, writer.writes.sum());
        Endpoints now = endpoints("svc");
        assertEquals(two.endpoints(), KubeObjects.fromEndpoints(now));
        assertEquals("else", now.getMetadata().getAnnotations().get("someone"), "their annotation kept");
    }
}
