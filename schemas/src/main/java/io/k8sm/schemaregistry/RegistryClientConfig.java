package io.k8sm.schemaregistry;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * The registry client's settings, read from Confluent-style keys. Every parse error is a Kafka
 * {@link ConfigException} naming the key, the value and the expected form.
 *
 * @param baseUrls registry base URLs in failover order, user info stripped; each may carry a path
 * @param userInfo {@code user:password} for HTTP basic auth, if any
 * @param connectTimeout TCP/TLS connect timeout
 * @param requestTimeout whole-request timeout (answer headers must arrive within it)
 * @param maxRetries retries after the first round over all URLs (connect errors, timeouts, 5xx, 429
 *     only)
 * @param retryWait first backoff; doubles per retry
 * @param retryMaxWait backoff ceiling
 * @param cacheCapacity entries per cache (id to schema; subject and schema to id)
 * @param tls key and trust stores, if configured
 */
public record RegistryClientConfig(
        List<URI> baseUrls,
        Optional<String> userInfo,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxRetries,
        Duration retryWait,
        Duration retryMaxWait,
        int cacheCapacity,
        Optional<TlsSettings> tls) {

    public static final String URL = "schema.registry.url";
    public static final String CREDENTIALS_SOURCE = "basic.auth.credentials.source";
    public static final String USER_INFO = "basic.auth.user.info";
    public static final String SR_USER_INFO = "schema.registry.basic.auth.user.info";
    public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String READ_TIMEOUT_MS = "http.read.timeout.ms";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRIES_WAIT_MS = "retries.wait.ms";
    public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";
    public static final String CACHE_CAPACITY = "schema.registry.cache.capacity";
    public static final String SSL_PREFIX = "schema.registry.ssl.";
    public static final String TRUSTSTORE_LOCATION = SSL_PREFIX + "truststore.location";
    public static final String TRUSTSTORE_PASSWORD = SSL_PREFIX + "truststore.password";
    public static final String TRUSTSTORE_TYPE = SSL_PREFIX + "truststore.type";
    public static final String KEYSTORE_LOCATION = SSL_PREFIX + "keystore.location";
    public static final String KEYSTORE_PASSWORD = SSL_PREFIX + "keystore.password";
    public static final String KEYSTORE_TYPE = SSL_PREFIX + "keystore.type";
    public static final String KEY_PASSWORD = SSL_PREFIX + "key.password";

    /** Key and trust store settings; a missing store means the JDK default for that side. */
    public record TlsSettings(
            Optional<Path> truststore,
            Optional<String> truststorePassword,
            String truststoreType,
            Optional<Path> keystore,
            Optional<String> keystorePassword,
            String keystoreType,
            Optional<String> keyPassword) {}

    public RegistryClientConfig {
        baseUrls = List.copyOf(baseUrls);
        if (baseUrls.isEmpty()) {
            throw new ConfigException(URL, "", "at least one registry base URL is required");
        }
    }

    /** A configuration with defaults for everything but the URLs; for tests and programmatic use. */
    public static RegistryClientConfig of(String urls) {
        return from(Map.of(URL, urls));
    }

    public static RegistryClientConfig from(Map<String, ?> configs) {
        String urlList = string(configs, URL)
                .orElseThrow(
                        () -> new ConfigException(
                                URL,
                                null,
                                "required: a comma-separated list of registry base URLs such as http://host:8081 or http://host:8080/apis/ccompat/v7"));
        List<URI> urls = new ArrayList<>();
        String urlUserInfo = null;
        for (String raw : urlList.split(",")) {
            String s = raw.trim();
            if (s.isEmpty()) {
                continue;
            }
            URI uri;
            try {
                uri = new URI(s);
            } catch (URISyntaxException e) {
                throw new ConfigException(
                        URL,
                        urlList,
                        "'" + s + "' is not a URI: " + e.getMessage() + " (expected http(s)://host:port[/path])");
            }
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw new ConfigException(
                        URL,
                        urlList,
                        "'" + s + "' is not an http(s) URL with a host (expected http(s)://host:port[/path])");
            }
            if (uri.getRawUserInfo() != null) {
                urlUserInfo = java.net.URLDecoder.decode(uri.getRawUserInfo(), java.nio.charset.StandardCharsets.UTF_8);
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            while (path.endsWith("/")) {
                path = path.substring(0, path.length() - 1);
            }
            urls.add(URI.create(scheme + "://" + uri.getRawAuthority().replaceFirst("^.*@", "") + path));
        }
        if (urls.isEmpty()) {
            throw new ConfigException(
                    URL, urlList, "no URL in the list (expected a comma-separated list of http(s)://host:port[/path])");
        }

        Optional<String> explicit = string(configs, USER_INFO).or(() -> string(configs, SR_USER_INFO));
        Optional<String> source =
                string(configs, CREDENTIALS_SOURCE).map(v -> v.trim().toUpperCase(Locale.ROOT));
        Optional<String> userInfo;
        if (source.isEmpty()) {
            userInfo = explicit.isPresent() ? explicit : Optional.ofNullable(urlUserInfo);
        } else if (source.get().equals("USER_INFO")) {
            userInfo = Optional.of(explicit.orElseThrow(() -> new ConfigException(
                    USER_INFO, null, "required when " + CREDENTIALS_SOURCE + "=USER_INFO (expected user:password)")));
        } else if (source.get().equals("URL")) {
            userInfo = Optional.of(Optional.ofNullable(urlUserInfo)
                    .orElseThrow(() -> new ConfigException(
                            URL,
                            urlList,
                            "must carry user info (http://user:password@host:port) when "
                                    + CREDENTIALS_SOURCE
                                    + "=URL")));
        } else {
            throw new ConfigException(CREDENTIALS_SOURCE, source.get(), "expected USER_INFO or URL");
        }
        userInfo.ifPresent(u -> {
            if (!u.contains(":")) {
                throw new ConfigException(USER_INFO, "[hidden]", "expected user:password");
            }
        });

        Optional<TlsSettings> tls = Optional.empty();
        Optional<Path> trust = string(configs, TRUSTSTORE_LOCATION).map(Path::of);
        Optional<Path> key = string(configs, KEYSTORE_LOCATION).map(Path::of);
        trust.ifPresent(p -> requireReadable(TRUSTSTORE_LOCATION, p));
        key.ifPresent(p -> requireReadable(KEYSTORE_LOCATION, p));
        if (trust.isPresent() || key.isPresent()) {
            tls = Optional.of(new TlsSettings(
                    trust,
                    string(configs, TRUSTSTORE_PASSWORD),
                    string(configs, TRUSTSTORE_TYPE).orElse("JKS"),
                    key,
                    string(configs, KEYSTORE_PASSWORD),
                    string(configs, KEYSTORE_TYPE).orElse("JKS"),
                    string(configs, KEY_PASSWORD)));
        }

        return new RegistryClientConfig(
                urls,
                userInfo,
                Duration.ofMillis(positiveLong(configs, CONNECT_TIMEOUT_MS, 10_000)),
                Duration.ofMillis(positiveLong(configs, READ_TIMEOUT_MS, 30_000)),
                (int) nonNegativeLong(configs, MAX_RETRIES, 3),
                Duration.ofMillis(nonNegativeLong(configs, RETRIES_WAIT_MS, 200)),
                Duration.ofMillis(nonNegativeLong(configs, RETRIES_MAX_WAIT_MS, 5_000)),
                (int) positiveLong(configs, CACHE_CAPACITY, 1_000),
                tls);
    }

    private static void requireReadable(String key, Path p) {
        if (!Files.isReadable(p)) {
            throw new ConfigException(key, p.toString(), "no readable key/trust store file at that path");
        }
    }

    static Optional<String> string(Map<String, ?> configs, String key) {
        Object v = configs.get(key);
        if (v == null) {
            return Optional.empty();
        }
        String s = v instanceof Password p ? p.value() : v.toString();
        return s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }

    private static long positiveLong(Map<String, ?> configs, String key, long dflt) {
        long v = longValue(configs, key, dflt, "a positive integer");
        if (v <= 0) {
            throw new ConfigException(key, v, "expected a positive integer");
        }
        return v;
    }

    private static long nonNegativeLong(Map<String, ?> configs, String key, long dflt) {
        long v = longValue(configs, key, dflt, "an integer >= 0");
        if (v < 0) {
            throw new ConfigException(key, v, "expected an integer >= 0");
        }
        return v;
    }

    private static long longValue(Map<String, ?> configs, String key, long dflt, String form) {
        Object v = configs.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Number n) {
            return n.longValue();
        }
        try {
            return Long.parseLong(v.toString().trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key, v, "expected " + form);
        }
    }

    static boolean bool(Map<String, ?> configs, String key, boolean dflt) {
        Object v = configs.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        String s = v.toString().trim().toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw new ConfigException(key, v, "expected true or false");
    }

    /**
     * Reads a boolean config value; a {@link ConfigException} names the key when it is neither true
     * nor false.
     */
    public static boolean booleanValue(Map<String, ?> configs, String key, boolean dflt) {
        return bool(configs, key, dflt);
    }
}
