package io.k8sm.sandbox.schemaregistry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A tiny client for the registry's REST API in tests. */
final class Http {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    record Reply(int status, JsonNode body, String contentType) {
        int errorCode() {
            return body.path("error_code").asInt();
        }
    }

    private final String base;
    private final String authorization;

    Http(String base) {
        this(base, null);
    }

    Http(String base, String userPassword) {
        this.base = base;
        this.authorization = userPassword == null
                ? null
                : "Basic " + Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8));
    }

    Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), null);
    }

    Reply post(String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)), "POST", body, EmbeddedSchemaRegistry.CONTENT_TYPE);
    }

    Reply put(String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)), "PUT", body, EmbeddedSchemaRegistry.CONTENT_TYPE);
    }

    Reply send(HttpRequest.Builder b, String method, Object body, String contentType) {
        try {
            String text = body instanceof String s ? s : JSON.writeValueAsString(body);
            b.method(method, HttpRequest.BodyPublishers.ofString(text)).header("Content-Type", contentType);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return send(b, null);
    }

    private Reply send(HttpRequest.Builder b, Void unused) {
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode node = r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
            return new Reply(
                    r.statusCode(), node, r.headers().firstValue("Content-Type").orElse(""));
        } catch (IOException e) {
            throw new IllegalStateException("HTTP call failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    String base() {
        return base;
    }
}
