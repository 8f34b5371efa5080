package io.k8sm.scheduler.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's state over HTTP (Kafka Streams interactive queries), read-only, JSON:
 *
 * <ul>
 *   <li>{@code GET /v1/KIND} — every item of a kind ({@code tasks}, {@code pods}, {@code offers},
 *       {@code agents}, {@code queue}) of every instance: this one's shards from its own stores,
 *       the others' fetched from them ({@code ?local=true} stops the fan-out);
 *   <li>{@code GET /v1/KIND/KEY} — one item (KEY URL-encoded; a pod key {@code namespace/name} may
 *       keep its slash): asked first of the instance {@code queryMetadataForKey} names as the key's
 *       owner, then of the others, since the inputs are partitioned by scheduling shard, not by
 *       every key of every store. 404 when no instance has it;
 *   <li>{@code GET /v1/instances} — the instances of the application and the stores' partitions
 *       each holds.
 * </ul>
 *
 * 503 while the stores are not queryable (starting, rebalancing); an instance that cannot be reached
 * is named in the answer's {@code unreachable} list.
 */
public final class QueryServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueryServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FORWARD_TIMEOUT = Duration.ofSeconds(5);

    /** The names of the stores queried. */
    public record Stores(String tasks, String podIndex, String pods, String offers, String queue) {}

    private final KafkaStreams streams;
    private final QueryEndpoint endpoint;
    private final Stores stores;
    private final StoreViews views;
    private final HostInfo self;
    private final HttpClient http;
    private HttpServer server;
    private ExecutorService executor;

    public QueryServer(KafkaStreams streams, QueryEndpoint endpoint, Stores stores) {
        this.streams = streams;
        this.endpoint = endpoint;
        this.stores = stores;
        this.views = StoreViews.of(streams, stores);
        this.self = HostInfo.buildFromEndpoint(endpoint.advertised());
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    }

    /** Binds the port and serves. */
    public synchronized void start() {
        try {
            server = HttpServer.create(new InetSocketAddress(endpoint.listenHost(), endpoint.port()), 16);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot serve scheduler queries on " + endpoint.listenHost() + ":" + endpoint.port() + ": " + e, e);
        }
        executor = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "k8sm-scheduler-query");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        log.info(
                "serving scheduler queries on {}:{} (advertised as {})",
                endpoint.listenHost(),
                endpoint.port(),
                endpoint.advertised());
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET")) {
                reply(ex, 405, error("only GET is served"));
                return;
            }
            String raw = ex.getRequestURI().getRawPath();
            boolean local = Optional.ofNullable(ex.getRequestURI().getRawQuery())
                    .map(q -> q.contains("local=true"))
                    .orElse(false);
            String[] parts = raw.split("/", 4); // "", "v1", kind, key
            if (parts.length < 3 || !parts[1].equals("v1")) {
                reply(
                        ex,
                        404,
                        error("unknown path " + raw + "; try /v1/tasks, /v1/pods, /v1/offers, /v1/agents, /v1/queue"));
                return;
            }
            if (parts[2].equals("instances") && parts.length == 3) {
                reply(ex, 200, instances());
                return;
            }
            Optional<StoreViews.Kind> kind = StoreViews.Kind.of(parts[2]);
            if (kind.isEmpty()) {
                reply(ex, 404, error("unknown kind '" + parts[2] + "': tasks, pods, offers, agents or queue"));
                return;
            }
            try {
                if (parts.length == 4 && !parts[3].isEmpty()) {
                    String key = URLDecoder.decode(parts[3], StandardCharsets.UTF_8);
                    one(ex, kind.get(), key, local);
                } else {
                    reply(ex, 200, list(kind.get(), local));
                }
            } catch (InvalidStateStoreException e) {
                reply(
                        ex,
                        503,
                        error("the scheduler's stores are not queryable yet (" + streams.state() + "): "
                                + e.getMessage()));
            }
        } catch (RuntimeException e) {
            log.warn("query {} failed: {}", ex.getRequestURI(), e.toString());
            reply(ex, 500, error("the query failed: " + e.getMessage()));
        }
    }

    private ObjectNode list(StoreViews.Kind kind, boolean local) {
        ObjectNode answer = JSON.createObjectNode();
        answer.put("kind", kind.path);
        ArrayNode items = answer.putArray("items");
        ArrayNode servedBy = answer.putArray("servedBy");
        ArrayNode unreachable = answer.putArray("unreachable");
        for (HostInfo h : local ? List.of(self) : hosts(kind)) {
            if (h.equals(self)) {
                views.all(kind).forEach(items::add);
                servedBy.add(hostPort(h));
                continue;
            }
            try {
                JsonNode remote = forward(h, "/v1/" + kind.path + "?local=true");
                remote.path("items").forEach(items::add);
                servedBy.add(hostPort(h));
            } catch (IOException | RemoteError e) {
                unreachable.add(hostPort(h) + ": " + e.getMessage());
            }
        }
        return answer;
    }

    private void one(HttpExchange ex, StoreViews.Kind kind, String key, boolean local) throws IOException {
        List<HostInfo> candidates = new ArrayList<>();
        if (!local) {
            KeyQueryMetadata owner = streams.queryMetadataForKey(
                    storeOf(kind), key, Serdes.String().serializer());
            if (owner != null && !owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
                candidates.add(owner.activeHost());
            }
            candidates.addAll(hosts(kind));
        } else {
            candidates.add(self);
        }
        List<String> unreachable = new ArrayList<>();
        for (HostInfo h : new LinkedHashSet<>(candidates)) {
            if (h.equals(self)) {
                Optional<JsonNode> item = views.one(kind, key);
                if (item.isPresent()) {
                    reply(ex, 200, found(kind, key, item.get(), h));
                    return;
                }
                continue;
            }
            try {
                JsonNode remote = forward(
                        h, "/v1/" + kind.path + "/" + URLEncoder.encode(key, StandardCharsets.UTF_8) + "?local=true");
                if (remote != null) {
                    reply(ex, 200, found(kind, key, remote.get("item"), h));
                    return;
                }
            } catch (IOException | RemoteError e) {
                unreachable.add(hostPort(h) + ": " + e.getMessage());
            }
        }
        ObjectNode err = error("no " + kind.path + " '" + key + "' on any scheduler instance");
        unreachable.forEach(err.putArray("unreachable")::add);
        reply(ex, 404, err);
    }

    private ObjectNode found(StoreViews.Kind kind, String key, JsonNode item, HostInfo h) {
        ObjectNode o = JSON.createObjectNode();
        o.put("kind", kind.path);
        o.put("key", key);
        o.put("servedBy", hostPort(h));
        o.set("item", item);
        return o;
    }

    private String storeOf(StoreViews.Kind kind) {
        return switch (kind) {
            case TASKS -> stores.tasks();
            case PODS -> stores.pods();
            case OFFERS, AGENTS -> stores.offers();
            case QUEUE -> stores.queue();
        };
    }

    /** The instances that hold the kind's store, this one first when it does. */
    private List<HostInfo> hosts(StoreViews.Kind kind) {
        Set<HostInfo> hosts = new LinkedHashSet<>();
        for (StreamsMetadata m : streams.streamsMetadataForStore(storeOf(kind))) {
            hosts.add(m.hostInfo());
        }
        if (hosts.isEmpty()) {
            throw new InvalidStateStoreException("no instance holds the store " + storeOf(kind) + " yet");
        }
        List<HostInfo> ordered = new ArrayList<>();
        if (hosts.remove(self)) {
            ordered.add(self);
        }
        ordered.addAll(hosts);
        return ordered;
    }

    private ObjectNode instances() {
        ObjectNode o = JSON.createObjectNode();
        o.put("self", hostPort(self));
        o.put("state", streams.state().toString());
        ArrayNode all = o.putArray("instances");
        for (StreamsMetadata m : streams.metadataForAllStreamsClients()) {
            ObjectNode i = all.addObject();
            i.put("host", hostPort(m.hostInfo()));
            m.topicPartitions().stream()
                    .map(tp -> tp.topic() + "-" + tp.partition())
                    .sorted()
                    .forEach(i.putArray("partitions")::add);
        }
        return o;
    }

    /** A remote instance's answer; null for its 404. */
    private JsonNode forward(HostInfo h, String pathAndQuery) throws IOException, RemoteError {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + hostPort(h) + pathAndQuery))
                .timeout(FORWARD_TIMEOUT)
                .GET()
                .build();
        HttpResponse<String> r;
        try {
            r = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (r.statusCode() == 404) {
            return null;
        }
        if (r.statusCode() != 200) {
            throw new RemoteError("HTTP " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static final class RemoteError extends Exception {
        private static final long serialVersionUID = 1L;

        RemoteError(String message) {
            super(message);
        }
    }

    private static String hostPort(HostInfo h) {
        return h.host() + ":" + h.port();
    }

    private static ObjectNode error(String message) {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", message);
        return o;
    }

    private static void reply(HttpExchange ex, int code, JsonNode body) throws IOException {
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The address the server answers on (for logs and tests). */
    public QueryEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
            server = null;
        }
    }
}
