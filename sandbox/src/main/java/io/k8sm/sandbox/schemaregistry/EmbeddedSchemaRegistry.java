package io.k8sm.sandbox.schemaregistry;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A schema registry speaking the Confluent Schema Registry REST API (the subset listed in {@code
 * sandbox/README.md}) at the root path, for Avro schemas, with its state in a compacted Kafka topic
 * on the broker it is given. Confluent clients and serdes can use its {@link #url()}.
 *
 * <p>Only one registry instance may write to a given topic at a time (see {@link SchemaStore}).
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);
    public static final String DEFAULT_TOPIC = "_schemas";

    static final String MAX_REQUEST_TIME_PROPERTY = "sun.net.httpserver.maxReqTime";
    static final int WORKERS = 16;
    static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

    private final HttpServer server;
    private final ExecutorService executor;
    private final SchemaStore store;
    private final String expectedAuthorization;
    private final String host;

    private EmbeddedSchemaRegistry(
            HttpServer server, ExecutorService executor, SchemaStore store, String expectedAuthorization, String host) {
        this.server = server;
        this.executor = executor;
        this.store = store;
        this.expectedAuthorization = expectedAuthorization;
        this.host = host;
    }

    /** A registry on a free port storing its schemas in {@code _schemas} on the given broker. */
    public static EmbeddedSchemaRegistry start(String bootstrapServers) {
        return builder(bootstrapServers).start();
    }

    public static Builder builder(String bootstrapServers) {
        return new Builder(bootstrapServers);
    }

    /** {@code http://localhost:port} (no trailing slash), for {@code schema.registry.url}. */
    public String url() {
        return "http://" + host + ":" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Stops serving and closes the Kafka producer. Every write is awaited before its answer, so
     * nothing acknowledged is lost; a request still in flight may be cut off.
     */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        } finally {
            store.close();
            log.info("Schema registry on {} stopped", url());
        }
    }

    /** Configuration for an {@link EmbeddedSchemaRegistry}. */
    public static final class Builder {
        private final String bootstrapServers;
        private String topic = DEFAULT_TOPIC;
        private int port;
        private String host = "localhost";
        private String basicAuth;
        private Duration writeTimeout = SchemaStore.DEFAULT_WRITE_TIMEOUT;
        private final Map<String, Object> clientProperties = new HashMap<>();

        private Builder(String bootstrapServers) {
            this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        }

        /** The compacted topic holding the schemas. Default {@code _schemas}. */
        public Builder topic(String topic) {
            this.topic = Objects.requireNonNull(topic, "topic");
            return this;
        }

        /** The HTTP port. Default 0: a free port. */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be 0 (free) or 1..65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** The interface to listen on and the host in {@link #url()}. Default {@code localhost}. */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** Require HTTP basic authentication with this user and password. Default: none. */
        public Builder basicAuth(String user, String password) {
            if (user == null || user.contains(":") || password == null) {
                throw new IllegalArgumentException("basic auth wants a user without ':' and a password");
            }
            this.basicAuth = user + ":" + password;
            return this;
        }

        /**
         * How long a write to the schema topic may take before the request fails with 50002. Default 30
         * s.
         */
        public Builder writeTimeout(Duration timeout) {
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("writeTimeout must be positive, was " + timeout);
            }
            this.writeTimeout = timeout;
            return this;
        }

        /**
         * Extra Kafka client properties (security settings, say) for the registry's producer and
         * consumer.
         */
        public Builder clientProperty(String key, Object value) {
            clientProperties.put(key, value);
            return this;
        }

        /** Loads the schema topic and starts serving. */
        public EmbeddedSchemaRegistry start() {
            if (System.getProperty(MAX_REQUEST_TIME_PROPERTY) == null) {
                // read once per JVM by com.sun.net.httpserver; seconds a request may take to arrive
                System.setProperty(MAX_REQUEST_TIME_PROPERTY, "30");
            }
            SchemaStore store = SchemaStore.open(bootstrapServers, topic, writeTimeout, clientProperties);
            HttpServer server;
            try {
                InetAddress address = InetAddress.getByName(host);
                server = HttpServer.create(new InetSocketAddress(address, port), 50);
            } catch (IOException e) {
                store.close();
                throw new UncheckedIOException("Schema registry cannot listen on " + host + ":" + port, e);
            }
            AtomicInteger n = new AtomicInteger();
            // ER2: a slow client holds a worker while it trickles its request in; more workers than
            // a handful of such clients, and a whole-request deadline where the JVM still allows one
            ExecutorService executor = Executors.newFixedThreadPool(WORKERS, r -> {
                Thread t = new Thread(r, "schema-registry-http-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            String expected = basicAuth == null
                    ? null
                    : "Basic " + Base64.getEncoder().encodeToString(basicAuth.getBytes(StandardCharsets.UTF_8));
            EmbeddedSchemaRegistry registry = new EmbeddedSchemaRegistry(server, executor, store, expected, host);
            server.createContext("/", new SchemaRegistryHttp(store, expected)::handle);
            server.setExecutor(executor);
            server.start();
            log.info("Schema registry serving on {} (topic {} on {})", registry.url(), topic, bootstrapServers);
            return registry;
        }
    }

    /**
     * Runs a registry until SIGTERM / Ctrl-C. Arguments: {@code --bootstrap-servers H:P [--port N]
     * [--topic T] [--basic-auth user:password]}.
     */
    public static void main(String[] args) throws InterruptedException {
        String bootstrap = null;
        Builder b = null;
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("-h") || args[i].equals("--help")) {
                System.out.println(
                        "usage: EmbeddedSchemaRegistry --bootstrap-servers H:P [--port N] [--topic T] [--basic-auth user:password]");
                return;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
            opts.put(args[i], args[++i]);
        }
        bootstrap = opts.remove("--bootstrap-servers");
        if (bootstrap == null) {
            throw new IllegalArgumentException("--bootstrap-servers is required (try --help)");
        }
        b = builder(bootstrap);
        for (Map.Entry<String, String> e : opts.entrySet()) {
            switch (e.getKey()) {
                case "--port" -> b.port(Integer.parseInt(e.getValue()));
                case "--topic" -> b.topic(e.getValue());
                case "--basic-auth" -> {
                    int c = e.getValue().indexOf(':');
                    if (c <= 0) {
                        throw new IllegalArgumentException("--basic-auth wants user:password");
                    }
                    b.basicAuth(e.getValue().substring(0, c), e.getValue().substring(c + 1));
                }
                default -> throw new IllegalArgumentException("unknown argument " + e.getKey() + " (try --help)");
            }
        }
        EmbeddedSchemaRegistry registry = b.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            registry.close();
                            stopped.countDown();
                        },
                        "schema-registry-shutdown"));
        System.out.println("k8sm schema registry (Confluent REST API subset, Avro) at "
                + registry.url()
                + " storing schemas on "
                + bootstrap
                + "; SIGTERM or Ctrl-C stops it");
        stopped.await();
    }
}
