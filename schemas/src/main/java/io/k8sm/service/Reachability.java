package io.k8sm.service;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Before a service says it runs: are its brokers and its schema registry there? Each check gives up
 * after a bounded time with a message that names the address, so that a service pointed at the
 * wrong place says so instead of retrying silently for ever.
 */
public final class Reachability {

    /** Why a service cannot start: its broker or registry did not answer. */
    public static final class UnreachableException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public UnreachableException(String message, Throwable cause) {
            super(message, cause);
        }

        /** The message alone: it names the address and what to check. */
        @Override
        public String toString() {
            return getMessage();
        }
    }

    private Reachability() {}

    /** Waits up to {@code timeout} for the cluster to answer a describe-cluster request. */
    public static void requireBrokers(Properties kafka, Duration timeout) {
        Properties p = new Properties();
        p.putAll(kafka);
        int ms = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        p.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "k8sm-reachability");
        String where = String.valueOf(kafka.get(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG));
        try (Admin admin = Admin.create(p)) {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs(ms))
                    .clusterId()
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UnreachableException("interrupted while reaching the Kafka brokers at " + where, e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new UnreachableException(
                    "cannot reach the Kafka brokers at " + where + " within " + timeout.toSeconds() + " s ("
                            + cause.getClass().getSimpleName()
                            + (cause.getMessage() == null ? "" : ": " + cause.getMessage())
                            + "); check bootstrap.servers",
                    cause);
        }
    }

    /**
     * Waits up to {@code timeout} for one of the registry URLs (comma separated) to answer any HTTP
     * response. Only a refused or timed-out connection counts as unreachable: a TLS or
     * authentication answer means something is listening, and the registry client reports it.
     */
    public static void requireRegistry(String urls, Duration timeout) {
        List<String> failures = new ArrayList<>();
        HttpClient http = HttpClient.newBuilder().connectTimeout(timeout).build();
        for (String raw : urls.split(",")) {
            String url = raw.trim();
            if (url.isEmpty()) {
                continue;
            }
            try {
                URI base = URI.create(url.endsWith("/") ? url : url + "/");
                HttpRequest req = HttpRequest.newBuilder(base.resolve("subjects"))
                        .timeout(timeout)
                        .GET()
                        .build();
                http.send(req, HttpResponse.BodyHandlers.discarding());
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new UnreachableException("interrupted while reaching the schema registry at " + url, e);
            } catch (HttpTimeoutException | ConnectException e) {
                failures.add(url + " (" + e.getClass().getSimpleName() + ")");
            } catch (IOException e) {
                if (e.getCause() instanceof UnresolvedAddressException) {
                    failures.add(url + " (unknown host)");
                } else {
                    return; // something answered (TLS, a closed stream): the registry client will say more
                }
            } catch (IllegalArgumentException e) {
                failures.add(url + " (" + e.getMessage() + ")");
            }
        }
        if (!failures.isEmpty()) {
            throw new UnreachableException(
                    "cannot reach the schema registry at " + String.join(", ", failures) + " within "
                            + timeout.toSeconds() + " s; check schema.registry.url",
                    null);
        }
    }
}
