package io.k8sm.sandbox.junit;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * What a test gets from {@link KafkaWorldExtension}: a running Kafka broker (single node, with
 * transactions usable) and a Confluent-compatible schema registry storing its schemas on it.
 *
 * <p>The world is shared by every test class in the JVM run: give topics and consumer groups names
 * unique to the test.
 */
public final class KafkaWorld {

    /** How the broker of this world was made. */
    public enum Kind {
        EMBEDDED,
        TESTCONTAINERS
    }

    private final Kind kind;
    private final String bootstrapServers;
    private final String registryUrl;

    KafkaWorld(Kind kind, String bootstrapServers, String registryUrl) {
        this.kind = kind;
        this.bootstrapServers = bootstrapServers;
        this.registryUrl = registryUrl;
    }

    public Kind kind() {
        return kind;
    }

    /** For {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** {@code http://host:port} of the schema registry, for {@code schema.registry.url}. */
    public String registryUrl() {
        return registryUrl;
    }

    /** A new {@link Admin} on the broker; the caller closes it. */
    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /**
     * Creates a topic (replication factor 1; {@code cleanup.policy=compact} when asked) and waits for
     * it. A topic that already exists is left as it is.
     */
    public void createTopic(String name, int partitions, boolean compacted) {
        NewTopic topic = new NewTopic(name, Optional.of(partitions), Optional.of((short) 1));
        if (compacted) {
            topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        }
        try (Admin admin = admin()) {
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(
                        "Creating topic '" + name + "' on " + bootstrapServers + " failed: " + e.getCause(),
                        e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Creating topic '" + name + "' on " + bootstrapServers + " timed out", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic '" + name + "'", e);
        }
    }

    /**
     * Consumer settings: bootstrap servers, the group, {@code auto.offset.reset=earliest} and {@code
     * isolation.level=read_committed}. Add the deserializers. A fresh copy each call.
     */
    public Properties consumerProps(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        return p;
    }

    /**
     * Producer settings: bootstrap servers, {@code acks=all}, idempotence. Add the serializers. A
     * fresh copy each call.
     */
    public Properties producerProps() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return p;
    }

    @Override
    public String toString() {
        return "KafkaWorld[" + kind + ", kafka " + bootstrapServers + ", registry " + registryUrl + "]";
    }
}
