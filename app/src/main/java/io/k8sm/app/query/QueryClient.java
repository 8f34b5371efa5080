package io.k8sm.app.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads a scheduler's query server ({@code io.k8sm.scheduler.query.QueryServer}); any instance
 * answers for all. Every failure is a {@link QueryException} with one sentence naming the URL.
 */
final class QueryClient implements SchedulerState {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String base;
    private final HttpClient http;

    QueryClient(String url) {
        String u = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        try {
            URI parsed = URI.create(u);
            if (parsed.getScheme() == null
                    || parsed.getHost() == null
                    || !parsed.getScheme().startsWith("http")) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "scheduler.query.url: expected an http URL such as http://localhost:8085, not '" + url + "'");
        }
        this.base = u;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    String url() {
        return base;
    }

    @Override
    public String source() {
        return "the scheduler at " + base;
    }

    @Override
    public JsonNode list(String kind) {
        return get("/v1/" + kind)
                .orElseThrow(() -> new QueryException("the scheduler at " + base + " does not know the kind '" + kind
                        + "' (is it a k8sm scheduler?)"));
    }

    /** One item ({@code item} of the answer), or empty when no instance has it. */
    @Override
    public Optional<JsonNode> one(String kind, String key) {
        return get("/v1/" + kind + "/" + URLEncoder.encode(key, StandardCharsets.UTF_8))
                .map(a -> a.get("item"));
    }

    private Optional<JsonNode> get(String path) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path))
                .timeout(Duration.ofSeconds(30))
                .GET()
                .build();
        HttpResponse<String> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new QueryException("no scheduler is serving queries at " + base
                    + " (start one with scheduler.query.listen set, or name it with --scheduler-url or"
                    + " scheduler.query.url)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new QueryException("interrupted while asking the scheduler at " + base);
        }
        if (r.statusCode() == 404) {
            return Optional.empty();
        }
        JsonNode body;
        try {
            body = JSON.readTree(r.body());
        } catch (IOException e) {
            throw new QueryException("the server at " + base + " answered HTTP " + r.statusCode()
                    + " with something that is not a k8sm scheduler's JSON");
        }
        if (r.statusCode() == 503) {
            throw new QueryException("the scheduler at " + base + " cannot answer yet: "
                    + body.path("error").asText());
        }
        if (r.statusCode() != 200) {
            throw new QueryException("the scheduler at " + base + " answered HTTP " + r.statusCode() + ": "
                    + body.path("error").asText());
        }
        return Optional.of(body);
    }

    /** A query that failed; the message is the one sentence to print. */
    static final class QueryException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        QueryException(String message) {
            super(message);
        }
    }
}
