package io.k8sm.endpoints;

import static io.k8sm.endpoints.Fixtures.pod;
import static io.k8sm.endpoints.Fixtures.port;
import static io.k8sm.endpoints.Fixtures.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.k8sm.contract.PodAnnotations;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The pure reconcile: service + pods in, desired Endpoints/slices + problems out. No server. */
class EndpointsReconcilerTest {

    private static final Map<String, String> APP = Map.of("app", "web");

    private static Desired hostport(Service s, Pod... pods) {
        return EndpointsReconciler.desired(s, List.of(pods), EndpointsMode.HOSTPORT);
    }

    private static List<Address> ready(Desired d) {
        return d.endpoints().subsets().stream().flatMap(s -> s.ready().stream()).toList();
    }

    private static List<Address> notReady(Desired d) {
        return d.endpoints().subsets().stream()
                .flatMap(s -> s.notReady().stream())
                .toList();
    }

    @Test
    void namedTargetPortMapsToHostIpAndPortNameAnnotation() {
        Service s = service("svc", APP, port("http", 80, "web", "TCP"));
        Pod p = pod("p1")
                .containerPort("web", 8080, "TCP")
                .namedHostPort("TCP", "web", 31000)
                .build();
        Desired d = hostport(s, p);
        assertEquals(1, d.endpoints().subsets().size());
        Subset sub = d.endpoints().subsets().get(0);
        assertEquals("10.0.0.1", sub.ready().get(0).ip());
        assertEquals(List.of(new PortSpec("http", 31000, "TCP", null)), sub.ports());
        assertTrue(d.problems().isEmpty());
    }

    @Test
    void numberedTargetPortMapsThroughPortAnnotation() {
        Service s = service("svc", APP, port("http", 80, 8080, "TCP"));
        Pod p = pod("p1").hostPort("TCP", 8080, 31001).build();
        Subset sub = hostport(s, p).endpoints().subsets().get(0);
        assertEquals(31001, sub.ports().get(0).port());
        assertEquals("10.0.0.1", sub.ready().get(0).ip());
    }

    @Test
    void absentTargetPortDefaultsToServicePortNumber() {
        Service s = service("svc", APP, port("http", 8080, null, "TCP"));
        Pod p = pod("p1").hostPort("TCP", 8080, 31002).build();
        assertEquals(
                31002,
                hostport(s, p).endpoints().subsets().get(0).ports().get(0).port());
    }

    @Test
    void namedTargetPortTakesTheProtocolOfTheContainerPort() {
        Service s = service("dns", APP, port("dns", 53, "dns", "UDP"));
        Pod p = pod("p1")
                .containerPort("dns", 53, "TCP")
                .containerPort("dns", 53, "UDP")
                .namedHostPort("UDP", "dns", 31053)
                .namedHostPort("TCP", "dns", 31054)
                .build();
        PortSpec port = hostport(s, p).endpoints().subsets().get(0).ports().get(0);
        assertEquals(new PortSpec("dns", 31053, "UDP", null), port);
    }

    @Test
    void namedTargetPortFallsBackToTheNumberAnnotationOfTheNamedContainerPort() {
        Service s = service("svc", APP, port("http", 80, "web", "TCP"));
        Pod p = pod("p1")
                .containerPort("web", 8080, "TCP")
                .hostPort("TCP", 8080, 31003)
                .build();
        Desired d = hostport(s, p);
        assertEquals(31003, d.endpoints().subsets().get(0).ports().get(0).port());
        assertTrue(d.problems().isEmpty());
    }

    @Test
    void notReadyPodIsANotReadyAddressAndAReadyFalseSliceEndpoint() {
        Service s = service("svc", APP, port("http", 80, 8080, "TCP"));
        Desired d =
                hostport(s, pod("p1").hostPort("TCP", 8080, 31000).ready(false).build());
        assertTrue(ready(d).isEmpty());
        assertEquals("p1", notReady(d).get(0).pod().name());
        assertFalse(d.slices().get(0).endpoints().get(0).ready());
    }

    @Test
    void publishNotReadyAddressesMakesNotReadyPodsAddresses() {
        Service s = service("svc", APP, port("http", 80, 8080, "TCP"));
        s.getSpec().setPublishNotReadyAddresses(true);
        Desired d =
                hostport(s, pod("p1").hostPort("TCP", 8080, 31000).ready(false).build());
        assertEquals(1, ready(d).size());
        assertTrue(notReady(d).isEmpty());
    }

