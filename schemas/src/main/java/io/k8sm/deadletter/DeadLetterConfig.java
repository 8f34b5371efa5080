package io.k8sm.deadletter;

import io.k8sm.avro.DeadLetter;
import io.k8sm.schemaregistry.RegistryClientConfig;
import io.k8sm.serde.AvroSerializer;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Configuration of the Streams dead-letter handlers, read from the Streams config map: how they
 * encode the dead-letter records they hand to Kafka Streams ({@link #record}), and the
 * process-wide publishers that {@link SafeRecordLoop} users share (one producer per bootstrap
 * servers, topic and application, created on the first failure, so healthy applications open no
 * extra producer).
 */
public final class DeadLetterConfig {
    /** The dead-letter topic (default {@value DeadLetters#DEFAULT_TOPIC}). */
    public static final String TOPIC = "k8sm.dead.letter.topic";

    /**
     * A {@link DeadLetterPublisher} instance to use instead of building one (tests, shared
     * producers).
     */
    public static final String PUBLISHER = "k8sm.dead.letter.publisher";

    /**
     * How long a handler waits for the dead letter's acknowledgement before failing the application
     * (default 30000).
     */
    public static final String TIMEOUT_MS = "k8sm.dead.letter.timeout.ms";

    /**
     * Prefix of producer settings for the handlers' own producer, e.g. {@code
     * k8sm.dead.letter.producer.linger.ms}.
     */
    public static final String PRODUCER_PREFIX = "k8sm.dead.letter.producer.";

    private static final Map<String, DeadLetterPublisher> SHARED = new ConcurrentHashMap<>();

    private final Map<String, Object> configs;
    private final String topic;
    private final String application;
    private final long timeoutMs;
    private volatile DeadLetterPublisher publisher;
    private volatile AvroSerializer<DeadLetter> encoder;

    DeadLetterConfig(Map<String, ?> configs) {
        this.configs = new HashMap<>(configs);
        Object p = configs.get(PUBLISHER);
        if (p != null && !(p instanceof DeadLetterPublisher)) {
            throw new ConfigException(PUBLISHER, p, "expected a " + DeadLetterPublisher.class.getName() + " instance");
        }
        this.publisher = (DeadLetterPublisher) p;
        this.topic = p != null
                ? ((DeadLetterPublisher) p).topic()
                : String.valueOf(configs.get(TOPIC) == null ? DeadLetters.DEFAULT_TOPIC : configs.get(TOPIC));
        Object app = configs.get("application.id");
        this.application = app == null ? "(unknown application)" : app.toString();
        Object t = configs.get(TIMEOUT_MS);
        try {
            this.timeoutMs = t == null ? 30_000 : Long.parseLong(t.toString().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(TIMEOUT_MS, t, "expected milliseconds as an integer");
        }
    }

    /**
     * Registers the {@code DeadLetter} schema now, so that encoding a dead letter inside a handler
     * needs no registry call; if the registry cannot be reached it is tried again on first use.
     */
    void registerSchema() {
        if (publisher != null) {
            return;
        }
        try {
            record(DeadLetters.unnoted(
                    topic,
                    -1,
                    -1,
                    -1,
                    null,
                    null,
                    null,
                    new IllegalStateException("schema check"),
                    application,
                    java.time.Instant.EPOCH));
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(DeadLetterConfig.class)
                    .warn("cannot register the DeadLetter schema for {} yet: {}", topic, e.toString());
        }
    }

    /**
     * The dead-letter record, encoded, for Kafka Streams to send through the task's own producer
     * (inside its transaction under exactly-once): key {@code topic/partition/offset}, value the
     * Avro {@code DeadLetter} in the Confluent wire format.
     */
    ProducerRecord<byte[], byte[]> record(DeadLetter letter) {
        DeadLetterPublisher p = publisher;
        if (p != null) {
            return p.toProducerRecord(letter);
        }
        AvroSerializer<DeadLetter> e = encoder;
        if (e == null) {
            if (!configs.containsKey(RegistryClientConfig.URL)) {
                throw new ConfigException(
                        RegistryClientConfig.URL,
                        null,
                        "the dead-letter handlers encode dead letters in Avro and need the registry URL");
            }
            e = new AvroSerializer<>();
            e.configure(configs, false);
            encoder = e;
        }
        return new ProducerRecord<>(topic, null, DeadLetters.keyBytes(letter), e.serialize(topic, letter));
    }

    String application() {
        return application;
    }

    long timeoutMs() {
        return timeoutMs;
    }

    DeadLetterPublisher publisher() {
        DeadLetterPublisher p = publisher;
        if (p == null) {
            Object bootstrap = configs.get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG);
            if (bootstrap == null) {
                throw new ConfigException(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        null,
                        "the dead-letter handlers need the brokers' host:port list to write to "
                                + topic
                                + " (or set "
                                + PUBLISHER
                                + ")");
            }
            String key = bootstrap + "|" + topic + "|" + application;
            p = SHARED.computeIfAbsent(key, k -> create(bootstrap));
            publisher = p;
        }
        return p;
    }

    private DeadLetterPublisher create(Object bootstrap) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        configs.forEach((k, v) -> {
            if (k.startsWith("security.") || k.startsWith("ssl.") || k.startsWith("sasl.")) {
                props.put(k, v);
            }
        });
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, application + "-dead-letters");
        configs.forEach((k, v) -> {
            if (k.startsWith(PRODUCER_PREFIX)) {
                props.put(k.substring(PRODUCER_PREFIX.length()), v);
            }
        });
        AvroSerializer<DeadLetter> serializer = new AvroSerializer<>();
        if (!configs.containsKey(RegistryClientConfig.URL)) {
            throw new ConfigException(
                    RegistryClientConfig.URL,
                    null,
                    "the dead-letter handlers encode dead letters in Avro and need the registry URL");
        }
        serializer.configure(configs, false);
        return new DeadLetterPublisher(
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer()),
                topic,
                serializer,
                Clock.systemUTC(),
                true);
    }

    /** Closes the producers the handlers opened in this process (call on application shutdown). */
    public static void closeSharedPublishers() {
        SHARED.values().forEach(DeadLetterPublisher::close);
        SHARED.clear();
    }
}
