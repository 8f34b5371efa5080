package io.k8sm.demo;

import io.k8sm.app.cli.TopicsCommand;
import io.k8sm.config.ConfigSources;
import io.k8sm.config.K8smConfig;
import io.k8sm.sandbox.kafka.EmbeddedKafka;
import io.k8sm.sandbox.schemaregistry.EmbeddedSchemaRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo's embedded world: a real single-node KRaft broker and a Confluent-compatible schema
 * registry in this process, with the k8sm topic catalogue created on it. It writes a properties
 * file so that a second terminal can run {@code ./k8sm tap --config FILE ...} against it.
 */
public final class DemoWorld implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DemoWorld.class);

    private final EmbeddedKafka kafka;
    private final EmbeddedSchemaRegistry registry;
    private final K8smConfig config;
    private final Path configFile;

    private DemoWorld(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, K8smConfig config, Path configFile) {
        this.kafka = kafka;
        this.registry = registry;
        this.config = config;
        this.configFile = configFile;
    }

    /**
     * Starts the world.
     *
     * @param dataDir the broker's data directory; {@code null} for a temporary one, deleted on close
     * @param kafkaPort 0 for a free port
     * @param registryPort 0 for a free port
     * @param configFile where to write the connection settings for other k8sm commands
     */
    public static DemoWorld start(Path dataDir, int kafkaPort, int registryPort, Path configFile) throws Exception {
        EmbeddedKafka.Builder kb = EmbeddedKafka.builder().port(kafkaPort);
        if (dataDir != null) {
            kb.dataDir(dataDir);
        }
        EmbeddedKafka kafka = kb.start();
        try {
            return onBroker(kafka, kafka.bootstrapServers(), registryPort, configFile);
        } catch (Exception | Error e) {
            kafka.close();
            throw e;
        }
    }

    /**
     * The world on a broker of someone else's (e.g. {@code k8sm chaos}'s broker process, which it
     * kills and restarts): the registry and the topics on it; closing leaves the broker alone.
     */
    public static DemoWorld onBroker(String bootstrapServers, int registryPort, Path configFile) throws Exception {
        return onBroker(null, bootstrapServers, registryPort, configFile);
    }

    private static DemoWorld onBroker(EmbeddedKafka kafka, String bootstrap, int registryPort, Path configFile)
            throws Exception {
        EmbeddedSchemaRegistry registry =
                EmbeddedSchemaRegistry.builder(bootstrap).port(registryPort).start();
        try {
            Map<String, String> settings = Map.of(
                    K8smConfig.BOOTSTRAP_SERVERS,
                    bootstrap,
                    K8smConfig.SCHEMA_REGISTRY_URL,
                    registry.url(),
                    K8smConfig.TOPIC_REPLICATION_FACTOR,
                    "1");
            K8smConfig config = new ConfigSources().flags(settings).build();
            writeConfig(configFile, settings, "k8sm demo");
            try (Admin admin = Admin.create(config.kafkaProperties())) {
                List<String> lines = TopicsCommand.ensureTopics(admin, config.topics(), (short) 1, config);
                LOG.debug("topics: {}", lines);
            }
            return new DemoWorld(kafka, registry, config, configFile);
        } catch (Exception | Error e) {
            registry.close();
            throw e;
        }
    }

    /**
     * Writes connection settings as a properties file, sorted by key, headed by who wrote it. A
     * secret ({@link io.k8sm.config.Secrets}) is never written: its line says so instead.
     */
    static void writeConfig(Path file, Map<String, String> settings, String writer) {
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            StringBuilder sb =
                    new StringBuilder("# Written by '" + writer + "': connection settings of its embedded world.\n");
            settings.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
                if (io.k8sm.config.Secrets.isSecret(e.getKey())) {
                    sb.append("# ").append(e.getKey()).append(": a secret, not written here\n");
                } else {
                    sb.append(e.getKey())
                            .append('=')
                            .append(io.k8sm.config.Secrets.hideUrlPasswords(e.getValue()))
                            .append('\n');
                }
            });
            Files.writeString(file, sb.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the world's settings to " + file, e);
        }
    }

    public K8smConfig config() {
        return config;
    }

    public Path configFile() {
        return configFile;
    }

    /** The embedded broker; null when the world runs on someone else's ({@link #onBroker}). */
    public EmbeddedKafka kafka() {
        return kafka;
    }

    public String registryUrl() {
        return registry.url();
    }

    @Override
    public void close() {
        try {
            registry.close();
        } finally {
            if (kafka != null) {
                kafka.close();
            }
        }
    }
}
