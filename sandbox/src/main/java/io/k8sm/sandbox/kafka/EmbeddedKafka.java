package io.k8sm.sandbox.kafka;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka (KRaft, combined broker + controller) running inside this JVM.
 *
 * <p>The storage is formatted with Kafka's own {@link Formatter} (the code behind {@code
 * kafka-storage.sh format}) unless the data directory already holds a formatted log, and the node
 * is started as a {@link KafkaRaftServer} (the code behind {@code kafka-server-start.sh}). The
 * quorum is static ({@code controller.quorum.voters}), so restarting on the same directory with
 * other ports works: nothing about the listeners is written into the metadata log at format time.
 *
 * <p>Single-node settings are applied (replication factor 1 for the internal topics, min ISR 1, no
 * initial rebalance delay) so that consumer groups, transactions and exactly-once Kafka Streams
 * work against one broker. Anything passed through {@link Builder#brokerProperty} wins.
 */
public final class EmbeddedKafka implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);
    static final int NODE_ID = 1;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final boolean deleteOnClose;
    private final int port;
    private final int controllerPort;
    private final Duration startTime;
    private volatile boolean closed;

    private EmbeddedKafka(
            KafkaRaftServer server,
            Path dataDir,
            boolean deleteOnClose,
            int port,
            int controllerPort,
            Duration startTime) {
        this.server = server;
        this.dataDir = dataDir;
        this.deleteOnClose = deleteOnClose;
        this.port = port;
        this.controllerPort = controllerPort;
        this.startTime = startTime;
    }

    /** Starts a broker with every default: a temporary data directory and free ports. */
    public static EmbeddedKafka start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** {@code localhost:port} of the PLAINTEXT listener, for {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return "localhost:" + port;
    }

    public int port() {
        return port;
    }

    public int controllerPort() {
        return controllerPort;
    }

    /** The directory holding the metadata log and the topic logs. */
    public Path dataDir() {
        return dataDir;
    }

    /** How long {@link Builder#start()} took from format to a broker answering clients. */
    public Duration startTime() {
        return startTime;
    }

    /** A new {@link Admin} client on this broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** Stops the broker and waits for it; deletes the data directory if it was a temporary one. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
            log.info("Embedded Kafka on {} stopped", bootstrapServers());
        } finally {
            if (deleteOnClose) {
                deleteRecursively(dataDir);
            }
        }
    }

    /** Configuration for an {@link EmbeddedKafka}. */
    public static final class Builder {
        private Path dataDir;
        private int port;
        private int controllerPort;
        private final Map<String, String> extra = new LinkedHashMap<>();

        private Builder() {}

        /**
         * Keep the data in this directory (created if missing, kept on close). Default: a temp dir
         * deleted on close.
         */
        public Builder dataDir(Path dir) {
            this.dataDir = Objects.requireNonNull(dir, "dataDir");
            return this;
        }

        /** The client (PLAINTEXT) port. Default 0: a free port. */
        public Builder port(int port) {
            this.port = checkPort(port, "port");
            return this;
        }

        /** The controller (KRaft) port. Default 0: a free port. */
        public Builder controllerPort(int port) {
            this.controllerPort = checkPort(port, "controllerPort");
            return this;
        }

        /** Any broker property; it overrides the embedded defaults. */
        public Builder brokerProperty(String key, String value) {
            extra.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value for " + key));
            return this;
        }

        public Builder brokerProperties(Map<String, String> properties) {
            properties.forEach(this::brokerProperty);
            return this;
        }

        /** Formats the storage if needed, starts the node and returns once it answers clients. */
        public EmbeddedKafka start() {
            long t0 = System.nanoTime();
            boolean temporary = dataDir == null;
            Path dir;
            try {
                dir = temporary ? Files.createTempDirectory("k8sm-kafka-") : Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the Kafka data directory " + dataDir, e);
            }
            int clientPort = port != 0 ? port : freePort();
            int ctrlPort = controllerPort != 0 ? controllerPort : freePort(clientPort);
            Properties props = brokerConfig(dir, clientPort, ctrlPort, extra);
            KafkaRaftServer server = null;
            try {
                KafkaConfig config = KafkaConfig.fromProps(props);
                format(config, dir);
                server = new KafkaRaftServer(config, Time.SYSTEM);
                server.startup();
                awaitReady("localhost:" + clientPort);
            } catch (RuntimeException | Error e) {
                if (server != null) {
                    stopQuietly(server, e);
                }
                if (temporary) {
                    deleteRecursively(dir);
                }
                throw new IllegalStateException(
                        "Embedded Kafka failed to start on port "
                                + clientPort
                                + " with data directory "
                                + dir
                                + ": "
                                + e.getMessage(),
                        e);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            log.info("Embedded Kafka ready on localhost:{} in {} ms (data {})", clientPort, took.toMillis(), dir);
            return new EmbeddedKafka(server, dir, temporary, clientPort, ctrlPort, took);
        }
    }

    static Properties brokerConfig(Path dir, int clientPort, int controllerPort, Map<String, String> extra) {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@localhost:" + controllerPort);
        p.put("listeners", "PLAINTEXT://localhost:" + clientPort + ",CONTROLLER://localhost:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://localhost:" + clientPort);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dir.toAbsolutePath().toString());
        // One node: every internal topic has one replica, and one in-sync replica is enough.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("num.partitions", "1");
        // Tests and the demo want groups to form at once, not after 3 s.
        p.put("group.initial.rebalance.delay.ms", "0");
        // The cleaner's default 128 MiB dedupe buffer is wasted on a sandbox.
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "2");
        p.put("background.threads", "2");
        p.putAll(extra);
        return p;
    }

    private static void format(KafkaConfig config, Path dir) {
        if (Files.exists(dir.resolve("meta.properties"))) {
            log.info("Kafka data directory {} is already formatted; keeping its data", dir);
            return;
        }
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(PrintStream.nullOutputStream()))
                .setSupportedFeatures(Feature.PRODUCTION_FEATURES)
                .setNodeId(NODE_ID)
                .setClusterId(Uuid.randomUuid().toString())
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setControllerListenerName(config.controllerListenerNames().get(0))
                .setMetadataLogDirectory(config.metadataLogDir())
                .setIgnoreFormatted(true)
                .setDirectories(List.of(dir.toAbsolutePath().toString()));
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("Formatting the Kafka storage in " + dir + " failed: " + e.getMessage(), e);
        }
    }

    /** The broker blocks startup until unfenced; this also proves a client can reach it. */
    private static void awaitReady(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            int brokers = admin.describeCluster()
                    .nodes()
                    .get(READY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .size();
            if (brokers < 1) {
                throw new IllegalStateException("the broker at " + bootstrap + " reports no live broker");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the broker at " + bootstrap, e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(
                    "the broker at " + bootstrap + " did not answer within " + READY_TIMEOUT, e);
        }
    }

    private static void stopQuietly(KafkaRaftServer server, Throwable cause) {
        try {
            server.shutdown();
            server.awaitShutdown();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    private static int checkPort(int port, String name) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException(name + " must be 0 (free) or 1..65535, was " + port);
        }
        return port;
    }

    static int freePort(int... avoid) {
        for (int attempt = 0; attempt < 20; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                s.setReuseAddress(true);
                int p = s.getLocalPort();
                boolean clash = false;
                for (int a : avoid) {
                    clash |= a == p;
                }
                if (!clash) {
                    return p;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot find a free local port", e);
            }
        }
        throw new IllegalStateException(
                "Cannot find a free local port distinct from " + java.util.Arrays.toString(avoid));
    }

    static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.warn("Could not delete the Kafka data directory {}: {}", dir, e.toString());
        }
    }

    /**
     * Runs a broker until SIGTERM / Ctrl-C. Arguments: {@code [--port N] [--controller-port N]
     * [--data-dir DIR] [--prop key=value]...}. Prints {@code bootstrap.servers=host:port} on stdout.
     */
    public static void main(String[] args) throws InterruptedException {
        Builder b = builder();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--port" -> b.port(Integer.parseInt(required(a, v)));
                case "--controller-port" -> b.controllerPort(Integer.parseInt(required(a, v)));
                case "--data-dir" -> b.dataDir(Path.of(required(a, v)));
                case "--prop" -> {
                    String kv = required(a, v);
                    int eq = kv.indexOf('=');
                    if (eq <= 0) {
                        throw new IllegalArgumentException("--prop wants key=value, got " + kv);
                    }
                    b.brokerProperty(kv.substring(0, eq), kv.substring(eq + 1));
                }
                case "-h", "--help" -> {
                    System.out.println(
                            "usage: EmbeddedKafka [--port N] [--controller-port N] [--data-dir DIR] [--prop key=value]...");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + a + " (try --help)");
            }
            i++;
        }
        EmbeddedKafka kafka = b.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            kafka.close();
                            stopped.countDown();
                        },
                        "embedded-kafka-shutdown"));
        System.out.println("bootstrap.servers=" + kafka.bootstrapServers());
        System.out.println("Embedded Kafka started in "
                + kafka.startTime().toMillis()
                + " ms; data in "
                + kafka.dataDir()
                + "; SIGTERM or Ctrl-C stops it");
        stopped.await();
    }

    private static String required(String flag, String value) {
        if (value == null) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return value;
    }
}
