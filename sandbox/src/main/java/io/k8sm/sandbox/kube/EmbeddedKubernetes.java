package io.k8sm.sandbox.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.util.HashMap;

/**
 * The embedded world's Kubernetes API: the fabric8 mock server in CRUD mode (pods, nodes, services,
 * endpoints, events, watches and informers), with real pod bindings ({@link
 * BindingCrudDispatcher}). No kube-apiserver can run on our machines; the components use the same
 * fabric8 client code against this as against a real cluster.
 */
public final class EmbeddedKubernetes implements AutoCloseable {

    private final KubernetesMockServer server;

    private EmbeddedKubernetes(KubernetesMockServer server) {
        this.server = server;
    }

    /** Starts the server on a free loopback port. */
    public static EmbeddedKubernetes start() {
        // the mock server logs every request at INFO through java.util.logging
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new BindingCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        return new EmbeddedKubernetes(server);
    }

    /** A new client for this server; the caller closes it. */
    public KubernetesClient client() {
        return server.createClient();
    }

    /** The API server URL, e.g. for {@code k8sm run ... --kube-master}. */
    public String url() {
        return server.url("/");
    }

    @Override
    public void close() {
        server.destroy();
    }
}
