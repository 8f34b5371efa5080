package io.k8sm.offeringest.mesos;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.k8sm.offeringest.mesos.MesosClientConfig.Encoding;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.mesos.v1.scheduler.Protos.Call;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP side of a {@link MesosSchedulerClient}: encodes calls (protobuf or JSON, with credentials), sends them
 * following 307 redirects, opens the streaming SUBSCRIBE request, and resolves the masters' Location headers.
 */
final class MesosTransport {

    private static final Logger LOG = LoggerFactory.getLogger(MesosSchedulerClient.class);
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();
    static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();

    private final MesosClientConfig cfg;
    private final ExecutorService httpPool;
    private final HttpClient http;

    MesosTransport(MesosClientConfig cfg) {
        this.cfg = cfg;
        this.httpPool = Executors.newCachedThreadPool(r -> daemon(r, "mesos-client-http"));
        HttpClient.Builder b = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(cfg.connectTimeout())
                .executor(httpPool);
        cfg.sslContext().ifPresent(b::sslContext);
        this.http = b.build();
    }

    void close() {
        httpPool.shutdownNow();
    }

    /**
     * Sends {@code call} to {@code uri} with the stream id, following 307 redirects.
     *
     * @throws MesosCallException on a 4xx/5xx answer or a transport failure
     */
    void send(URI uri, String streamId, Call call) {
        for (int redirects = 0; ; redirects++) {
            HttpRequest req = request(uri, call)
                    .header(MesosSchedulerClient.STREAM_ID_HEADER, streamId)
                    .timeout(cfg.requestTimeout())
                    .build();
            HttpResponse<String> resp = exchange(uri, req, call.getType());
            int s = resp.statusCode();
            if (s == 202 || s == 200) {
                return;
            }
            Optional<String> location = resp.headers().firstValue("Location");
            if (s == 307 && location.isPresent() && redirects < cfg.maxRedirects()) {
                URI next = resolveLocation(uri, location.get());
                Optional<String> refused = redirectRefusal(cfg, uri, next);
                if (refused.isPresent()) {
                    LOG.warn("{} call: {}", call.getType(), refused.get());
                    throw new MesosCallException(call.getType(), 307, refused.get(), null);
                }
                uri = next;
                continue;
            }
            LOG.warn("{} call refused by {}: HTTP {} {}", call.getType(), uri, s, resp.body());
            throw new MesosCallException(call.getType(), s, resp.body(), null);
        }
    }

    /** The SUBSCRIBE request for {@code uri}. */
    HttpRequest subscribeRequest(URI uri, Call subscribe) {
        return request(uri, subscribe).timeout(cfg.requestTimeout()).build();
    }

    /**
     * Opens the SUBSCRIBE stream. The request timeout bounds the wait for the response headers only; the body
     * streams on.
     */
    CompletableFuture<HttpResponse<Flow.Publisher<List<ByteBuffer>>>> openStream(HttpRequest subscribe) {
        return http.sendAsync(subscribe, HttpResponse.BodyHandlers.ofPublisher());
    }

    private HttpRequest.Builder request(URI uri, Call call) {
        byte[] body;
        try {
            body = cfg.encoding() == Encoding.JSON
                    ? PRINTER.print(call).getBytes(StandardCharsets.UTF_8)
                    : call.toByteArray();
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("cannot encode " + call.getType() + ": " + e.getMessage(), e);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(uri)
                .header("Content-Type", cfg.encoding().mediaType())
                .header("Accept", cfg.encoding().mediaType())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        cfg.credentials()
                .ifPresent(cr -> b.header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString((cr.principal() + ":" + cr.secret())
                                                .getBytes(StandardCharsets.UTF_8))));
        return b;
    }

    /**
     * Resolves a 307 Location against the URI that answered it. Mesos sends scheme-relative locations ({@code
     * //host:port/path}); the docs also show a bare {@code host:port}. A location without a path gets {@code
     * /api/v1/scheduler}.
     */
    static URI resolveLocation(URI current, String location) {
        String loc = location.trim();
        URI resolved;
        if (loc.startsWith("//")) {
            resolved = URI.create(current.getScheme() + ":" + loc);
        } else if (loc.contains("://")) {
            resolved = URI.create(loc);
        } else if (loc.startsWith("/")) {
            resolved = current.resolve(loc);
        } else {
            resolved = URI.create(current.getScheme() + "://" + loc);
        }
        return MesosClientConfig.withSchedulerPath(resolved);
    }

    /**
     * One call's whole exchange — headers <em>and</em> body — bounded by the request timeout: {@code
     * HttpRequest.timeout} covers the headers only, so a master that sends headers and then stalls would hold the
     * call thread forever.
     */
    private HttpResponse<String> exchange(URI uri, HttpRequest req, Call.Type type) {
        CompletableFuture<HttpResponse<String>> f = http.sendAsync(req, HttpResponse.BodyHandlers.ofString());
        try {
            return f.get(cfg.requestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new MesosCallException(type, -1, uri + ": no complete answer within " + cfg.requestTimeout(), e);
        } catch (ExecutionException e) {
            throw new MesosCallException(type, -1, uri + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw new MesosCallException(type, -1, "interrupted", e);
        }
    }

    /**
     * Why a 307 from {@code from} to {@code to} must not be followed, if it must not. Never from https to http (the
     * credentials would travel in clear); and, when credentials are configured, only to a host of a configured master
     * (a redirect must not hand the secret to an arbitrary host).
     */
    static Optional<String> redirectRefusal(MesosClientConfig cfg, URI from, URI to) {
        if ("https".equalsIgnoreCase(from.getScheme()) && !"https".equalsIgnoreCase(to.getScheme())) {
            return Optional.of("refusing the redirect from " + from + " to " + to + ": https to " + to.getScheme());
        }
        if (cfg.credentials().isEmpty()) {
            return Optional.empty();
        }
        boolean configured = cfg.masters().stream()
                .anyMatch(m -> m.getHost() != null && m.getHost().equalsIgnoreCase(to.getHost()));
        return configured
                ? Optional.empty()
                : Optional.of("refusing the redirect from " + from + " to " + to
                        + ": not a configured master (mesos.master), and the credentials must not go there");
    }

    /** Reads a response body to the end (or to its failure). */
    static CompletableFuture<byte[]> collect(Flow.Publisher<List<ByteBuffer>> publisher) {
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        publisher.subscribe(new Flow.Subscriber<>() {
            private final ByteArrayOutputStream out = new ByteArrayOutputStream();

            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(List<ByteBuffer> items) {
                for (ByteBuffer b : items) {
                    byte[] a = new byte[b.remaining()];
                    b.get(a);
                    out.write(a, 0, a.length);
                }
            }

            @Override
            public void onError(Throwable t) {
                done.complete(out.toByteArray());
            }

            @Override
            public void onComplete() {
                done.complete(out.toByteArray());
            }
        });
        return done;
    }

    /** Renders a message for logs in the client's JSON style. */
    static String toJson(Message m) {
        try {
            return PRINTER.print(m);
        } catch (InvalidProtocolBufferException e) {
            return m.toString();
        }
    }

    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