    @Test
    void terminatingPodIsLeftOut() {
        Service s = service("svc", APP, port("http", 80, 8080, "TCP"));
        Desired d =
                hostport(s, pod("p1").hostPort("TCP", 8080, 31000).terminating().build());
        assertTrue(d.endpoints().subsets().isEmpty());
    }

    @Test
    void podWithoutHostIpIsLeftOut() {
        Service s = service("svc", APP, port("http", 80, 8080, "TCP"));
        Desired d =
                hostport(s, pod("p1").hostPort("TCP", 8080, 31000).hostIp(null).build());
        assertTrue(d.endpoints().subsets().isEmpty());
        assertTrue(d.problems().isEmpty());
    }

    @Test
    void finishedPodIsLeftOut() {
        Service s = service("svc", APP, port("http", 80, 8080, "TCP"));
        Desired d = hostport(
                s, pod("p1").hostPort("TCP", 8080, 31000).phase("Succeeded").build());
        assertTrue(d.endpoints().subsets().isEmpty());
    }

    @Test
    void podsTheSelectorDoesNotPickAreLeftOut() {
        Service s = service("svc", APP, port("http", 80, 8080, "TCP"));
        Pod otherLabels =
                pod("p1").hostPort("TCP", 8080, 31000).label("app", "db").build();
        Pod otherNamespace =
                pod("p2").hostPort("TCP", 8080, 31000).namespace("elsewhere").build();
        assertTrue(
                hostport(s, otherLabels, otherNamespace).endpoints().subsets().isEmpty());
    }

    @Test
    void missingAnnotationIsAProblemAndOnlyThatPortIsLeftOut() {
        Service s = service("svc", APP, port("http", 80, 8080, "TCP"), port("metrics", 9090, 9090, "TCP"));
        Pod p = pod("p1").hostPort("TCP", 8080, 31000).build();
        Desired d = hostport(s, p);
        assertEquals(
                List.of(new PortSpec("http", 31000, "TCP", null)),
                d.endpoints().subsets().get(0).ports());
        assertEquals(1, d.problems().size());
        Problem problem = d.problems().get(0);
        assertEquals(Problem.MISSING_ANNOTATION, problem.reason());
        assertEquals("web/p1", problem.pod());
        assertEquals("metrics", problem.servicePort());
        assertTrue(problem.message().contains("web/p1"), problem.message());
        assertTrue(problem.message().contains("k8s.mesosphere.io/port_TCP_9090"), problem.message());
    }

    @Test
    void podWithNoMappablePortGetsNoAddressButAProblem() {
        Service s = service("svc", APP, port("http", 80, "web", "TCP"));
        Desired d = hostport(s, pod("p1").containerPort("web", 8080, "TCP").build());
        assertTrue(d.endpoints().subsets().isEmpty());
        assertEquals(Problem.MISSING_ANNOTATION, d.problems().get(0).reason());
        assertTrue(d.problems().get(0).message().contains("k8s.mesosphere.io/portName_TCP_web"));
    }

    @Test
    void malformedAnnotationIsAProblem() {
        Service s = service("svc", APP, port("http", 80, 8080, "TCP"));
        Desired d = hostport(
                s, pod("p1").annotate(PodAnnotations.port("TCP", 8080), "31x").build());
        assertTrue(d.endpoints().subsets().isEmpty());
        assertEquals(Problem.MALFORMED_ANNOTATION, d.problems().get(0).reason());
        assertTrue(d.problems().get(0).message().contains("31x"));
    }

    @Test
    void podsWithDifferentHostPortsGetSeparateSubsetsAndSlices() {
        Service s = service("svc", APP, port("http", 80, 8080, "TCP"));
        Desired d = hostport(
                s,
                pod("p1").hostIp("10.0.0.1").hostPort("TCP", 8080, 31000).build(),
                pod("p2").hostIp("10.0.0.2").hostPort("TCP", 8080, 31005).build());
        assertEquals(2, d.endpoints().subsets().size());
        assertEquals(2, d.slices().size());
        assertEquals(31000, d.slices().get(0).ports().get(0).port());
        assertEquals("10.0.0.1", d.slices().get(0).endpoints().get(0).address());
    }

