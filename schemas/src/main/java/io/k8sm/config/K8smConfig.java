package io.k8sm.config;

import io.k8sm.topics.TopicCatalogue;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The configuration every k8sm component shares: where Kafka and the schema registry are, how
 * topics are named, and the pass-through properties for the Kafka clients and the registry client.
 *
 * <p>Validation and documentation come from Kafka's own {@link ConfigDef}: a bad value fails with a
 * {@link ConfigException} that names the key and the expected form. Components add their own keys
 * by extending {@link #baseDefinition()} and passing the result to {@link #K8smConfig(ConfigDef,
 * Map)}.
 *
 * <p>Two prefixes pass through untouched: {@code kafka.*} goes to every Kafka client with the
 * prefix removed ({@code kafka.security.protocol=SASL_SSL}); {@code schema.registry.*} and {@code
 * basic.auth.*} go to the registry client and serdes as they are (the Confluent names).
 */
public class K8smConfig extends AbstractConfig {

    public static final String BOOTSTRAP_SERVERS = "bootstrap.servers";
    public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
    public static final String TOPIC_PREFIX = TopicCatalogue.PREFIX_CONFIG;
    public static final String TOPIC_REPLICATION_FACTOR = "topics.replication.factor";
    public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
    public static final String USE_LATEST_VERSION = "use.latest.version";

    /** Keys starting with this go to the Kafka clients, with the prefix removed. */
    public static final String KAFKA_PREFIX = "kafka.";

    /** Keys starting with these go to the schema registry client and serdes unchanged. */
    public static final String[] REGISTRY_PREFIXES = {"schema.registry.", "basic.auth."};

    private static final ConfigDef BASE = buildBase();

    public K8smConfig(Map<?, ?> originals) {
        this(BASE, originals);
    }

    public K8smConfig(ConfigDef definition, Map<?, ?> originals) {
        super(definition, originals, false);
        rejectUnknownKeys(definition, originals);
    }

    /** A fresh copy of the shared definition, to which a component may add its own keys. */
    public static ConfigDef baseDefinition() {
        return new ConfigDef(BASE);
    }

    private static ConfigDef buildBase() {
        return new ConfigDef()
                .define(
                        BOOTSTRAP_SERVERS,
                        Type.LIST,
                        "localhost:9092",
                        nonEmptyList("host:port[,host:port...]"),
                        Importance.HIGH,
                        "Kafka brokers to bootstrap from, host:port[,host:port...].")
                .define(
                        SCHEMA_REGISTRY_URL,
                        Type.LIST,
                        "http://localhost:8081",
                        nonEmptyList("http(s)://host:port[/path][,...]"),
                        Importance.HIGH,
                        "Confluent-compatible schema registry base URL(s), comma separated; tried in turn.")
                .define(
                        TOPIC_PREFIX,
                        Type.STRING,
                        "k8sm.",
                        Importance.MEDIUM,
                        "Prefix of every k8sm topic name (pods becomes <prefix>pods).")
                .define(
                        TOPIC_REPLICATION_FACTOR,
                        Type.SHORT,
                        (short) -1,
                        atLeast(-1),
                        Importance.MEDIUM,
                        "Replication factor for topics that k8sm creates; -1 uses the broker's default.")
                .define(
                        AUTO_REGISTER_SCHEMAS,
                        Type.BOOLEAN,
                        true,
                        Importance.LOW,
                        "Register a record's schema on first write (Confluent's auto.register.schemas).")
                .define(
                        USE_LATEST_VERSION,
                        Type.BOOLEAN,
                        false,
                        Importance.LOW,
                        "Write with the subject's latest registered schema instead of registering (Confluent's"
                                + " use.latest.version).");
    }

    private static ConfigDef.Validator nonEmptyList(String form) {
        return (name, value) -> {
            if (value == null || ((java.util.List<?>) value).isEmpty()) {
                throw new ConfigException(name, value, "expected " + form);
            }
        };
    }

    private static ConfigDef.Validator atLeast(int min) {
        return ConfigDef.Range.atLeast(min);
    }

