package io.k8sm.demo;

import io.k8sm.config.K8smConfig;
import io.k8sm.offeringest.OfferIngestConfig;
import io.k8sm.sandbox.net.LinkProxy;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The services' links, each through a loopback {@link LinkProxy} the schedule cuts and restores:
 * Kafka, the registry, the Mesos master and the Kubernetes API. The services read their own settings
 * file ({@code services.properties}: the world's, every address replaced by its proxy's); the world
 * and the harness keep the direct addresses. For Kafka the broker has a second listener, {@code
 * PROXIED}, which advertises the proxy's port, so every connection a service's client makes after
 * bootstrap (to the partition leaders, the coordinators) goes through the proxy too.
 */
final class ChaosLinks implements AutoCloseable {
    static final List<String> LINKS = List.of("kafka", "registry", "mesos", "kube");

    private final Map<String, LinkProxy> proxies = new LinkedHashMap<>();

    /** The broker's listener properties: PLAINTEXT on {@code port} for the world and the harness, PROXIED on {@code proxiedPort} advertised as {@code proxyPort}. */
    static List<String> brokerListenerArgs(int port, int controllerPort, int proxiedPort, int proxyPort) {
        return List.of(
                "--prop",
                "listeners=PLAINTEXT://localhost:" + port + ",CONTROLLER://localhost:" + controllerPort
                        + ",PROXIED://localhost:" + proxiedPort,
                "--prop",
                "advertised.listeners=PLAINTEXT://localhost:" + port + ",PROXIED://localhost:" + proxyPort,
                "--prop",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,PROXIED:PLAINTEXT");
    }

    /**
     * Starts the proxies (Kafka's on {@code kafkaProxyPort}, forwarding to the broker's PROXIED
     * listener on {@code proxiedPort}) and writes {@code servicesSettings} from the world's settings.
     */
    static ChaosLinks start(Path worldSettings, Path servicesSettings, int kafkaProxyPort, int proxiedPort)
            throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(worldSettings)) {
            p.load(r);
        }
        ChaosLinks links = new ChaosLinks();
        try {
            links.proxies.put("kafka", LinkProxy.start("kafka", kafkaProxyPort, "localhost", proxiedPort));
            p.setProperty(K8smConfig.BOOTSTRAP_SERVERS, "localhost:" + kafkaProxyPort);
            p.setProperty(
                    K8smConfig.SCHEMA_REGISTRY_URL,
                    links.proxy("registry", p.getProperty(K8smConfig.SCHEMA_REGISTRY_URL)));
            p.setProperty(OfferIngestConfig.MASTER, links.proxy("mesos", p.getProperty(OfferIngestConfig.MASTER)));
            p.setProperty(World.KUBE_MASTER, links.proxy("kube", p.getProperty(World.KUBE_MASTER)));
            try (Writer w = Files.newBufferedWriter(servicesSettings)) {
                p.store(w, "k8sm chaos: the services' settings, every link through a proxy the harness cuts");
            }
            return links;
        } catch (IOException | RuntimeException e) {
            links.close();
            throw e;
        }
    }

    /** Starts a proxy for the URL's host:port and returns the URL with the proxy's port. */
    private String proxy(String link, String url) throws IOException {
        URI u = URI.create(url.split(",")[0].trim());
        int port = u.getPort() > 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
        LinkProxy proxy = LinkProxy.start(link, 0, u.getHost(), port);
        proxies.put(link, proxy);
        return u.getScheme() + "://" + u.getHost() + ":" + proxy.port()
                + (u.getRawPath() == null ? "" : u.getRawPath());
    }

    LinkProxy get(String link) {
        return proxies.get(link);
    }

    @Override
    public void close() {
        proxies.values().forEach(LinkProxy::close);
    }
}
