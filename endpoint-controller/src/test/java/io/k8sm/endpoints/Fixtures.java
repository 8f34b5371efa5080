package io.k8sm.endpoints;

import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import io.k8sm.contract.PodAnnotations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small builders for services and pods as the launcher leaves them. */
final class Fixtures {

    static final String NS = "web";

    private Fixtures() {}

    static Service service(String name, Map<String, String> selector, ServicePort... ports) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withNamespace(NS)
                .withName(name)
                .withUid("uid-" + name)
                .withLabels(Map.of("team", "a"))
                .endMetadata()
                .withNewSpec()
                .withSelector(selector)
                .withPorts(ports)
                .endSpec()
                .build();
    }

    /** A service port; {@code target} is a String (name), an Integer (number) or null. */
    static ServicePort port(String name, int port, Object target, String protocol) {
        ServicePortBuilder b =
                new ServicePortBuilder().withName(name).withPort(port).withProtocol(protocol);
        if (target instanceof String s) {
            b.withTargetPort(new IntOrString(s));
        } else if (target instanceof Integer i) {
            b.withTargetPort(new IntOrString(i));
        }
        return b.build();
    }

    static TestPod pod(String name) {
        return new TestPod(name);
    }

    static final class TestPod {
        private final String name;
        private String namespace = NS;
        private final Map<String, String> labels = new LinkedHashMap<>(Map.of("app", "web"));
        private final Map<String, String> annotations = new LinkedHashMap<>();
        private final List<io.fabric8.kubernetes.api.model.ContainerPort> ports = new ArrayList<>();
        private String hostIp = "10.0.0.1";
        private String podIp = "172.16.0.1";
        private String node = "agent-1";
        private boolean ready = true;
        private boolean terminating;
        private String phase = "Running";
        private String resourceVersion = "1";

        TestPod(String name) {
            this.name = name;
        }

        TestPod namespace(String ns) {
            this.namespace = ns;
            return this;
        }

        TestPod label(String k, String v) {
            labels.put(k, v);
            return this;
        }

        TestPod annotate(String k, String v) {
            annotations.put(k, v);
            return this;
        }

        TestPod hostPort(String proto, int containerPort, int hostPort) {
            return annotate(PodAnnotations.port(proto, containerPort), String.valueOf(hostPort));
        }

        TestPod namedHostPort(String proto, String portName, int hostPort) {
            return annotate(PodAnnotations.portName(proto, portName), String.valueOf(hostPort));
        }

        TestPod containerPort(String portName, int port, String proto) {
            ports.add(new ContainerPortBuilder()
                    .withName(portName)
                    .withContainerPort(port)
                    .withProtocol(proto)
                    .build());
            return this;
        }

        TestPod hostIp(String ip) {
            this.hostIp = ip;
            return this;
        }

        TestPod podIp(String ip) {
            this.podIp = ip;
            return this;
        }

        TestPod node(String n) {
            this.node = n;
            return this;
        }

        TestPod ready(boolean r) {
            this.ready = r;
            return this;
        }

        TestPod terminating() {
            this.terminating = true;
            return this;
        }

        TestPod phase(String p) {
            this.phase = p;
            return this;
        }

        TestPod resourceVersion(String rv) {
            this.resourceVersion = rv;
            return this;
        }

        Pod build() {
            return new PodBuilder()
                    .withNewMetadata()
                    .withNamespace(namespace)
                    .withName(name)
                    .withUid("uid-" + name)
                    .withResourceVersion(resourceVersion)
                    .withLabels(labels)
                    .withAnnotations(annotations)
                    .withDeletionTimestamp(terminating ? "2024-01-01T00:00:00Z" : null)
                    .endMetadata()
                    .withNewSpec()
                    .withNodeName(node)
                    .addNewContainer()
                    .withName("main")
                    .withImage("nginx")
                    .withPorts(ports)
                    .endContainer()
                    .endSpec()
                    .withNewStatus()
                    .withPhase(phase)
                    .withHostIP(hostIp)
                    .withPodIP(podIp)
                    .withConditions(new PodConditionBuilder()
                            .withType("Ready")
                            .withStatus(ready ? "True" : "False")
                            .build())
                    .endStatus()
                    .build();
        }
    }
}