    /**
     * The key prefixes of the components. One file or environment may configure every component; a
     * component ignores keys under another component's prefix, and rejects unknown keys under its
     * own.
     */
    public static final java.util.List<String> COMPONENT_PREFIXES =
            java.util.List.of("scheduler.", "endpoints.", "mesos.", "ingest.", "launcher.", "kube.", "demo.");

    private static void rejectUnknownKeys(ConfigDef definition, Map<?, ?> originals) {
        for (Object k : originals.keySet()) {
            String key = String.valueOf(k);
            if (!definition.names().contains(key)
                    && !isPassThrough(key)
                    && !belongsToAnotherComponent(definition, key)) {
                throw new ConfigException("Unknown configuration key '"
                        + key
                        + "'. Known keys: "
                        + new java.util.TreeSet<>(definition.names())
                        + ", or any key starting with "
                        + KAFKA_PREFIX
                        + ", "
                        + String.join(", ", REGISTRY_PREFIXES));
            }
        }
    }

    private static boolean belongsToAnotherComponent(ConfigDef definition, String key) {
        for (String prefix : COMPONENT_PREFIXES) {
            if (key.startsWith(prefix)) {
                return definition.names().stream().noneMatch(n -> n.startsWith(prefix));
            }
        }
        return false;
    }

    /**
     * True for keys that are passed through to the Kafka or registry clients or the topic catalogue.
     */
    public static boolean isPassThrough(String key) {
        if (key.startsWith(KAFKA_PREFIX) || isTopicOverride(key)) {
            return true;
        }
        for (String p : REGISTRY_PREFIXES) {
            if (key.startsWith(p) && !key.equals(SCHEMA_REGISTRY_URL)) {
                return true;
            }
        }
        return false;
    }

    /** {@code topics.<logical>.name} and {@code topics.<logical>.partitions}: per-topic overrides. */
    private static boolean isTopicOverride(String key) {
        return key.startsWith("topics.") && (key.endsWith(".name") || key.endsWith(".partitions"));
    }

    /**
     * The topic catalogue: {@code topics.prefix} plus per-topic overrides {@code
     * topics.<logical>.name} / {@code topics.<logical>.partitions}; a bad override is a {@link
     * ConfigException} naming the key.
     */
    public TopicCatalogue topics() {
        Map<String, String> m = new TreeMap<>();
        originalsStrings().forEach((k, v) -> {
            if (isTopicOverride(k)) {
                m.put(k, v);
            }
        });
        m.put(TopicCatalogue.PREFIX_CONFIG, topicPrefix());
        try {
            return TopicCatalogue.fromConfig(m);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    public String bootstrapServers() {
        return String.join(",", getList(BOOTSTRAP_SERVERS));
    }

    public String schemaRegistryUrl() {
        return String.join(",", getList(SCHEMA_REGISTRY_URL));
    }

    public String topicPrefix() {
        return getString(TOPIC_PREFIX);
    }

    public short topicReplicationFactor() {
        return getShort(TOPIC_REPLICATION_FACTOR);
    }

    /**
     * Properties for any Kafka client: bootstrap servers plus every {@code kafka.*} key, unprefixed.
     */
    public Properties kafkaProperties() {
        Properties p = new Properties();
        p.putAll(originalsWithPrefix(KAFKA_PREFIX));
        p.put(BOOTSTRAP_SERVERS, bootstrapServers());
        return p;
    }

    /** Configuration for the registry client and the Avro serdes (Confluent key names). */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> m = new TreeMap<>();
        for (String p : REGISTRY_PREFIXES) {
            originalsWithPrefix(p, false).forEach(m::put);
        }
        m.put(SCHEMA_REGISTRY_URL, schemaRegistryUrl());
        m.put(AUTO_REGISTER_SCHEMAS, getBoolean(AUTO_REGISTER_SCHEMAS));
        m.put(USE_LATEST_VERSION, getBoolean(USE_LATEST_VERSION));
        return m;
    }
}
