package io.k8sm.sandbox.kube;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The fabric8 CRUD dispatcher plus the one thing CRUD mode does not do: binding a pod to a node.
 * {@code POST /api/v1/namespaces/{ns}/pods/{name}/binding} and {@code POST
 * /api/v1/namespaces/{ns}/bindings} (the pod named by the Binding's metadata.name, as fabric8's
 * {@code client.bindings()} sends it) behave as the API server's: 404 for a missing pod, 409 for a
 * pod that already has a node, otherwise the pod's {@code spec.nodeName} is set to the Binding's
 * target and the Binding's annotations are merged onto the pod (a merge patch, so watchers see a
 * MODIFIED event) and 201 is answered.
 *
 * <p>And the watch contract across a broken connection: the API server answers a watch from a
 * resourceVersion with every change since, or with 410 Gone when that version is too old, and the
 * client relists. CRUD mode ignores the resourceVersion and sends only the objects that exist when
 * the watch opens, so a deletion while a watcher was disconnected was never reported; a watch from a
 * resourceVersion older than the last deletion is answered 410 Gone here, and the informer's relist
 * reports the deletion.
 */
public class BindingCrudDispatcher extends KubernetesCrudDispatcher {

    private static final Pattern POD_BINDING =
            Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/?]+)/binding(\\?.*)?$");
    private static final Pattern BINDINGS = Pattern.compile("^/api/v1/namespaces/([^/]+)/bindings(\\?.*)?$");
    private static final Pattern RESOURCE_VERSION = Pattern.compile("[?&]resourceVersion=(\\d+)");

    private final AtomicLong lastDeletion = new AtomicLong();

    @Override
    public MockResponse handleDelete(String path) {
        MockResponse r = super.handleDelete(path);
        if (r.code() < 300) {
            lastDeletion.accumulateAndGet(requestResourceVersion(), Math::max);
        }
        return r;
    }

    @Override
    public MockResponse handleWatch(String path) {
        Matcher m = RESOURCE_VERSION.matcher(path);
        if (m.find() && Long.parseLong(m.group(1)) < lastDeletion.get()) {
            String gone = Serialization.asJson(Map.of(
                    "type",
                    "ERROR",
                    "object",
                    new StatusBuilder()
                            .withStatus("Failure")
                            .withCode(410)
                            .withReason("Expired")
                            .withMessage("too old resource version: " + m.group(1) + " (" + lastDeletion.get() + ")")
                            .build()));
            return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
                @Override
                public void onOpen(WebSocket ws, Response response) {
                    ws.send(gone);
                    ws.close(1000, "too old resource version");
                }
            });
        }
        return super.handleWatch(path);
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        if (request.method() == HttpMethod.GET) {
            var discovery = ApiDiscovery.answer(request.getPath());
            if (discovery.isPresent()) {
                return discovery.get();
            }
        }
        if (request.method() == HttpMethod.POST) {
            Matcher m = POD_BINDING.matcher(request.getPath());
            if (m.matches()) {
                return bindSerially(m.group(1), m.group(2), request.getUtf8Body());
            }
            m = BINDINGS.matcher(request.getPath());
            if (m.matches()) {
                String body = request.getUtf8Body();
                Binding b = Serialization.unmarshal(body, Binding.class);
                String pod = b.getMetadata() == null ? null : b.getMetadata().getName();
                if (pod == null || pod.isEmpty()) {
                    return status(400, "BadRequest", "a Binding needs metadata.name, the pod to bind");
                }
                return bindSerially(m.group(1), pod, body);
            }
        }
        return super.dispatch(request);
    }

    private synchronized MockResponse bindSerially(String namespace, String name, String body) {
        return bind(namespace, name, body);
    }

    private MockResponse bind(String namespace, String name, String body) {
        String podPath = "/api/v1/namespaces/" + namespace + "/pods/" + name;
        MockResponse current = handleGet(podPath);
        if (current.code() == 404) {
            return status(404, "NotFound", "pods \"" + name + "\" not found");
        }
        Pod pod = Serialization.unmarshal(current.getBody().readUtf8(), Pod.class);
        Binding binding = Serialization.unmarshal(body, Binding.class);
        String target = binding.getTarget() == null ? null : binding.getTarget().getName();
        if (target == null || target.isEmpty()) {
            return status(400, "BadRequest", "binding of pod " + namespace + "/" + name + " names no target node");
        }
        if (pod.getSpec() != null
                && pod.getSpec().getNodeName() != null
                && !pod.getSpec().getNodeName().isEmpty()) {
            return status(
                    409,
                    "Conflict",
                    "pod " + name + " is already assigned to node \""
                            + pod.getSpec().getNodeName() + "\"");
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        if (binding.getMetadata() != null
                && binding.getMetadata().getAnnotations() != null
                && !binding.getMetadata().getAnnotations().isEmpty()) {
            metadata.put("annotations", binding.getMetadata().getAnnotations());
        }
        Map<String, Object> patch = new LinkedHashMap<>();
        patch.put("spec", Map.of("nodeName", target));
        if (!metadata.isEmpty()) {
            patch.put("metadata", metadata);
        }
        RecordedRequest merge = new RecordedRequest(
                "HTTP/1.1",
                HttpMethod.PATCH,
                podPath,
                Headers.builder()
                        .add("Content-Type", "application/merge-patch+json")
                        .build(),
                new Buffer().writeUtf8(Serialization.asJson(patch)));
        MockResponse patched = handlePatch(merge);
        if (patched.code() >= 300) {
            return patched;
        }
        return new MockResponse()
                .setResponseCode(201)
                .setBody(Serialization.asJson(
                        new StatusBuilder().withStatus("Success").withCode(201).build()));
    }

    private static MockResponse status(int code, String reason, String message) {
        Status s = new StatusBuilder()
                .withStatus("Failure")
                .withCode(code)
                .withReason(reason)
                .withMessage(message)
                .build();
        return new MockResponse().setResponseCode(code).setBody(Serialization.asJson(s));
    }
}
