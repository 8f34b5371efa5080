package io.k8sm.errors;

import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.apache.kafka.common.errors.SerializationException;

/**
 * Base of every error the serde and the registry client raise. It extends Kafka's {@link
 * SerializationException}, so consumers and Kafka Streams treat it as a (de)serialization failure
 * and hand it to their deserialization exception handlers.
 *
 * <p>The message names what is known about the record at fault: the topic, whether it was the key
 * or the value, the schema id, and (when a caller knows them) the partition and offset. The
 * registry client raises these without a record context; the serde adds the context with {@link
 * #withRecordContext} before rethrowing the same instance, and consumers that know the coordinates
 * add them with {@link #at(int, long)}. Context that is already set is never overwritten.
 *
 * <p>{@link #isTransient()} separates the two kinds of failure a consumer must treat differently:
 * a transient one (the registry is unreachable, answers 5xx or 429, or refuses our credentials) is
 * not the record's fault, so the consumer must stall and retry the same record, never skip or
 * dead-letter it; any other one means the record itself cannot be read (dead-letter it and go on).
 * {@link #isTransient(Throwable)} answers the same for any throwable, looking through causes.
 */
public class SerdeException extends SerializationException {
    private static final long serialVersionUID = 1L;

    private final String detail;
    private volatile String topic;
    private volatile Boolean isKey;
    private volatile Integer schemaId;
    private volatile Integer partition;
    private volatile Long offset;

    protected SerdeException(String detail, Throwable cause) {
        super(detail, cause);
        this.detail = detail;
    }

    protected SerdeException(String topic, boolean isKey, Integer schemaId, String detail, Throwable cause) {
        this(detail, cause);
        this.topic = topic;
        this.isKey = isKey;
        this.schemaId = schemaId;
    }

    /**
     * Adds the record's topic, key/value side and schema id where not already known; returns this.
     */
    public SerdeException withRecordContext(String topic, boolean isKey, Integer schemaId) {
        if (this.topic == null) {
            this.topic = topic;
            this.isKey = isKey;
        }
        if (this.schemaId == null) {
            this.schemaId = schemaId;
        }
        return this;
    }

    /** Adds the record's partition and offset where not already known; returns this. */
    public SerdeException at(int partition, long offset) {
        if (this.partition == null) {
            this.partition = partition;
            this.offset = offset;
        }
        return this;
    }

    /**
     * Enriches any throwable with the record coordinates: a {@link SerdeException} gets them added in
     * place; anything else is wrapped in a {@link SerializationException} whose message names topic,
     * partition and offset.
     */
    public static RuntimeException atCoordinates(Throwable t, String topic, int partition, long offset) {
        if (t instanceof SerdeException se && se.topic().isPresent()) {
            return se.at(partition, offset);
        }
        return new SerializationException("record " + topic + "/" + partition + "@" + offset + ": " + t, t);
    }

    /**
     * Whether the fault lies outside the record (retrying the same bytes later may succeed): false
     * here, true for registry outages. Consumers stall and retry on a transient failure and
     * dead-letter the record otherwise.
     */
    public boolean isTransient() {
        return false;
    }

    /**
     * Whether {@code t}, or one of its causes, is a {@link SerdeException} that {@link
     * #isTransient()}. For handlers that receive wrapped exceptions (Kafka Streams' {@code
     * StreamsException}, {@code KafkaException}).
     */
    public static boolean isTransient(Throwable t) {
        Throwable c = t;
        for (int depth = 0; c != null && depth < 10; depth++) {
            if (c instanceof SerdeException se && se.isTransient()) {
                return true;
            }
            if (c.getCause() == c) {
                break;
            }
            c = c.getCause();
        }
        return false;
    }

    public Optional<String> topic() {
        return Optional.ofNullable(topic);
    }

    /** Whether the record's key (true) or value (false) was at fault; empty when unknown. */
    public Optional<Boolean> isKey() {
        return Optional.ofNullable(isKey);
    }

    public OptionalInt schemaId() {
        return schemaId == null ? OptionalInt.empty() : OptionalInt.of(schemaId);
    }

    public OptionalInt partition() {
        return partition == null ? OptionalInt.empty() : OptionalInt.of(partition);
    }

    public OptionalLong offset() {
        return offset == null ? OptionalLong.empty() : OptionalLong.of(offset);
    }

    /** The description of the fault without the record context. */
    public String detail() {
        return detail;
    }

    @Override
    public String getMessage() {
        StringBuilder sb = new StringBuilder();
        if (topic != null) {
            sb.append(Boolean.TRUE.equals(isKey) ? "key" : "value")
                    .append(" of topic '")
                    .append(topic)
                    .append('\'');
            if (partition != null) {
                sb.append(" partition ").append(partition).append(" offset ").append(offset);
            }
            if (schemaId != null) {
                sb.append(" (schema id ").append(schemaId).append(')');
            }
            sb.append(": ");
        } else if (schemaId != null) {
            sb.append("schema id ").append(schemaId).append(": ");
        }
        return sb.append(detail).toString();
    }
}
