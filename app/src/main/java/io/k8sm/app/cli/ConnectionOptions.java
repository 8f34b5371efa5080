package io.k8sm.app.cli;

import io.k8sm.config.ConfigSources;
import io.k8sm.config.K8smConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options every subcommand that talks to Kafka accepts. Sources, later ones winning: defaults,
 * the file ({@code --config} or {@code K8SM_CONFIG}), {@code K8SM_*} environment variables, flags.
 */
public class ConnectionOptions {

    @Option(
            names = {"-c", "--config"},
            paramLabel = "FILE",
            description = "Properties file with k8sm settings (default: $K8SM_CONFIG if set).")
    Path configFile;

    @Option(
            names = {"-b", "--bootstrap-servers"},
            paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers (bootstrap.servers; default localhost:9092).")
    String bootstrapServers;

    @Option(
            names = {"-r", "--schema-registry-url"},
            paramLabel = "URL[,...]",
            description = "Schema registry base URL(s) (schema.registry.url; default http://localhost:8081).")
    String schemaRegistryUrl;

    @Option(
            names = "--topic-prefix",
            paramLabel = "PREFIX",
            description = "Prefix of the k8sm topic names (topics.prefix; default k8sm.).")
    String topicPrefix;

    @Option(
            names = {"-D", "--set"},
            paramLabel = "KEY=VALUE",
            description = "Any setting, e.g. -D kafka.security.protocol=SSL (kafka.* goes to the Kafka"
                    + " clients without the prefix; schema.registry.* and basic.auth.* to the registry client).")
    Map<String, String> settings = new LinkedHashMap<>();

    /** The merged and validated configuration. */
    public K8smConfig config() {
        return sources(System.getenv()).build();
    }

    /** The sources, for commands that want to show where each value came from. */
    public ConfigSources sources(Map<String, String> env) {
        return sources(env, Map.of());
    }

    /**
     * The sources with a command's own flags on top (key → value, null when the flag is absent):
     * they win over {@code -D} and the connection flags.
     */
    public ConfigSources sources(Map<String, String> env, Map<String, String> commandFlags) {
        ConfigSources s = new ConfigSources();
        Path file = configFile;
        if (file == null && env.get(ConfigSources.CONFIG_FILE_ENV) != null) {
            file = Path.of(env.get(ConfigSources.CONFIG_FILE_ENV));
        }
        if (file != null) {
            s.file(file);
        }
        s.environment(env);
        Map<String, String> flags = new LinkedHashMap<>(settings);
        putIfSet(flags, K8smConfig.BOOTSTRAP_SERVERS, bootstrapServers);
        putIfSet(flags, K8smConfig.SCHEMA_REGISTRY_URL, schemaRegistryUrl);
        putIfSet(flags, K8smConfig.TOPIC_PREFIX, topicPrefix);
        commandFlags.forEach((k, v) -> putIfSet(flags, k, v));
        return s.flags(flags);
    }

    private static void putIfSet(Map<String, String> m, String key, String value) {
        if (value != null) {
            m.put(key, value);
        }
    }
}
