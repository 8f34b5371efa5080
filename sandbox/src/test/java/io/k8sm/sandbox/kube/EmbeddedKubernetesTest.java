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
        client.pods()
                .inNamespace("default")
                .resource(new PodBuilder()
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
                        .build())
                .create();
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
}
