package io.k8sm.sandbox.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EmbeddedKubernetesTest {

    static EmbeddedKubernetes kube;
    static KubernetesClient client;

    @BeforeAll
    static void start() {
        kube = EmbeddedKubernetes.start();
        client = kube.client();
    }

    @AfterAll
    static void stop() {
        client.close();
        kube.close();
    }

    private static void createPod(String name) {
        client.pods().inNamespace("default").resource(pod(name)).create();
    }

    /** A pod of one container in namespace default. */
    static Pod pod(String name) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("nginx")
                .endContainer()
                .endSpec()
                .build();
    }

    private static void bind(String pod, String node, Map<String, String> annotations) {
        client.bindings()
                .inNamespace("default")
                .resource(new BindingBuilder()
                        .withNewMetadata()
                        .withName(pod)
                        .withNamespace("default")
                        .withAnnotations(annotations)
                        .endMetadata()
                        .withNewTarget()
                        .withKind("Node")
                        .withApiVersion("v1")
                        .withName(node)
                        .endTarget()
                        .build())
                .create();
    }

    @Test
    void bindingSetsTheNodeNameAndMergesTheBindingsAnnotations() {
        createPod("web-1");
        bind("web-1", "agent-7", Map.of("k8s.mesosphere.io/bindingHost", "agent-7"));
        Pod pod = client.pods().inNamespace("default").withName("web-1").get();
        assertEquals("agent-7", pod.getSpec().getNodeName());
        assertEquals("agent-7", pod.getMetadata().getAnnotations().get("k8s.mesosphere.io/bindingHost"));
    }

    @Test
    void bindingAPodThatIsAlreadyAssignedIsAConflict() {
        createPod("web-2");
        bind("web-2", "agent-1", Map.of());
        KubernetesClientException e =
                assertThrows(KubernetesClientException.class, () -> bind("web-2", "agent-2", Map.of()));
        assertEquals(409, e.getCode());
        assertEquals(
                "agent-1",
                client.pods()
                        .inNamespace("default")
                        .withName("web-2")
                        .get()
                        .getSpec()
                        .getNodeName());
    }

    @Test
    void bindingAMissingPodIsNotFound() {
        KubernetesClientException e =
                assertThrows(KubernetesClientException.class, () -> bind("ghost", "agent-1", Map.of()));
        assertEquals(404, e.getCode());
    }

    /** What kubectl reads before {@code get pods}: the API's discovery documents. */
    @Test
    void theApiServesDiscoverySoKubectlFindsPodsNodesAndEndpointSlices() throws Exception {
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        String base = kube.url().replaceAll("/$", "");
        Map<String, String> expected = Map.of(
                "/api", "\"versions\":[\"v1\"]",
                "/api/v1", "\"name\":\"pods\",\"singularName\":\"pod\",\"namespaced\":true",
                "/apis", "\"groupVersion\":\"discovery.k8s.io/v1\"",
                "/apis/discovery.k8s.io/v1", "\"name\":\"endpointslices\"",
                "/version", "\"major\":\"1\"");
        for (Map.Entry<String, String> e : expected.entrySet()) {
            java.net.http.HttpResponse<String> r = http.send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + e.getKey()))
                            .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), e.getKey());
            org.junit.jupiter.api.Assertions.assertTrue(
                    r.body().contains(e.getValue()), e.getKey() + " answered " + r.body());
        }
        String v1 = http.send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/api/v1"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
        for (String resource : new String[] {"nodes", "endpoints", "services", "bindings", "pods/binding"}) {
            org.junit.jupiter.api.Assertions.assertTrue(v1.contains("\"name\":\"" + resource + "\""), resource);
        }
    }
}
