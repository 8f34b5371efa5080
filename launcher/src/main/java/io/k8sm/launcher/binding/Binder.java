package io.k8sm.launcher.binding;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.k8sm.launcher.kubeapi.ApiErrors;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds a launched pod to the node of its {@code bindingHost} ({@link LaunchedTask#nodeName()}; {@code POST
 * /api/v1/namespaces/{ns}/pods/{name}/binding}, the Binding carrying the launch annotations) and
 * patches the launch annotations onto the pod. A 409 for a pod already bound to that node is a
 * success; a pod that is gone, replaced or bound elsewhere, or a permanent API error (a 4xx such as
 * 403 or 422), is a failure at once; a transient API error (5xx, 429, 408, a timeout, no answer) is
 * retried with a doubling pause and, when it persists, is {@link Outcome.RetryLater}: the caller
 * retries the whole batch later and the starting task is never killed for an API outage.
 */
public final class Binder {
    private static final Logger log = LoggerFactory.getLogger(Binder.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    /** The result of one binding. */
    public sealed interface Outcome {
        /** The pod is bound to the node. */
        record Bound(String node, String detail) implements Outcome {}

        /** It is not, and will not be. */
        record Failed(String reason) implements Outcome {}

        /** The API could not be reached or answered a transient error: try again later. */
        record RetryLater(String reason) implements Outcome {}
    }

    /** An API error with its HTTP code (0: no answer). */
    private static final class ApiError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final int code;

        ApiError(int code, String message, Throwable cause) {
            super(message, cause);
            this.code = code;
        }
    }

    private final KubernetesClient client;
    private final int attempts;
    private final Duration backoff;

    public Binder(KubernetesClient client, int attempts, Duration backoff) {
        this.client = client;
        this.attempts = attempts;
        this.backoff = backoff;
    }

    public Outcome bind(LaunchedTask task) {
        String last = "no attempt";
        long pause = backoff.toMillis();
        for (int attempt = 1; attempt <= attempts; attempt++) {
            try {
                Outcome o = tryOnce(task);
                if (o != null) {
                    return o;
                }
                last = "the binding was not applied";
            } catch (KubernetesClientException | ApiError e) {
                int code = e instanceof KubernetesClientException k ? k.getCode() : ((ApiError) e).code;
                last = e.getMessage();
                if (!ApiErrors.isTransientCode(code)) {
                    return new Outcome.Failed("binding pod " + task.podKey() + " to " + task.bindingHost()
                            + " refused (HTTP " + code + "): " + last);
                }
                log.warn(
                        "binding pod {} to {} failed (attempt {}/{}): {}",
                        task.podKey(),
                        task.bindingHost(),
                        attempt,
                        attempts,
                        last);
            }
            if (attempt < attempts) {
                sleep(pause);
                pause = Math.max(1, pause * 2);
            }
        }
        return new Outcome.RetryLater("binding pod "
                + task.podKey()
                + " to "
                + task.bindingHost()
                + " not done after "
                + attempts
                + " attempts: "
                + last);
    }

    /**
     * Whether an API answer (HTTP code, 0 for none: refused, reset, timed out) may succeed when tried
     * again. To be unified with the launcher's Kubernetes error classification.
     */

    /** One attempt: an outcome, or null to try again. */
    private Outcome tryOnce(LaunchedTask task) {
        Pod pod = client.pods()
                .inNamespace(task.namespace())
                .withName(task.name())
                .get();
        Outcome settled = settled(task, pod);
        if (settled != null) {
            return settled;
        }
        int status = postBinding(task);
        if (status >= 200 && status < 300) {
            annotate(task);
            return new Outcome.Bound(task.nodeName(), "bound");
        }
        if (status == 404) {
            return new Outcome.Failed("pod " + task.podKey() + " is gone (binding answered 404)");
        }
        if (status == 409) {
            Pod now = client.pods()
                    .inNamespace(task.namespace())
                    .withName(task.name())
                    .get();
            Outcome after = settled(task, now);
            if (after != null) {
                return after;
            }
            throw new ApiError(409, "binding answered 409 but pod " + task.podKey() + " has no node", null);
        }
        throw new ApiError(status, "binding answered HTTP " + status, null);
    }

    /** The outcome decided by the pod's current state alone, or null when a binding is needed. */
    private Outcome settled(LaunchedTask task, Pod pod) {
        if (pod == null) {
            return new Outcome.Failed("pod " + task.podKey() + " is gone");
        }
        String uid = pod.getMetadata().getUid();
        if (!task.uid().isBlank() && uid != null && !uid.equals(task.uid())) {
            return new Outcome.Failed(
                    "pod " + task.podKey() + " was replaced (uid " + uid + ", launched " + task.uid() + ")");
        }
        String node = pod.getSpec() == null ? null : pod.getSpec().getNodeName();
        if (node == null || node.isBlank()) {
            return null;
        }
        if (node.equals(task.nodeName())) {
            annotate(task);
            return new Outcome.Bound(node, "already bound to " + node);
        }
        return new Outcome.Failed(
                "pod " + task.podKey() + " is already bound to node " + node + ", not " + task.nodeName());
    }

    private int postBinding(LaunchedTask task) {
        Binding binding = new BindingBuilder()
                .withNewMetadata()
                .withName(task.name())
                .withNamespace(task.namespace())
                .withAnnotations(task.annotations())
                .endMetadata()
                .withNewTarget()
                .withApiVersion("v1")
                .withKind("Node")
                .withName(task.nodeName())
                .endTarget()
                .build();
        String url = client.getMasterUrl().toString().replaceAll("/+$", "")
                + "/api/v1/namespaces/"
                + task.namespace()
                + "/pods/"
                + task.name()
                + "/binding";
        HttpClient http = client.getHttpClient();
        HttpRequest request = http.newHttpRequestBuilder()
                .uri(url)
                .post("application/json", client.getKubernetesSerialization().asJson(binding))
                .build();
        try {
            HttpResponse<String> response =
                    http.sendAsync(request, String.class).get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (response.code() >= 300) {
                log.debug("binding {} answered {}: {}", task.podKey(), response.code(), response.body());
            }
            return response.code();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError(0, "interrupted while binding " + task.podKey(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new ApiError(0, "binding request for " + task.podKey() + " failed: " + e, e);
        }
    }

    private void annotate(LaunchedTask task) {
        if (task.annotations().isEmpty()) {
            return;
        }
        client.pods()
                .inNamespace(task.namespace())
                .withName(task.name())
                .edit(p -> new PodBuilder(p)
                        .editMetadata()
                        .addToAnnotations(task.annotations())
                        .endMetadata()
                        .build());
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
