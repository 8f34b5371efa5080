package io.k8sm.sandbox.kube;

import io.fabric8.mockwebserver.http.MockResponse;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The API discovery documents a real API server serves and fabric8's mock does not: {@code /version},
 * {@code /api}, {@code /api/v1}, {@code /apis} and {@code /apis/discovery.k8s.io/v1}, listing the
 * resources the mock stores (pods and their binding, nodes, services, endpoints, bindings, events,
 * namespaces, EndpointSlices). With them {@code kubectl --server URL get pods} works against the
 * mock. The documents are the legacy (unaggregated) JSON shapes; kubectl falls back to them.
 */
final class ApiDiscovery {
    private ApiDiscovery() {}

    private record Resource(String name, String kind, boolean namespaced, String verbs) {}

    private static final String RW = "create,delete,deletecollection,get,list,patch,update,watch";

    private static final List<Resource> CORE = List.of(
            new Resource("pods", "Pod", true, RW),
            new Resource("pods/binding", "Binding", true, "create"),
            new Resource("pods/status", "Pod", true, "get,patch,update"),
            new Resource("bindings", "Binding", true, "create"),
            new Resource("nodes", "Node", false, RW),
            new Resource("services", "Service", true, RW),
            new Resource("endpoints", "Endpoints", true, RW),
            new Resource("events", "Event", true, RW),
            new Resource("namespaces", "Namespace", false, RW));

    private static final List<Resource> DISCOVERY_V1 =
            List.of(new Resource("endpointslices", "EndpointSlice", true, RW));

    /** The discovery answer for a GET of {@code path}, or empty when the path is not a discovery path. */
    static Optional<MockResponse> answer(String path) {
        String p = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        if (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        String body = switch (p) {
            case "/version" ->
                "{\"major\":\"1\",\"minor\":\"30\",\"gitVersion\":\"v1.30.0-k8sm-mock\","
                        + "\"platform\":\"linux/amd64\"}";
            case "/api" ->
                "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":"
                        + "[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1\"}]}";
            case "/api/v1" -> resourceList("v1", CORE);
            case "/apis" ->
                "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[{\"name\":"
                        + "\"discovery.k8s.io\",\"versions\":[{\"groupVersion\":\"discovery.k8s.io/v1\","
                        + "\"version\":\"v1\"}],\"preferredVersion\":{\"groupVersion\":\"discovery.k8s.io/v1\","
                        + "\"version\":\"v1\"}}]}";
            case "/apis/discovery.k8s.io/v1" -> resourceList("discovery.k8s.io/v1", DISCOVERY_V1);
            default -> null;
        };
        if (body == null) {
            return Optional.empty();
        }
        return Optional.of(new MockResponse()
                .setResponseCode(200)
                .setHeader("Content-Type", "application/json")
                .setBody(body));
    }

    private static String resourceList(String groupVersion, List<Resource> resources) {
        return "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"" + groupVersion
                + "\",\"resources\":["
                + resources.stream().map(ApiDiscovery::resource).collect(Collectors.joining(",")) + "]}";
    }

    private static String resource(Resource r) {
        String verbs =
                List.of(r.verbs().split(",")).stream().map(v -> "\"" + v + "\"").collect(Collectors.joining(","));
        String singular = r.name().contains("/") ? "" : r.kind().toLowerCase(java.util.Locale.ROOT);
        return "{\"name\":\"" + r.name() + "\",\"singularName\":\"" + singular + "\",\"namespaced\":" + r.namespaced()
                + ",\"kind\":\"" + r.kind() + "\",\"verbs\":[" + verbs + "]}";
    }
}
