package io.k8sm.demo;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What the demo submits: its pods (fixed and wildcard host ports, flaky ones, ones too big for any
 * agent) and the two Services whose EndpointSlices the endpoint controller fills.
 */
final class DemoPods {
    private DemoPods() {}

    static int countWildcard(int pods) {
        int n = 0;
        for (int i = 0; i < pods; i++) {
            if (i % 20 != 0 && i % 4 == 1) {
                n++;
            }
        }
        return n;
    }

    static String podName(int i, int flaky) {
        return i < flaky ? DemoRun.FLAKY + i : (i % 20 == 0 ? "web-" : i % 4 == 1 ? "api-" : "batch-") + i;
    }

    /**
     * Pod i: cpu 0.25–1, mem 64–256 MB; every 20th has host port 8080 (fixed), every 4th wildcard
     * ports.
     */
    static Pod pod(String name, int i) {
        String app = name.startsWith("web-") ? "web" : name.startsWith("api-") ? "api" : "batch";
        PodBuilder b = new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .addToLabels("app", app)
                .endMetadata();
        var c = b.withNewSpec()
                .withSchedulerName("k8sm")
                .addNewContainer()
                .withName("app")
                .withImage("nginx:1.27")
                .withNewResources()
                .addToLimits("cpu", new Quantity(String.valueOf(0.25 * (1 + i % 4))))
                .addToLimits("memory", new Quantity((64 << (i % 3)) + "Mi"))
                .endResources();
        if (app.equals("web")) {
            c.addToPorts(new ContainerPortBuilder()
                    .withName("http")
                    .withContainerPort(8080)
                    .withHostPort(8080)
                    .withProtocol("TCP")
                    .build());
        } else if (app.equals("api")) {
            c.addToPorts(
                    new ContainerPortBuilder()
                            .withName("grpc")
                            .withContainerPort(9000)
                            .withHostPort(0)
                            .withProtocol("TCP")
                            .build(),
                    new ContainerPortBuilder()
                            .withName("metrics")
                            .withContainerPort(9100)
                            .withHostPort(0)
                            .withProtocol("TCP")
                            .build());
        }
        return c.endContainer().endSpec().build();
    }

    static Pod hugePod(String name) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("default")
                .addToLabels("app", "huge")
                .endMetadata()
                .withNewSpec()
                .withSchedulerName("k8sm")
                .addNewContainer()
                .withName("app")
                .withImage("nginx:1.27")
                .withNewResources()
                .addToLimits("cpu", new Quantity("64"))
                .addToLimits("memory", new Quantity("1Gi"))
                .endResources()
                .endContainer()
                .endSpec()
                .build();
    }

    static void createServices(KubernetesClient k8s) {
        k8s.services()
                .inNamespace("default")
                .resource(new ServiceBuilder()
                        .withNewMetadata()
                        .withName("web")
                        .withNamespace("default")
                        .endMetadata()
                        .withNewSpec()
                        .addToSelector("app", "web")
                        .addNewPort()
                        .withName("http")
                        .withPort(80)
                        .withTargetPort(new IntOrString("http"))
                        .withProtocol("TCP")
                        .endPort()
                        .endSpec()
                        .build())
                .create();
        k8s.services()
                .inNamespace("default")
                .resource(new ServiceBuilder()
                        .withNewMetadata()
                        .withName("api")
                        .withNamespace("default")
                        .endMetadata()
                        .withNewSpec()
                        .addToSelector("app", "api")
                        .addNewPort()
                        .withName("grpc")
                        .withPort(9000)
                        .withTargetPort(new IntOrString(9000))
                        .withProtocol("TCP")
                        .endPort()
                        .endSpec()
                        .build())
                .create();
    }
}
