package io.k8sm.launcher.kubeapi;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * The one place that says which Kubernetes API errors are worth retrying.
 *
 * <ul>
 *   <li><b>transient</b> (retry the batch, with backoff): no answer at all (connection refused or
 *       reset, timeouts, any I/O error: fabric8 reports them with code 0 or -1), {@code 5xx}, {@code
 *       429 Too Many Requests}, {@code 408 Request Timeout} and {@code 409 Conflict} (an optimistic
 *       concurrency clash: the next attempt reads the object again);
 *   <li><b>permanent</b> (answered per item, the rest of the batch flows on): every other {@code
 *       4xx}, e.g. {@code 422} for an invalid object or {@code 403} where the service account may
 *       not act.
 * </ul>
 */
public final class ApiErrors {
    private ApiErrors() {}

    /** True when an answer with this HTTP code (0 for none) may be different if asked again later. */
    public static boolean isTransientCode(int code) {
        return code <= 0 || code >= 500 || code == 429 || code == 408 || code == 409;
    }

    /** True when trying the same call again later can succeed. */
    public static boolean isTransient(KubernetesClientException e) {
        int code = e.getCode();
        if (code <= 0) {
            return true; // no HTTP answer: transport error
        }
        if (code >= 500 || code == 429 || code == 408 || code == 409) {
            return true;
        }
        if (code >= 400) {
            return false;
        }
        return hasTransportCause(e);
    }

    /** A short reason for events and dead letters: the HTTP code and the API's message. */
    public static String reason(KubernetesClientException e) {
        return "Kubernetes API answered " + e.getCode() + ": " + e.getMessage();
    }

    private static boolean hasTransportCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }
}
