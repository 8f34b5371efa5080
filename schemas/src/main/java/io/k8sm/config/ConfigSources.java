package io.k8sm.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;

/**
 * Gathers configuration from its four sources, later ones winning: the defaults of the definition,
 * a properties file, {@code K8SM_*} environment variables, and command-line flags.
 *
 * <p>An environment variable {@code K8SM_BOOTSTRAP_SERVERS} sets {@code bootstrap.servers}: strip
 * {@code K8SM_}, lower-case, and turn {@code _} into {@code .} ({@code
 * K8SM_KAFKA_SECURITY_PROTOCOL} → {@code kafka.security.protocol}); a double {@code __} stands for
 * {@code -}, so that hyphenated topic names can be set too ({@code K8SM_TOPICS_TASK__STATUS_NAME} →
 * {@code topics.task-status.name}). Variables that are not
 * configuration keys ({@code K8SM_CONFIG}, {@code K8SM_JAVA_OPTS}, {@code K8SM_SANDBOX_*}, {@code
 * K8SM_APICURIO_*}) are left alone, and so are the service-link variables Kubernetes injects for a
 * Service named {@code k8sm} or {@code k8sm-*} ({@link ServiceLinkVariables}).
 */
public final class ConfigSources {

    public static final String ENV_PREFIX = "K8SM_";

    /** The environment variable naming a configuration file when no --config flag is given. */
    public static final String CONFIG_FILE_ENV = "K8SM_CONFIG";

    private static final String[] NOT_CONFIG = {"CONFIG", "JAVA_OPTS", "SANDBOX_", "APICURIO_", "HOME"};

    private final Map<String, String> values = new LinkedHashMap<>();
    private final Map<String, String> origin = new LinkedHashMap<>();

    /** Adds the keys of a properties file; a missing or unreadable file is an error naming it. */
    public ConfigSources file(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new ConfigException("Configuration file " + file + " does not exist");
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(
                    "Configuration file " + file + " cannot be read as Java properties: " + e.getMessage());
        }
        p.stringPropertyNames().forEach(k -> put(k, p.getProperty(k).trim(), "file " + file));
        return this;
    }

    /** Adds the {@code K8SM_*} variables of the given environment. */
    public ConfigSources environment(Map<String, String> env) {
        env.entrySet().stream()
                .filter(e -> e.getKey().startsWith(ENV_PREFIX))
                .filter(e -> !ServiceLinkVariables.isServiceLink(e.getKey(), e.getValue()))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> {
                    String rest = e.getKey().substring(ENV_PREFIX.length());
                    for (String skip : NOT_CONFIG) {
                        if (rest.equals(skip) || (skip.endsWith("_") && rest.startsWith(skip))) {
                            return;
                        }
                    }
                    put(envToKey(e.getKey()), e.getValue(), "environment variable " + e.getKey());
                });
        return this;
    }

    /** Adds flags given as key/value pairs (e.g. {@code -D key=value} or named options). */
    public ConfigSources flags(Map<String, String> flags) {
        flags.forEach((k, v) -> put(k, v, "command-line flag"));
        return this;
    }

    /** The key an environment variable sets: {@code __} becomes {@code -}, then {@code _} becomes {@code .}. */
    public static String envToKey(String variable) {
        return variable.substring(ENV_PREFIX.length())
                .toLowerCase(Locale.ROOT)
                .replace("__", "-")
                .replace('_', '.');
    }

    private void put(String key, String value, String from) {
        Secrets.remember(key, value);
        values.put(key, value);
        origin.put(key, from);
    }

    /** The merged values, later sources having won. */
    public Map<String, String> values() {
        return Map.copyOf(values);
    }

    /** Where the winning value of a key came from, for error messages and {@code config} output. */
    public String originOf(String key) {
        return origin.getOrDefault(key, "default");
    }

    /**
     * Builds the configuration; a {@link ConfigException} is re-thrown with the source of the
     * offending key so the user knows which file, variable or flag to fix.
     */
    public K8smConfig build() {
        return build(K8smConfig::new);
    }

    /**
     * Builds a component's configuration (e.g. {@code SchedulerConfig::new}) from the merged values;
     * errors carry the source of the offending key, as with {@link #build()}.
     */
    public <C extends K8smConfig> C build(java.util.function.Function<Map<String, String>, C> factory) {
        try {
            return factory.apply(values());
        } catch (ConfigException e) {
            throw withOrigin(e);
        }
    }

    /**
     * Adds the source of the key named in the message, when there is one; secret values are hidden
     * ({@link Secrets}).
     */
    public ConfigException withOrigin(ConfigException e) {
        String raw = String.valueOf(e.getMessage());
        String msg = Secrets.scrub(raw, values);
        for (String key : origin.keySet()) {
            if (msg.contains("'" + key + "'") || msg.contains(" " + key + ":") || msg.contains(" " + key + " ")) {
                return new ConfigException(msg + " (set by " + originOf(key) + ")");
            }
        }
        return msg.equals(raw) ? e : new ConfigException(msg);
    }
}
