package io.k8sm.topics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The deployed names and partition counts of the k8sm topics. Immutable.
 *
 * <p>A topic's name is the prefix (default {@value #DEFAULT_PREFIX}) followed by its logical name,
 * unless the deployment overrides it: an override is used verbatim, without the prefix.
 *
 * <pre>{@code
 * TopicCatalogue topics = TopicCatalogue.builder().prefix("prod.").name(Topic.PODS, "k8s-pods").build();
 * topics.name(Topic.OFFERS);            // "prod.offers"
 * topics.name(Topic.PODS);              // "k8s-pods"
 * admin.createTopics(topics.all((short) 3));
 * }</pre>
 */
public final class TopicCatalogue {

    /** The default name prefix. */
    public static final String DEFAULT_PREFIX = "k8sm.";

    /** Config key for {@link #fromConfig}: the name prefix. */
    public static final String PREFIX_CONFIG = "topics.prefix";

    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]+");
    private static final int MAX_NAME_LENGTH = 249;

    private final String prefix;
    private final Map<Topic, String> names;
    private final Map<Topic, Integer> partitions;
    private final Map<String, Topic> byName;

    private TopicCatalogue(String prefix, Map<Topic, String> nameOverrides, Map<Topic, Integer> partitionOverrides) {
        this.prefix = prefix;
        Map<Topic, String> n = new EnumMap<>(Topic.class);
        Map<Topic, Integer> p = new EnumMap<>(Topic.class);
        Map<String, Topic> reverse = new HashMap<>();
        for (Topic topic : Topic.values()) {
            String name = nameOverrides.getOrDefault(topic, prefix + topic.logicalName());
            requireLegalName(topic, name);
            Topic clash = reverse.putIfAbsent(name, topic);
            if (clash != null) {
                throw new IllegalArgumentException(
                        "topics " + clash + " and " + topic + " would both be named '" + name + "'");
            }
            n.put(topic, name);
            p.put(topic, partitionOverrides.getOrDefault(topic, topic.defaultPartitions()));
        }
        this.names = Collections.unmodifiableMap(n);
        this.partitions = Collections.unmodifiableMap(p);
        this.byName = Map.copyOf(reverse);
    }

    /** The catalogue with the default prefix and no overrides. */
    public static TopicCatalogue defaults() {
        return builder().build();
    }

    /** The catalogue with this prefix and no overrides. */
    public static TopicCatalogue withPrefix(String prefix) {
        return builder().prefix(prefix).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A catalogue from configuration entries: {@value #PREFIX_CONFIG} for the prefix, {@code
     * topics.<logical-name>.name} for a name and {@code topics.<logical-name>.partitions} for a
     * partition count (e.g. {@code topics.task-status.name=mesos-status}). Other keys are ignored.
     *
     * @throws IllegalArgumentException naming the key when it names no topic or its value is invalid
     */
    public static TopicCatalogue fromConfig(Map<String, String> config) {
        Builder builder = builder();
        config.forEach((key, value) -> {
            if (key.equals(PREFIX_CONFIG)) {
                builder.prefix(value);
            } else if (key.startsWith("topics.") && (key.endsWith(".name") || key.endsWith(".partitions"))) {
                boolean isName = key.endsWith(".name");
                String logical = key.substring("topics.".length(), key.lastIndexOf('.'));
                Topic topic = Topic.byLogicalName(logical)
                        .orElseThrow(() -> new IllegalArgumentException("config key "
                                + key
                                + " names no topic: '"
                                + logical
                                + "' is not one of "
                                + logicalNames()));
                if (isName) {
                    builder.name(topic, value);
                } else {
                    try {
                        builder.partitions(topic, Integer.parseInt(value.trim()));
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException(
                                "config key " + key + ": '" + value + "' is not a number", e);
                    }
                }
            }
        });
        return builder.build();
    }

    public String prefix() {
        return prefix;
    }

    /** The deployed name of a topic. */
    public String name(Topic topic) {
        return names.get(Objects.requireNonNull(topic, "topic"));
    }

    /** The topic deployed under this name, if any. */
    public Optional<Topic> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The partition count a topic is created with. */
    public int partitions(Topic topic) {
        return partitions.get(Objects.requireNonNull(topic, "topic"));
    }

    /** Every topic's deployed name, in catalogue order. */
    public Map<Topic, String> names() {
        return names;
    }

    /** The admin request that creates a topic with its name, partitions and configs. */
    public NewTopic newTopic(Topic topic, short replicationFactor) {
        if (replicationFactor == -1) {
            return new NewTopic(name(topic), Optional.of(partitions(topic)), Optional.empty()).configs(topic.configs());
        }
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor of "
                    + topic
                    + " must be at least 1, or -1 for the broker's default, not "
                    + replicationFactor);
        }
        return new NewTopic(name(topic), partitions(topic), replicationFactor).configs(topic.configs());
    }

    /** The admin requests that create every topic. */
    public List<NewTopic> all(short replicationFactor) {
        List<NewTopic> all = new ArrayList<>();
        for (Topic topic : Topic.values()) {
            all.add(newTopic(topic, replicationFactor));
        }
        return List.copyOf(all);
    }

    @Override
    public String toString() {
        return "TopicCatalogue" + names;
    }

    private static void requireLegalName(Topic topic, String name) {
        if (name.isEmpty()
                || name.length() > MAX_NAME_LENGTH
                || !LEGAL.matcher(name).matches()
                || name.equals(".")
                || name.equals("..")) {
            throw new IllegalArgumentException("illegal Kafka topic name '"
                    + name
                    + "' for "
                    + topic
                    + ": use 1-"
                    + MAX_NAME_LENGTH
                    + " of [a-zA-Z0-9._-], not '.' or '..'");
        }
    }

    private static List<String> logicalNames() {
        return java.util.Arrays.stream(Topic.values()).map(Topic::logicalName).toList();
    }

    /** Builds a {@link TopicCatalogue}; validation happens in {@link #build()}. */
    public static final class Builder {
        private String prefix = DEFAULT_PREFIX;
        private final Map<Topic, String> names = new EnumMap<>(Topic.class);
        private final Map<Topic, Integer> partitions = new EnumMap<>(Topic.class);

        private Builder() {}

        /** The prefix of every name that is not overridden; may be empty. */
        public Builder prefix(String prefix) {
            this.prefix = Objects.requireNonNull(prefix, "prefix");
            return this;
        }

        /** Names a topic exactly this (no prefix is added). */
        public Builder name(Topic topic, String name) {
            names.put(Objects.requireNonNull(topic, "topic"), Objects.requireNonNull(name, "name of " + topic));
            return this;
        }

        /** Creates a topic with this many partitions instead of its default. */
        public Builder partitions(Topic topic, int count) {
            if (count < 1) {
                throw new IllegalArgumentException("partitions of " + topic + " must be at least 1, not " + count);
            }
            partitions.put(Objects.requireNonNull(topic, "topic"), count);
            return this;
        }

        /**
         * @throws IllegalArgumentException when a name is illegal or two topics share a name
         */
        public TopicCatalogue build() {
            return new TopicCatalogue(prefix, names, partitions);
        }
    }
}