    @Test
    void podsWithTheSameHostPortShareASubset() {
        Service s = service("svc", APP, port("http", 80, 8080, "TCP"));
        Desired d = hostport(
                s,
                pod("p2").hostIp("10.0.0.2").hostPort("TCP", 8080, 31000).build(),
                pod("p1").hostIp("10.0.0.1").hostPort("TCP", 8080, 31000).build());
        assertEquals(1, d.endpoints().subsets().size());
        assertEquals(
                List.of("10.0.0.1", "10.0.0.2"),
                ready(d).stream().map(Address::ip).toList());
    }

    @Test
    void eachAddressReferencesItsPod() {
        Service s = service("svc", APP, port("http", 80, 8080, "TCP"));
        Desired d = hostport(
                s, pod("p1").hostPort("TCP", 8080, 31000).resourceVersion("42").build());
        assertEquals(new TargetRef("web", "p1", "uid-p1", "42"), ready(d).get(0).pod());
        assertEquals("agent-1", ready(d).get(0).nodeName());
        assertEquals(
                new TargetRef("web", "p1", "uid-p1", "42"),
                d.slices().get(0).endpoints().get(0).pod());
    }

    @Test
    void resultDoesNotDependOnPodOrder() {
        Service s = service("svc", APP, port("http", 80, 8080, "TCP"), port("m", 9090, 9090, "TCP"));
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            pods.add(pod("p" + i)
                    .hostIp("10.0.0." + (i % 7))
                    .hostPort("TCP", 8080, 31000 + i % 3)
                    .hostPort("TCP", 9090, 32000 + i % 2)
                    .ready(i % 4 != 0)
                    .build());
        }
        Desired first = EndpointsReconciler.desired(s, pods, EndpointsMode.HOSTPORT);
        Collections.shuffle(pods, new Random(7));
        assertEquals(first, EndpointsReconciler.desired(s, pods, EndpointsMode.HOSTPORT));
    }

    @Test
    void vanillaModeUsesPodIpAndContainerPort() {
        Service s = service("svc", APP, port("http", 80, "web", "TCP"), port("m", 9090, 9091, "TCP"));
        Pod p = pod("p1")
                .containerPort("web", 8080, "TCP")
                .namedHostPort("TCP", "web", 31000)
                .build();
        Desired d = EndpointsReconciler.desired(s, List.of(p), EndpointsMode.VANILLA);
        Subset sub = d.endpoints().subsets().get(0);
        assertEquals("172.16.0.1", sub.ready().get(0).ip());
        assertEquals(
                List.of(new PortSpec("http", 8080, "TCP", null), new PortSpec("m", 9091, "TCP", null)), sub.ports());
        assertTrue(d.problems().isEmpty());
    }

    @Test
    void vanillaModeReportsANamedPortThePodDoesNotHave() {
        Service s = service("svc", APP, port("http", 80, "web", "TCP"));
        Desired d = EndpointsReconciler.desired(s, List.of(pod("p1").build()), EndpointsMode.VANILLA);
        assertTrue(d.endpoints().subsets().isEmpty());
        assertEquals(Problem.UNRESOLVED_TARGET_PORT, d.problems().get(0).reason());
    }

    @Test
    void endpointsAndSlicesCarryLabelsAndTheServiceAsOwner() {
        Service s = service("svc", APP, port("http", 80, 8080, "TCP"));
        Desired d = hostport(s, pod("p1").hostPort("TCP", 8080, 31000).build());
        Owner owner = new Owner("svc", "uid-svc");
        assertEquals(owner, d.endpoints().owner());
        assertEquals("a", d.endpoints().labels().get("team"));
        assertEquals(
                EndpointsReconciler.CONTROLLER_NAME,
                d.endpoints().labels().get(EndpointsReconciler.ENDPOINTS_MANAGED_BY));
        SliceState slice = d.slices().get(0);
        assertEquals(owner, slice.owner());
        assertEquals("svc", slice.labels().get(EndpointsReconciler.SERVICE_NAME_LABEL));
        assertEquals("k8sm-endpoint-controller", slice.labels().get(EndpointsReconciler.SLICE_MANAGED_BY));
        assertTrue(slice.name().startsWith("svc-"));
        assertEquals("IPv4", slice.addressType());
    }

    @Test
    void serviceWithoutPodsGetsEmptyEndpointsAndOnePlaceholderSlice() {
        Desired d = hostport(service("svc", APP, port("http", 80, 8080, "TCP")));
        assertTrue(d.endpoints().subsets().isEmpty());
        assertEquals(1, d.slices().size());
        assertTrue(d.slices().get(0).endpoints().isEmpty());
    }

    @Test
    void slicesHoldAtMostOneHundredEndpoints() {
        Service s = service("svc", APP, port("http", 80, 8080, "TCP"));
        List<Pod> pods = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            pods.add(pod("p" + i)
                    .hostIp("10.0." + i / 200 + "." + i % 200)
                    .hostPort("TCP", 8080, 31000)
                    .build());
        }
        Desired d = EndpointsReconciler.desired(s, pods, EndpointsMode.HOSTPORT);
        assertEquals(
                List.of(100, 100, 50),
                d.slices().stream().map(x -> x.endpoints().size()).toList());
        assertEquals(3, d.slices().stream().map(SliceState::name).distinct().count());
    }

    @Test
    void managesOnlyServicesWithASelector() {
        assertFalse(EndpointsReconciler.manages(service("svc", Map.of())));
        assertTrue(EndpointsReconciler.manages(service("svc", APP)));
        Service external = service("ext", APP);
        external.getSpec().setType("ExternalName");
        assertFalse(EndpointsReconciler.manages(external));
    }

    // ---- the diff (canonical forms of server objects against the desired state)

    @Test
    void writtenObjectsReadBackAsTheSameStateWhateverTheServerAdds() {
        Service s = service("svc", APP, port("http", 80, 8080, "TCP"), port("m", 9090, 9090, "UDP"));
        Desired d = hostport(
                s,
                pod("p1")
                        .hostIp("10.0.0.1")
                        .hostPort("TCP", 8080, 31000)
                        .hostPort("UDP", 9090, 31001)
                        .build(),
                pod("p2")
                        .hostIp("10.0.0.2")
                        .hostPort("TCP", 8080, 31002)
                        .hostPort("UDP", 9090, 31001)
                        .ready(false)
                        .build());
        var ep = KubeObjects.toEndpoints(d.endpoints(), null);
        ep.getMetadata().setResourceVersion("99");
        ep.getMetadata().setUid("server-uid");
        ep.getMetadata().setCreationTimestamp("2024-01-01T00:00:00Z");
        ep.getMetadata().setAnnotations(Map.of("someone", "else"));
        assertEquals(d.endpoints(), KubeObjects.fromEndpoints(ep));
        for (SliceState slice : d.slices()) {
            var written = KubeObjects.toSlice(slice, null);
            written.getMetadata().setResourceVersion("7");
            assertEquals(slice, KubeObjects.fromSlice(written));
        }
    }

    @Test
    void planIsEmptyWhenCurrentEqualsDesired() {
        Service s = service("svc", APP, port("http", 80, 8080, "TCP"));
        Desired d = hostport(s, pod("p1").hostPort("TCP", 8080, 31000).build());
        Map<String, SliceState> slices = Map.of(
                d.slices().get(0).name(),
                KubeObjects.fromSlice(KubeObjects.toSlice(d.slices().get(0), null)));
        assertTrue(Plan.between(d, KubeObjects.fromEndpoints(KubeObjects.toEndpoints(d.endpoints(), null)), slices)
                .isEmpty());
    }

    @Test
    void planWritesWhatChangedAndDeletesStaleSlices() {
        Service s = service("svc", APP, port("http", 80, 8080, "TCP"));
        Desired before = hostport(s, pod("p1").hostPort("TCP", 8080, 31000).build());
        Desired after = hostport(s, pod("p1").hostPort("TCP", 8080, 31009).build());
        Plan plan = Plan.between(
                after,
                before.endpoints(),
                Map.of(before.slices().get(0).name(), before.slices().get(0)));
        assertEquals(after.endpoints(), plan.endpoints());
        assertEquals(after.slices(), plan.slicesToWrite());
        assertEquals(java.util.Set.of(before.slices().get(0).name()), plan.slicesToDelete());
        assertNull(Plan.between(after, after.endpoints(), Map.of()).endpoints());
    }
}
