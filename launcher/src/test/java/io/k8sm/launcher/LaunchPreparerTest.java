package io.k8sm.launcher;

import static io.k8sm.launcher.Fixtures.pod;
import static io.k8sm.launcher.Fixtures.request;
import static io.k8sm.launcher.Fixtures.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.k8sm.avro.ExecutorType;
import io.k8sm.avro.LaunchRequest;
import io.k8sm.avro.PodSnapshot;
import io.k8sm.contract.PodAnnotations;
import io.k8sm.contract.TaskLabels;
import io.k8sm.launcher.prepare.LaunchPreparer;
import io.k8sm.launcher.prepare.LaunchRejectedException;
import io.k8sm.launcher.prepare.PreparedLaunch;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LaunchPreparerTest {

    private static PreparedLaunch prepare(LaunchRequest r) throws LaunchRejectedException {
        return LaunchPreparer.prepareTaskForLaunch(r, "./k8sm-executor");
    }

    @Test
    void bindingHostIsTheTasksAssignedSlaveAndTheRecoveryAnnotationsAreWritten() throws Exception {
        PreparedLaunch p = prepare(request("pod.1", pod("web-1", "uid-1")));
        Map<String, String> a = p.pod().getAnnotations();
        assertEquals("host-1", a.get(PodAnnotations.BINDING_HOST));
        assertEquals("pod.1", a.get(PodAnnotations.TASK_ID));
        assertEquals("agent-1", a.get(PodAnnotations.SLAVE_ID));
        assertEquals("offer-1", a.get(PodAnnotations.OFFER_ID));
        assertEquals("k8sm-executor", a.get(PodAnnotations.EXECUTOR_ID));
        assertEquals("blue", a.get("team"), "the pod's own annotations stay");
        assertEquals("host-1", p.bindingHost());
    }

    @Test
    void containerLimitsAboveTheRequestsBecomeTheTasksMesosLimits() throws Exception {
        Pod bursty = new io.fabric8.kubernetes.api.model.PodBuilder(pod("web-1", "uid-1"))
                .editSpec()
                .editFirstContainer()
                .withNewResources()
                .addToLimits("cpu", new io.fabric8.kubernetes.api.model.Quantity("1"))
                .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("256Mi"))
                .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("250m"))
                .endResources()
                .endContainer()
                .endSpec()
                .build();
        // the spec gives the task cpus 0.25 and mem 64 (its requests)
        assertEquals(
                Map.of("cpus", 1.0, "mem", 256.0),
                prepare(request("pod.1", bursty)).launch().getLimits());
    }

    @Test
    void aPodWithoutLimitsGetsNoMesosLimits() throws Exception {
        assertTrue(prepare(request("pod.1", pod("web-1", "uid-1")))
                .launch()
                .getLimits()
                .isEmpty());
    }

    @Test
    void portAnnotationsNameProtocolAndContainerPortOrPortName() throws Exception {
        Map<String, String> a =
                prepare(request("pod.1", pod("web-1", "uid-1"))).pod().getAnnotations();
        assertEquals("31000", a.get("k8s.mesosphere.io/port_TCP_8080"));
        assertEquals("31000", a.get("k8s.mesosphere.io/portName_TCP_http"));
        assertEquals("31001", a.get("k8s.mesosphere.io/port_UDP_53"));
        assertFalse(
                a.keySet().stream().anyMatch(k -> k.startsWith("k8s.mesosphere.io/portName_UDP")),
                "an unnamed port has no portName annotation");
    }

    @Test
    void mappedHostPortsAreSetInTheSnapshotAndTheManifest() throws Exception {
        PreparedLaunch p = prepare(request("pod.1", pod("web-1", "uid-1")));
        assertEquals(31000, p.pod().getContainers().get(0).getPorts().get(0).getHostPort());
        assertEquals(31001, p.pod().getContainers().get(0).getPorts().get(1).getHostPort());
        Pod manifest = LaunchPreparer.json().unmarshal(p.manifest(), Pod.class);
        assertEquals(
                31000,
                manifest.getSpec().getContainers().get(0).getPorts().get(0).getHostPort());
        assertEquals(
                31001,
                manifest.getSpec().getContainers().get(0).getPorts().get(1).getHostPort());
        assertEquals("host-1", manifest.getMetadata().getAnnotations().get(PodAnnotations.BINDING_HOST));
        assertEquals(p.manifest(), p.pod().getManifest());
    }

    @Test
    void theLaunchIsOneTaskOnTheCustomExecutorWithTheAnnotatedPodAsData() throws Exception {
        PreparedLaunch p = prepare(request("pod.1", pod("web-1", "uid-1")));
        assertEquals("pod.1", p.launch().getTaskId());
        assertEquals("web-1.default.pod", p.launch().getName());
        assertEquals("agent-1", p.launch().getAgentId());
        assertEquals(2, p.launch().getResources().size());
        assertEquals("k8sm-executor", p.launch().getExecutor().getExecutorId());
        assertEquals(ExecutorType.CUSTOM, p.launch().getExecutor().getType());
        assertEquals("./k8sm-executor", p.launch().getExecutor().getCommand().getValue());
        assertEquals(2, p.launch().getExecutor().getResources().size());
        assertEquals(
                p.manifest(),
                StandardCharsets.UTF_8.decode(p.launch().getData().duplicate()).toString());
        assertEquals("web-1", p.launch().getLabels().get(TaskLabels.NAME));
    }

    @Test
    void theInputSnapshotIsNeverMutated() throws Exception {
        LaunchRequest r = request("pod.1", pod("web-1", "uid-1"));
        PodSnapshot original = r.getPod();
        Map<String, String> annotationsBefore = new HashMap<>(original.getAnnotations());
        Map<String, String> labelsBefore = new HashMap<>(original.getLabels());
        String manifestBefore = original.getManifest();
        PodSnapshot copyBefore = PodSnapshot.newBuilder(original).build();

        PreparedLaunch p = prepare(r);

        assertEquals(annotationsBefore, original.getAnnotations(), "the original's annotation map is untouched");
        assertEquals(labelsBefore, original.getLabels());
        assertEquals(manifestBefore, original.getManifest());
        assertEquals(copyBefore, original, "no field of the input changed");
        assertEquals(0, original.getContainers().get(0).getPorts().get(0).getHostPort());
        assertNotSame(original.getAnnotations(), p.pod().getAnnotations(), "the result never aliases the input's maps");
        assertNotSame(original.getContainers(), p.pod().getContainers());
        // and changing the result does not reach the input
        p.pod().getAnnotations().put("later", "x");
        assertNull(original.getAnnotations().get("later"));
    }

    @Test
    void preparingTwiceGivesTheSameLaunch() throws Exception {
        LaunchRequest r = request("pod.1", pod("web-1", "uid-1"));
        assertEquals(prepare(r).launch(), prepare(r).launch());
    }

    @Test
    void aTaskWithoutSpecIsRejected() {
        LaunchRejectedException e = assertThrows(
                LaunchRejectedException.class, () -> prepare(request("pod.1", pod("web-1", "uid-1"), null)));
        assertTrue(e.getMessage().contains("no spec"), e.getMessage());
    }

    @Test
    void aManifestThatIsNotJsonIsRejected() {
        LaunchRequest r = request("pod.1", pod("web-1", "uid-1"));
        r.getPod().setManifest("{not json");
        LaunchRejectedException e = assertThrows(LaunchRejectedException.class, () -> prepare(r));
        assertTrue(e.getMessage().contains("cannot be read"), e.getMessage());
    }

    @Test
    void aManifestOfAnotherPodIsRejected() throws Exception {
        LaunchRequest r = request("pod.1", pod("web-1", "uid-1"));
        r.getPod().setManifest(LaunchPreparer.json().asJson(pod("web-2", "uid-2")));
        LaunchRejectedException e = assertThrows(LaunchRejectedException.class, () -> prepare(r));
        assertTrue(e.getMessage().contains("names another pod"), e.getMessage());
    }

    @Test
    void aPortMapThatDoesNotMatchTheManifestIsRejected() {
        var spec = spec("agent-1", "host-1", List.of("offer-1"));
        spec.getPortMap().get(0).setContainerPort(9999);
        LaunchRejectedException e = assertThrows(
                LaunchRejectedException.class, () -> prepare(request("pod.1", pod("web-1", "uid-1"), spec)));
        assertTrue(e.getMessage().contains("9999"), e.getMessage());
    }

    @Test
    void aPortMapNamingAMissingContainerIsRejected() {
        var spec = spec("agent-1", "host-1", List.of("offer-1"));
        spec.getPortMap().get(0).setContainerIndex(3);
        assertThrows(LaunchRejectedException.class, () -> prepare(request("pod.1", pod("web-1", "uid-1"), spec)));
    }

    @Test
    void aTaskWithoutOffersIsRejected() {
        var spec = spec("agent-1", "host-1", List.of("offer-1"));
        LaunchRequest r = request("pod.1", pod("web-1", "uid-1"), spec);
        spec.setOfferIds(List.of());
        r.getTask().setOfferId(null);
        assertThrows(LaunchRejectedException.class, () -> prepare(r));
    }

    @Test
    void aPodAlreadyBoundToAnotherNodeIsRejected() {
        LaunchRequest r = request("pod.1", pod("web-1", "uid-1"));
        r.getPod().setNodeName("host-9");
        LaunchRejectedException e = assertThrows(LaunchRejectedException.class, () -> prepare(r));
        assertTrue(e.getMessage().contains("host-9"), e.getMessage());
    }
}
