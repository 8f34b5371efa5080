package io.k8sm.schemaregistry;

import static io.k8sm.schemaregistry.RestSchemaRegistryClient.CONTENT_TYPE;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of {@link RestSchemaRegistryClient}: one request over the base URLs in order (the one that last
 * answered first), retry rounds with exponential backoff on connect errors, timeouts, 5xx and 429, and every other
 * 4xx mapped at once to a specific {@link SchemaRegistryException}.
 */
final class RegistryHttp {
    private static final Logger LOG = LoggerFactory.getLogger(RestSchemaRegistryClient.class);

    private final RegistryClientConfig config;
    private final HttpClient http;
    private final ObjectMapper json;
    private final Optional<String> authorization;
    private final RestSchemaRegistryClient.Sleeper sleeper;
    private volatile int preferredUrl;

    RegistryHttp(RegistryClientConfig config, RestSchemaRegistryClient.Sleeper sleeper, ObjectMapper json) {
        this.config = config;
        this.sleeper = sleeper;
        this.json = json;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(config.connectTimeout())
                .followRedirects(HttpClient.Redirect.NORMAL);
        config.tls().ifPresent(tls -> builder.sslContext(RegistryTls.sslContext(tls)));
        this.http = builder.build();
        this.authorization = config.userInfo()
                .map(u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
    }

    JsonNode call(String method, String path, String body) {
        List<URI> urls = config.baseUrls();
        int attempts = 0;
        int lastStatus = -1;
        int lastCode = -1;
        String lastProblem = "no attempt made";
        Throwable lastCause = null;
        for (int round = 0; round <= config.maxRetries(); round++) {
            if (round > 0) {
                Duration wait = backoff(round);
                LOG.debug(
                        "schema registry {} {}: retry round {} after {} ms ({})",
                        method,
                        path,
                        round,
                        wait.toMillis(),
                        lastProblem);
                try {
                    sleeper.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RegistryUnreachableException(
                            method + " " + path,
                            attempts,
                            lastStatus,
                            lastCode,
                            "interrupted while backing off after: " + lastProblem,
                            e);
                }
            }
            int start = preferredUrl;
            for (int i = 0; i < urls.size(); i++) {
                int index = (start + i) % urls.size();
                URI uri = URI.create(urls.get(index) + path);
                String request = method + " " + uri;
                attempts++;
                HttpResponse<String> response;
                try {
                    response = http.send(
                            request(uri, method, body), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                } catch (IOException e) {
                    lastStatus = -1;
                    lastCode = -1;
                    lastCause = e;
                    lastProblem = request + ": " + describe(e);
                    continue;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RegistryUnreachableException(request, attempts, -1, -1, "interrupted", e);
                }
                int status = response.statusCode();
                if (status >= 200 && status < 300) {
                    preferredUrl = index;
                    return parse(request, status, response.body());
                }
                ErrorBody error = errorBody(response.body());
                if (status >= 500 || status == 429) {
                    lastStatus = status;
                    lastCode = error.code();
                    lastCause = null;
                    lastProblem = request + " answered HTTP " + status + ": " + error.message();
                    continue;
                }
                throw mapError(request, status, error);
            }
        }
        throw new RegistryUnreachableException(
                method + " " + path + " on " + urls, attempts, lastStatus, lastCode, lastProblem, lastCause);
    }

    private HttpRequest request(URI uri, String method, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .timeout(config.requestTimeout())
                .header("Accept", CONTENT_TYPE + ", application/json");
        authorization.ifPresent(a -> b.header("Authorization", a));
        if (body != null) {
            b.header("Content-Type", CONTENT_TYPE);
            b.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return b.build();
    }

    Duration backoff(int round) {
        long base = config.retryWait().toMillis();
        long max = config.retryMaxWait().toMillis();
        long wait = base << Math.min(round - 1, 30);
        return Duration.ofMillis(Math.min(wait < 0 ? max : wait, max));
    }

    private static String describe(IOException e) {
        if (e instanceof HttpConnectTimeoutException) {
            return "connect timed out";
        }
        if (e instanceof HttpTimeoutException) {
            return "request timed out";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    private record ErrorBody(int code, String message) {}

    private ErrorBody errorBody(String body) {
        if (body == null || body.isBlank()) {
            return new ErrorBody(-1, "(empty body)");
        }
        try {
            JsonNode n = json.readTree(body);
            if (n != null && n.isObject()) {
                int code = n.path("error_code").asInt(-1);
                String message = n.path("message").asText(null);
                return new ErrorBody(code, message == null ? abbreviate(body) : message);
            }
        } catch (IOException notJson) {
            // an HTML or plain-text error page: report it as it is
        }
        return new ErrorBody(-1, abbreviate(body));
    }

    private static SchemaRegistryException mapError(String request, int status, ErrorBody error) {
        int code = error.code();
        if (status == 401 || status == 403) {
            return new RegistryAuthException(request, status, code, error.message());
        }
        if (status == 404 || code / 100 == 404) {
            return new SchemaNotFoundException(request, status, code, error.message());
        }
        if (status == 409 || code == SchemaRegistryException.INCOMPATIBLE_SCHEMA) {
            return new IncompatibleSchemaException(request, status, code, error.message());
        }
        if (status == 422 || code / 100 == 422) {
            return new InvalidSchemaException(request, status, code, error.message());
        }
        return new SchemaRegistryException(request, status, code, error.message(), null);
    }

    private JsonNode parse(String request, int status, String body) {
        try {
            JsonNode n = json.readTree(body == null ? "" : body);
            return n == null ? json.nullNode() : n;
        } catch (IOException e) {
            throw new SchemaRegistryException(request, status, -1, "answer is not JSON: " + abbreviate(body), e);
        }
    }

    static String abbreviate(String s) {
        if (s == null) {
            return "(null)";
        }
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }
}
