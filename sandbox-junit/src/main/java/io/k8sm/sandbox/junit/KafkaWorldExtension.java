package io.k8sm.sandbox.junit;

import io.k8sm.sandbox.kafka.EmbeddedKafka;
import io.k8sm.sandbox.schemaregistry.EmbeddedSchemaRegistry;
import java.util.Locale;
import org.apache.kafka.common.utils.internals.AppInfoParser;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Resolves {@link KafkaWorld} parameters. The world is started once per JVM run, kept in the root
 * {@link ExtensionContext} store and stopped when the run ends.
 *
 * <p>Which broker: the system property {@code k8sm.sandbox.kafka} or the environment variable
 * {@code K8SM_SANDBOX_KAFKA} ({@code embedded}, {@code testcontainers} or {@code auto}, the
 * default). {@code auto} uses Testcontainers' Kafka ({@code apache/kafka} at the version of the
 * Kafka clients on the class path) when a Docker engine answers, and the in-process {@link
 * EmbeddedKafka} otherwise. Either way the {@link EmbeddedSchemaRegistry} runs on it.
 */
public final class KafkaWorldExtension implements ParameterResolver {

    private static final Logger log = LoggerFactory.getLogger(KafkaWorldExtension.class);
    public static final String MODE_PROPERTY = "k8sm.sandbox.kafka";
    public static final String MODE_ENV = "K8SM_SANDBOX_KAFKA";
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaWorldExtension.class);

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == KafkaWorld.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        try {
            return extensionContext
                    .getRoot()
                    .getStore(NAMESPACE)
                    .getOrComputeIfAbsent(Running.class, k -> start(), Running.class)
                    .world();
        } catch (RuntimeException e) {
            throw new ParameterResolutionException("Cannot start the Kafka world: " + e.getMessage(), e);
        }
    }

    /** The mode asked for: the system property, else the environment variable, else auto. */
    static String requestedMode() {
        String mode = System.getProperty(MODE_PROPERTY);
        if (mode == null || mode.isBlank()) {
            mode = System.getenv(MODE_ENV);
        }
        return mode == null || mode.isBlank() ? "auto" : mode.trim().toLowerCase(Locale.ROOT);
    }

    /** Which kind of broker the mode and the machine lead to. */
    static KafkaWorld.Kind chooseKind(String mode, java.util.function.BooleanSupplier dockerAvailable) {
        return switch (mode) {
            case "embedded" -> KafkaWorld.Kind.EMBEDDED;
            case "testcontainers" -> KafkaWorld.Kind.TESTCONTAINERS;
            case "auto" -> dockerAvailable.getAsBoolean() ? KafkaWorld.Kind.TESTCONTAINERS : KafkaWorld.Kind.EMBEDDED;
            default ->
                throw new IllegalArgumentException("Unknown Kafka world mode '"
                        + mode
                        + "' in "
                        + MODE_PROPERTY
                        + " / "
                        + MODE_ENV
                        + ": use embedded, testcontainers or auto");
        };
    }

    /** True when Testcontainers finds a Docker engine; never throws. */
    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            log.info("No usable Docker engine ({}); using the embedded Kafka broker", e.toString());
            return false;
        }
    }

    private static Running start() {
        KafkaWorld.Kind kind = chooseKind(requestedMode(), KafkaWorldExtension::dockerAvailable);
        Runnable broker;
        String bootstrap;
        if (kind == KafkaWorld.Kind.EMBEDDED) {
            EmbeddedKafka kafka = EmbeddedKafka.start();
            broker = kafka::close;
            bootstrap = kafka.bootstrapServers();
        } else {
            KafkaContainer container = new KafkaContainer("apache/kafka:" + AppInfoParser.getVersion())
                    .withEnv("KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS", "0")
                    .withEnv("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", "1")
                    .withEnv("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", "1")
                    .withEnv("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", "1");
            container.start();
            broker = container::stop;
            bootstrap = container.getBootstrapServers();
        }
        try {
            EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(bootstrap);
            KafkaWorld world = new KafkaWorld(kind, bootstrap, registry.url());
            log.info("Started {}", world);
            return new Running(world, registry, broker);
        } catch (RuntimeException e) {
            closeQuietly(broker, e);
            throw e;
        }
    }

    private static void closeQuietly(Runnable stop, Throwable cause) {
        try {
            stop.run();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    /**
     * The running world in the root store. JUnit (5.13+) closes {@link AutoCloseable} store values
     * when the root context closes, i.e. at the end of the run.
     */
    record Running(KafkaWorld world, EmbeddedSchemaRegistry registry, Runnable stopBroker) implements AutoCloseable {
        @Override
        public void close() {
            try {
                registry.close();
            } finally {
                stopBroker.run();
            }
        }
    }
}
