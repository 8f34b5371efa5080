package io.k8sm.sandbox.schemaregistry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's state, kept in memory and persisted in a compacted single-partition Kafka topic.
 *
 * <p>Every change is one record, written with {@code acks=all} and awaited before the state changes
 * and before the caller answers. On start the topic is read from the beginning to its end offset,
 * which rebuilds subjects, versions, ids and configs exactly, so ids survive a restart.
 *
 * <p>Record shapes (JSON, keys with a fixed field order so compaction keeps the latest per key):
 *
 * <pre>
 * key   {"keytype":"SCHEMA","subject":S,"version":V,"magic":1}
 * value {"subject":S,"version":V,"id":N,"schemaType":"AVRO","schema":TEXT,"deleted":false}
 * key   {"keytype":"CONFIG","subject":S|null,"magic":0}
 * value {"compatibilityLevel":LEVEL}
 * </pre>
 *
 * <p><b>Single writer.</b> Ids are allocated as max+1 from this instance's memory, so exactly one
 * registry instance may write to a topic at a time (a restart, or a successor, is fine; two live
 * writers would allocate the same id). All operations are serialised on this object.
 */
final class SchemaStore implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SchemaStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration LOAD_TIMEOUT = Duration.ofSeconds(60);

    /** One registered (subject, version). */
    record Version(String subject, int version, int id, String schema) {}

    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Duration writeTimeout;

    private final Map<Integer, String> schemaById = new HashMap<>();
    private final Map<String, Integer> idBySchema = new HashMap<>();
    private final Map<String, TreeMap<Integer, Version>> subjects = new TreeMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
    private int maxId;

    private SchemaStore(String topic, KafkaProducer<byte[], byte[]> producer, Duration writeTimeout) {
        this.topic = topic;
        this.producer = producer;
        this.writeTimeout = writeTimeout;
    }

    /** Creates the topic if missing, reads it to the end, and returns a store ready to write. */
    static SchemaStore open(
            String bootstrapServers, String topic, Duration writeTimeout, Map<String, Object> clientOverrides) {
        Map<String, Object> common = new HashMap<>();
        common.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        common.putAll(clientOverrides);
        SchemaTopic.ensure(common, topic, LOAD_TIMEOUT);

        Map<String, Object> p = new HashMap<>(common);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, writeTimeout.toMillis());
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        SchemaStore store = new SchemaStore(topic, new KafkaProducer<>(p), writeTimeout);
        try {
            store.load(common);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return store;
    }

    private void load(Map<String, Object> common) {
        int records = SchemaTopic.readAll(common, topic, LOAD_TIMEOUT, this::apply);
        log.info(
                "Schema topic {} loaded: {} records, {} schemas, {} subjects, max id {}",
                topic,
                records,
                schemaById.size(),
                subjects.size(),
                maxId);
    }

    private void apply(ConsumerRecord<byte[], byte[]> r) {
        try {
            JsonNode key = JSON.readTree(r.key());
            String keyType = key.path("keytype").asText();
            JsonNode subjectNode = key.get("subject");
            String subject = subjectNode == null || subjectNode.isNull() ? null : subjectNode.asText();
            switch (keyType) {
                case "SCHEMA" -> {
                    if (r.value() == null) {
                        return; // a tombstone; hard deletion is not supported here, nothing to undo
                    }
                    JsonNode v = JSON.readTree(r.value());
                    applySchema(new Version(
                            v.get("subject").asText(),
                            v.get("version").asInt(),
                            v.get("id").asInt(),
                            v.get("schema").asText()));
                }
                case "CONFIG" -> {
                    if (r.value() == null) {
                        applyConfig(subject, null);
                    } else {
                        applyConfig(
                                subject,
                                CompatibilityLevel.parse(JSON.readTree(r.value())
                                        .get("compatibilityLevel")
                                        .asText()));
                    }
                }
                default ->
                    log.warn(
                            "Skipping a record of unknown keytype '{}' at {}-{}@{}",
                            keyType,
                            r.topic(),
                            r.partition(),
                            r.offset());
            }
        } catch (java.io.IOException | RuntimeException e) {
            throw new IllegalStateException(
                    "Unreadable record in the schema topic at "
                            + r.topic()
                            + "-"
                            + r.partition()
                            + "@"
                            + r.offset()
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    private void applySchema(Version v) {
        schemaById.put(v.id(), v.schema());
        idBySchema.putIfAbsent(v.schema(), v.id());
        subjects.computeIfAbsent(v.subject(), s -> new TreeMap<>()).put(v.version(), v);
        maxId = Math.max(maxId, v.id());
    }

    private void applyConfig(String subject, CompatibilityLevel level) {
        if (subject == null) {
            globalLevel = level == null ? CompatibilityLevel.BACKWARD : level;
        } else if (level == null) {
            subjectLevels.remove(subject);
        } else {
            subjectLevels.put(subject, level);
        }
    }

    // ---- reads ----

    synchronized List<String> subjects() {
        return new ArrayList<>(subjects.keySet());
    }

    synchronized List<Integer> versions(String subject) {
        return new ArrayList<>(versionsOf(subject).keySet());
    }

    /** {@code version} is a number, "latest" or "-1". */
    synchronized Version version(String subject, String version) {
        TreeMap<Integer, Version> versions = versionsOf(subject);
        if ("latest".equals(version) || "-1".equals(version)) {
            return versions.lastEntry().getValue();
        }
        Version v = versions.get(parseVersion(version));
        if (v == null) {
            throw RegistryException.versionNotFound(subject, version);
        }
        return v;
    }

    synchronized String schemaById(int id) {
        String s = schemaById.get(id);
        if (s == null) {
            throw RegistryException.schemaNotFound("id " + id);
        }
        return s;
    }

    synchronized List<Version> versionsOfId(int id) {
        schemaById(id);
        List<Version> out = new ArrayList<>();
        subjects.values()
                .forEach(vs -> vs.values().stream().filter(v -> v.id() == id).forEach(out::add));
        return out;
    }

    /** The version under {@code subject} holding this schema. */
    synchronized Version lookup(String subject, String schemaText) {
        TreeMap<Integer, Version> versions = versionsOf(subject);
        String canonical = canonical(parse(schemaText));
        return versions.values().stream()
                .filter(v -> v.schema().equals(canonical))
                .findFirst()
                .orElseThrow(() -> RegistryException.schemaNotFound("this schema under subject '" + subject + "'"));
    }

    synchronized CompatibilityLevel globalLevel() {
        return globalLevel;
    }

    /** The subject's own level, if one was set. */
    synchronized Optional<CompatibilityLevel> subjectLevel(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    synchronized CompatibilityLevel effectiveLevel(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    /**
     * Problems of {@code schemaText} against {@code version} ("latest" uses the subject's level:
     * transitive levels compare with all versions) of {@code subject}; empty when compatible.
     */
    synchronized List<String> compatibilityProblems(String subject, String version, String schemaText) {
        Schema candidate = parse(schemaText);
        CompatibilityLevel level = effectiveLevel(subject);
        TreeMap<Integer, Version> versions = versionsOf(subject);
        List<Schema> against;
        if (version == null || "latest".equals(version) || "-1".equals(version)) {
            against = versions.values().stream().map(v -> parse(v.schema())).toList();
        } else {
            against = List.of(parse(version(subject, version).schema()));
        }
        return level.problems(candidate, against);
    }

    // ---- writes ----

    /**
     * Registers the schema under the subject and returns its id (an existing one when already known).
     */
    synchronized int register(String subject, String schemaText) {
        String canonical = canonical(parse(schemaText));
        TreeMap<Integer, Version> versions = subjects.get(subject);
        if (versions != null) {
            for (Version v : versions.values()) {
                if (v.schema().equals(canonical)) {
                    return v.id();
                }
            }
            List<Schema> existing =
                    versions.values().stream().map(v -> parse(v.schema())).toList();
            List<String> problems = effectiveLevel(subject).problems(parse(canonical), existing);
            if (!problems.isEmpty()) {
                throw RegistryException.incompatible(subject, String.join("; ", problems));
            }
        }
        int id = idBySchema.getOrDefault(canonical, maxId + 1);
        int version = versions == null ? 1 : versions.lastKey() + 1;
        Version v = new Version(subject, version, id, canonical);
        ObjectNode key = JSON.createObjectNode()
                .put("keytype", "SCHEMA")
                .put("subject", subject)
                .put("version", version)
                .put("magic", 1);
        ObjectNode value = JSON.createObjectNode()
                .put("subject", subject)
                .put("version", version)
                .put("id", id)
                .put("schemaType", "AVRO")
                .put("schema", canonical)
                .put("deleted", false);
        write(key, value, "schema version " + version + " of subject '" + subject + "'");
        applySchema(v);
        log.debug("Registered subject {} version {} id {}", subject, version, id);
        return id;
    }

    /** Sets the global level ({@code subject == null}) or a subject's level. */
    synchronized void setLevel(String subject, CompatibilityLevel level) {
        ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG");
        if (subject == null) {
            key.putNull("subject");
        } else {
            key.put("subject", subject);
        }
        key.put("magic", 0);
        ObjectNode value = JSON.createObjectNode().put("compatibilityLevel", level.name());
        write(
                key,
                value,
                subject == null ? "the global compatibility level" : "the compatibility level of '" + subject + "'");
        applyConfig(subject, level);
    }

    private void write(JsonNode key, JsonNode value, String what) {
        try {
            byte[] k = JSON.writeValueAsString(key).getBytes(StandardCharsets.UTF_8);
            byte[] v = JSON.writeValueAsString(value).getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(topic, 0, k, v)).get(writeTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (JsonProcessingException e) {
            throw RegistryException.storeError("cannot encode " + what, e);
        } catch (ExecutionException | org.apache.kafka.common.KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (cause instanceof org.apache.kafka.common.errors.RecordTooLargeException) {
                throw new RegistryException(
                        413,
                        413,
                        "Request Entity Too Large: " + what + " is larger than topic '" + topic + "' takes",
                        cause);
            }
            throw RegistryException.storeError("writing " + what + " to topic '" + topic + "' failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw RegistryException.storeTimeout(
                    "writing "
                            + what
                            + " to topic '"
                            + topic
                            + "' took more than "
                            + writeTimeout
                            + " (the record may still land; the registry state is then behind the topic until a restart)",
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw RegistryException.storeError("interrupted while writing " + what, e);
        }
    }

    private TreeMap<Integer, Version> versionsOf(String subject) {
        TreeMap<Integer, Version> versions = subjects.get(subject);
        if (versions == null || versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return versions;
    }

    static int parseVersion(String version) {
        try {
            int v = Integer.parseInt(version);
            if (v < 1) {
                throw RegistryException.invalidVersion(version);
            }
            return v;
        } catch (NumberFormatException e) {
            throw RegistryException.invalidVersion(version);
        }
    }

    static Schema parse(String schemaText) {
        if (schemaText == null || schemaText.isBlank()) {
            throw RegistryException.invalidSchema("the schema is empty", null);
        }
        try {
            return new Schema.Parser().parse(schemaText);
        } catch (RuntimeException e) { // any failure of the pure parse means the text is not a valid Avro schema
            throw RegistryException.invalidSchema(e.getMessage(), e);
        }
    }

    /**
     * Avro's normalised JSON of the parsed schema: the same schema written differently has one
     * identity.
     */
    static String canonical(Schema schema) {
        return schema.toString();
    }

    @Override
    public void close() {
        // Nothing is left to flush (each write was awaited); do not hang on an unreachable broker.
        producer.close(writeTimeout.compareTo(Duration.ofSeconds(5)) < 0 ? writeTimeout : Duration.ofSeconds(5));
    }
}
