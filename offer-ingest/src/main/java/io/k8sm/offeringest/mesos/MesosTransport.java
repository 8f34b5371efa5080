package io.k8sm.offeringest.mesos;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.k8sm.config.Secrets;
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

    /** How much of a refusal's body is kept (for the log and {@link MesosCallException#body()}); the rest is cut. */
    static final int MAX_ERROR_BODY_CHARS = 64 * 1024;

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
     * Sends {@code call} to {@code uri} with the stream id, following 307 redirects. One deadline, the request timeout
     * from now, bounds the whole call, every hop and its body included: a chain of slow redirects cannot hold the call
     * thread for {@code maxRedirects} timeouts (and so past the consumer's {@code max.poll.interval.ms}).
     *
     * @throws MesosCallException on a 4xx/5xx answer or a transport failure (status -1 when out of time)
     */
    void send(URI uri, String streamId, Call call) {
        long deadline = System.nanoTime() + cfg.requestTimeout().toNanos();
        for (int redirects = 0; ; redirects++) {
            Answer resp = exchange(uri, streamId, call, deadline);
            int s = resp.status();
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
            LOG.warn("{} call refused by {}: HTTP {} {}", call.getType(), shown(uri), s, resp.body());
            throw new MesosCallException(call.getType(), s, resp.body(), null);
        }
    }

    /** A call's answer: its status, headers and (at most {@link #MAX_ERROR_BODY_CHARS} of) its body. */
    private record Answer(int status, java.net.http.HttpHeaders headers, String body) {}

    /** The SUBSCRIBE call: the configured framework, with {@code frameworkId} when it has one. */
    static Call subscribeCall(MesosClientConfig cfg, org.apache.mesos.v1.Protos.FrameworkID frameworkId) {
        var info = cfg.frameworkInfo().toBuilder();
        if (!info.hasPrincipal()) {
            cfg.credentials().ifPresent(cr -> info.setPrincipal(cr.principal()));
        }
        Call.Builder b = Call.newBuilder().setType(Call.Type.SUBSCRIBE);
        if (frameworkId != null) {
            info.setId(frameworkId);
            b.setFrameworkId(frameworkId);
        }
        return b.setSubscribe(Call.Subscribe.newBuilder().setFrameworkInfo(info))
                .build();
    }

    /**
     * Why a SUBSCRIBE attempt to {@code uri} failed after {@code redirects} redirects: {@code err},
     * or (null, or a timeout) no answer within the attempt's one deadline.
     */
    static String subscribeFailure(MesosClientConfig cfg, URI uri, int redirects, Throwable err) {
        Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                ? err.getCause()
                : err;
        if (cause == null || cause instanceof java.net.http.HttpTimeoutException) {
            return "SUBSCRIBE to " + shown(uri) + ": no answer within " + cfg.requestTimeout() + " (" + redirects
                    + " redirects included)";
        }
        return "cannot subscribe to " + shown(uri) + ": " + Secrets.hideUrlPasswords(String.valueOf(err));
    }

    /**
     * The URI as it may be logged or shown: the password of its user info ({@code
     * http://user:password@master}, which {@code mesos.master} accepts) hidden by {@link Secrets}.
     */
    static String shown(URI uri) {
        return Secrets.hideUrlPasswords(String.valueOf(uri));
    }

    /** The SUBSCRIBE request for {@code uri}, its response headers due within {@code timeout}. */
    HttpRequest subscribeRequest(URI uri, Call subscribe, java.time.Duration timeout) {
        return request(uri, subscribe).timeout(timeout).build();
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
     * One hop's whole exchange — headers <em>and</em> body — bounded by the call's {@code deadline}: {@code
     * HttpRequest.timeout} covers the headers only, so a master that sends headers and then stalls would hold the
     * call thread forever. The body is read up to {@link #MAX_ERROR_BODY_CHARS} bytes, then cut.
     */
    private Answer exchange(URI uri, String streamId, Call call, long deadline) {
        Call.Type type = call.getType();
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new MesosCallException(
                    type,
                    -1,
                    shown(uri) + ": no complete answer within " + cfg.requestTimeout() + " (redirects included)",
                    null);
        }
        HttpRequest req = request(uri, call)
                .header(MesosSchedulerClient.STREAM_ID_HEADER, streamId)
                .timeout(java.time.Duration.ofNanos(left))
                .build();
        CompletableFuture<HttpResponse<Flow.Publisher<List<ByteBuffer>>>> sent =
                http.sendAsync(req, HttpResponse.BodyHandlers.ofPublisher());
        CompletableFuture<byte[]>[] body = new CompletableFuture[1];
        CompletableFuture<Answer> f = sent.thenCompose(resp -> {
            body[0] = collect(resp.body(), MAX_ERROR_BODY_CHARS);
            return body[0].thenApply(
                    bytes -> new Answer(resp.statusCode(), resp.headers(), new String(bytes, StandardCharsets.UTF_8)));
        });
        try {
            return f.get(left, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            cancel(sent, body[0]);
            throw new MesosCallException(
                    type,
                    -1,
                    shown(uri) + ": no complete answer within " + cfg.requestTimeout() + " (redirects included)",
                    e);
        } catch (ExecutionException e) {
            throw new MesosCallException(
                    type, -1, shown(uri) + ": " + Secrets.hideUrlPasswords(String.valueOf(e.getCause())), e.getCause());
        } catch (InterruptedException e) {
            cancel(sent, body[0]);
            Thread.currentThread().interrupt();
            throw new MesosCallException(type, -1, "interrupted", e);
        }
    }

    private static void cancel(CompletableFuture<?> sent, CompletableFuture<?> body) {
        sent.cancel(true);
        if (body != null) {
            body.cancel(true); // cancels the body's subscription: the connection is closed
        }
    }

    /**
     * Why a 307 from {@code from} to {@code to} must not be followed, if it must not. Never from https to http (the
     * credentials would travel in clear); and, when credentials are configured, only to a host of a configured master
     * (a redirect must not hand the secret to an arbitrary host).
     */
    static Optional<String> redirectRefusal(MesosClientConfig cfg, URI from, URI to) {
        if ("https".equalsIgnoreCase(from.getScheme()) && !"https".equalsIgnoreCase(to.getScheme())) {
            return Optional.of(
                    "refusing the redirect from " + shown(from) + " to " + shown(to) + ": https to " + to.getScheme());
        }
        if (cfg.credentials().isEmpty()) {
            return Optional.empty();
        }
        boolean configured = cfg.masters().stream()
                .anyMatch(m -> m.getHost() != null && m.getHost().equalsIgnoreCase(to.getHost()));
        return configured
                ? Optional.empty()
                : Optional.of("refusing the redirect from " + shown(from) + " to " + shown(to)
                        + ": not a configured master (mesos.master), and the credentials must not go there");
    }

    /**
     * Reads a response body to its end, its failure or {@code limit} bytes, whichever comes first; at the limit the
     * body's subscription is cancelled (the connection closed) and what was read is the result. Cancelling the
     * returned future cancels the subscription too.
     */
    static CompletableFuture<byte[]> collect(Flow.Publisher<List<ByteBuffer>> publisher, int limit) {
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        publisher.subscribe(new Flow.Subscriber<>() {
            private final ByteArrayOutputStream out = new ByteArrayOutputStream();
            private Flow.Subscription subscription;

            @Override
            public void onSubscribe(Flow.Subscription s) {
                subscription = s;
                done.whenComplete((v, e) -> {
                    if (done.isCancelled()) {
                        s.cancel();
                    }
                });
                s.request(1);
            }

            @Override
            public void onNext(List<ByteBuffer> items) {
                for (ByteBuffer b : items) {
                    int n = Math.min(b.remaining(), limit - out.size());
                    byte[] a = new byte[n];
                    b.get(a);
                    out.write(a, 0, n);
                }
                if (out.size() >= limit) {
                    subscription.cancel();
                    done.complete(out.toByteArray());
                } else {
                    subscription.request(1);
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

    /** Drops a response body unread: its subscription is cancelled at once, so the connection is closed. */
    static void discard(Flow.Publisher<List<ByteBuffer>> publisher) {
        publisher.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.cancel();
            }

            @Override
            public void onNext(List<ByteBuffer> items) {}

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onComplete() {}
        });
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
