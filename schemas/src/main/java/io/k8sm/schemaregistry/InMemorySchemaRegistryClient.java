package io.k8sm.schemaregistry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;

/**
 * A registry in memory with the semantics of the real one: global ids (the same schema gets the
 * same id in every subject), versions per subject numbered from 1, registration of an already
 * registered schema is idempotent, compatibility checked with Avro's own rules (default {@code
 * BACKWARD}), and the same error types as {@link RestSchemaRegistryClient}.
 *
 * <p>For tests (TopologyTestDriver) and the demo. Serdes configured with {@code
 * schema.registry.url=mock://<scope>} share the instance of that scope ({@link #scope(String)}), so
 * serdes that Kafka Streams instantiates by class name see the same registry as the test.
 */
public final class InMemorySchemaRegistryClient implements SchemaRegistryClient {
    public static final String MOCK_SCHEME = "mock://";
    private static final Map<String, InMemorySchemaRegistryClient> SCOPES = new ConcurrentHashMap<>();

    private final AtomicInteger nextId = new AtomicInteger(1);
    private final Map<Schema, Integer> ids = new HashMap<>();
    private final Map<Integer, Schema> schemas = new HashMap<>();
    private final Map<String, List<Integer>> subjectVersions = new HashMap<>();
    private final Map<String, CompatibilityLevel> compatibility = new HashMap<>();
    private final AtomicInteger calls = new AtomicInteger();

    /**
     * The shared instance for a {@code mock://<scope>} URL (the scope is the text after the scheme).
     */
    public static InMemorySchemaRegistryClient scope(String scope) {
        return SCOPES.computeIfAbsent(scope, s -> new InMemorySchemaRegistryClient());
    }

    /** Forgets a shared scope (tests call this in their clean-up). */
    public static void dropScope(String scope) {
        SCOPES.remove(scope);
    }

    /** How many registry operations were called; lets tests show that a serde's own caches hold. */
    public int calls() {
        return calls.get();
    }

    @Override
    public synchronized int register(String subject, Schema schema) {
        calls.incrementAndGet();
        List<Integer> versions = subjectVersions.computeIfAbsent(subject, s -> new ArrayList<>());
        Integer existing = ids.get(schema);
        if (existing != null && versions.contains(existing)) {
            return existing;
        }
        if (!versions.isEmpty() && !compatibleWith(subject, versions, schema)) {
            throw new IncompatibleSchemaException(
                    "POST /subjects/" + subject + "/versions",
                    409,
                    409,
                    "schema is incompatible with subject '" + subject + "' at level " + level(subject));
        }
        int id = existing != null ? existing : nextId.getAndIncrement();
        ids.put(schema, id);
        schemas.put(id, schema);
        versions.add(id);
        return id;
    }

    @Override
    public synchronized Schema getById(int id) {
        calls.incrementAndGet();
        Schema s = schemas.get(id);
        if (s == null) {
            throw new SchemaNotFoundException(
                    "GET /schemas/ids/" + id,
                    404,
                    SchemaRegistryException.SCHEMA_NOT_FOUND,
                    "Schema " + id + " not found");
        }
        return s;
    }

    @Override
    public synchronized int lookupId(String subject, Schema schema) {
        calls.incrementAndGet();
        List<Integer> versions = subjectVersions.get(subject);
        if (versions == null) {
            throw new SchemaNotFoundException(
                    "POST /subjects/" + subject,
                    404,
                    SchemaRegistryException.SUBJECT_NOT_FOUND,
                    "Subject '" + subject + "' not found.");
        }
        Integer id = ids.get(schema);
        if (id == null || !versions.contains(id)) {
            throw new SchemaNotFoundException(
                    "POST /subjects/" + subject, 404, SchemaRegistryException.SCHEMA_NOT_FOUND, "Schema not found");
        }
        return id;
    }

    @Override
    public synchronized SchemaVersion getVersion(String subject, String version) {
        calls.incrementAndGet();
        List<Integer> versions = subjectVersions.get(subject);
        String request = "GET /subjects/" + subject + "/versions/" + version;
        if (versions == null || versions.isEmpty()) {
            throw new SchemaNotFoundException(
                    request, 404, SchemaRegistryException.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
        }
        int v = LATEST.equals(version) ? versions.size() : Integer.parseInt(version);
        if (v < 1 || v > versions.size()) {
            throw new SchemaNotFoundException(
                    request, 404, SchemaRegistryException.VERSION_NOT_FOUND, "Version " + version + " not found.");
        }
        int id = versions.get(v - 1);
        return new SchemaVersion(subject, v, id, schemas.get(id));
    }

    @Override
    public synchronized List<String> subjects() {
        calls.incrementAndGet();
        return subjectVersions.keySet().stream().sorted().toList();
    }

    @Override
    public synchronized void setCompatibility(String subject, CompatibilityLevel level) {
        calls.incrementAndGet();
        compatibility.put(subject, level);
    }

    @Override
    public synchronized boolean isCompatible(String subject, String version, Schema schema) {
        SchemaVersion against = getVersion(subject, version);
        return compatible(level(subject), List.of(against.schema()), schema);
    }

    private CompatibilityLevel level(String subject) {
        return compatibility.getOrDefault(subject, CompatibilityLevel.BACKWARD);
    }

    private boolean compatibleWith(String subject, List<Integer> versions, Schema schema) {
        CompatibilityLevel level = level(subject);
        boolean transitive = level.name().endsWith("_TRANSITIVE");
        List<Schema> against = transitive
                ? versions.stream().map(schemas::get).toList()
                : List.of(schemas.get(versions.get(versions.size() - 1)));
        return compatible(level, against, schema);
    }

    private static boolean compatible(CompatibilityLevel level, List<Schema> existing, Schema candidate) {
        for (Schema old : existing) {
            boolean backward = SchemaCompatibility.checkReaderWriterCompatibility(candidate, old)
                            .getType()
                    == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
            boolean forward = SchemaCompatibility.checkReaderWriterCompatibility(old, candidate)
                            .getType()
                    == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
            boolean ok = switch (level) {
                case NONE -> true;
                case BACKWARD, BACKWARD_TRANSITIVE -> backward;
                case FORWARD, FORWARD_TRANSITIVE -> forward;
                case FULL, FULL_TRANSITIVE -> backward && forward;
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}
