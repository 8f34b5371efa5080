package io.k8sm.offeringest.gateway;

import io.k8sm.config.K8smConfig;
import io.k8sm.offeringest.mesos.MesosClientConfig;
import io.k8sm.offeringest.mesos.MesosClientConfig.Encoding;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Settings of the offer-ingest gateway: the shared k8sm configuration ({@link K8smConfig}: Kafka,
 * registry, topic names) plus the keys under {@code mesos.} (how to reach and subscribe to the
 * master) and {@code ingest.} (how the bridge uses Kafka).
 */
public final class IngestConfig {

    public static final String MASTER = "mesos.master";
    public static final String FRAMEWORK_NAME = "mesos.framework.name";
    public static final String ROLES = "mesos.framework.roles";
    public static final String PRINCIPAL = "mesos.principal";
    public static final String SECRET = "mesos.secret";
    public static final String FAILOVER_TIMEOUT = "mesos.failover.timeout.seconds";
    public static final String ENCODING = "mesos.encoding";
    public static final String TRUSTSTORE_LOCATION = "mesos.tls.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "mesos.tls.truststore.password";
    public static final String TRUSTSTORE_TYPE = "mesos.tls.truststore.type";
    public static final String MISSED_HEARTBEATS = "mesos.heartbeat.missed";
    public static final String BACKOFF_INITIAL = "mesos.reconnect.backoff.initial.ms";
    public static final String BACKOFF_MAX = "mesos.reconnect.backoff.max.ms";
    public static final String REQUEST_TIMEOUT = "mesos.request.timeout.ms";
    public static final String RECONNECT_AFTER_ERROR = "mesos.reconnect.after.error";
    public static final String SHARD = "ingest.offers.shard";
    public static final String CALLS_GROUP = "ingest.calls.group";
    public static final String CALLS_POLL = "ingest.calls.poll.ms";
    public static final String CLOCK_TICK = "ingest.clock.tick.ms";

    /** The consumer group of the call executor. */
    public static final String DEFAULT_CALLS_GROUP = "k8sm-offer-ingest";

    /**
     * 28 days: long enough that a restart or an upgrade of offer-ingest never loses the framework's
     * tasks.
     */
    public static final long DEFAULT_FAILOVER_SECONDS = Duration.ofDays(28).toSeconds();

    private final K8smConfig base;

    public IngestConfig(K8smConfig base) {
        this.base = base;
        masters(); // validate early, naming the key
        if (principal().isEmpty() && base.getPassword(SECRET) != null) {
            throw new ConfigException(SECRET, "(hidden)", "a secret needs " + PRINCIPAL);
        }
        truststore();
    }

    /** Parses raw key/values (file, environment, flags) with the full definition. */
    public static IngestConfig fromMap(Map<String, ?> values) {
        return new IngestConfig(new K8smConfig(definition(), values));
    }

    /** The shared definition plus this component's keys. */
    public static ConfigDef definition() {
        return define(K8smConfig.baseDefinition());
    }

    /** Adds the {@code mesos.*} and {@code ingest.*} keys to a definition. */
    public static ConfigDef define(ConfigDef def) {
        return def.define(
                        MASTER,
                        Type.LIST,
                        ConfigDef.NO_DEFAULT_VALUE,
                        IngestConfig::validateMasters,
                        Importance.HIGH,
                        "Mesos master URL(s), comma separated, e.g. http://m1:5050,http://m2:5050 (the path"
                                + " /api/v1/scheduler is added when absent); tried in turn, 307 redirects to the leader followed.")
                .define(
                        FRAMEWORK_NAME,
                        Type.STRING,
                        "k8sm",
                        new ConfigDef.NonEmptyString(),
                        Importance.HIGH,
                        "The Mesos framework name; also the key of the framework and framework-id topics.")
                .define(
                        ROLES,
                        Type.LIST,
                        "*",
                        nonEmpty("role[,role...]"),
                        Importance.MEDIUM,
                        "Roles the framework subscribes with (MULTI_ROLE).")
                .define(
                        PRINCIPAL,
                        Type.STRING,
                        "",
                        Importance.MEDIUM,
                        "The framework principal (also the HTTP basic-auth user when mesos.secret is set); empty for none.")
                .define(
                        SECRET,
                        Type.PASSWORD,
                        null,
                        Importance.MEDIUM,
                        "The principal's secret for HTTP basic authentication against the master; unset for none.")
                .define(
                        FAILOVER_TIMEOUT,
                        Type.LONG,
                        DEFAULT_FAILOVER_SECONDS,
                        ConfigDef.Range.atLeast(0),
                        Importance.MEDIUM,
                        "Seconds the master keeps the framework's tasks while offer-ingest is away (failover_timeout).")
                .define(
                        ENCODING,
                        Type.STRING,
                        "protobuf",
                        ConfigDef.CaseInsensitiveValidString.in("protobuf", "json"),
                        Importance.LOW,
                        "The v1 API encoding: protobuf or json.")
                .define(
                        TRUSTSTORE_LOCATION,
                        Type.STRING,
                        "",
                        Importance.MEDIUM,
                        "Trust store for https masters; empty uses the JDK's default trust.")
                .define(TRUSTSTORE_PASSWORD, Type.PASSWORD, null, Importance.MEDIUM, "The trust store's password.")
                .define(
                        TRUSTSTORE_TYPE,
                        Type.STRING,
                        "PKCS12",
                        ConfigDef.CaseInsensitiveValidString.in("PKCS12", "JKS"),
                        Importance.LOW,
                        "The trust store's type.")
                .define(
                        MISSED_HEARTBEATS,
                        Type.INT,
                        5,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        "Resubscribe when no event arrived for this many heartbeat intervals.")
                .define(
                        BACKOFF_INITIAL,
                        Type.LONG,
                        1000L,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        "First reconnect delay, doubled per failed attempt.")
                .define(
                        BACKOFF_MAX,
                        Type.LONG,
                        15000L,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        "Ceiling of the reconnect delay.")
                .define(
                        REQUEST_TIMEOUT,
                        Type.LONG,
                        75000L,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        "Timeout of a call, and of the SUBSCRIBE answer's headers.")
                .define(
                        RECONNECT_AFTER_ERROR,
                        Type.BOOLEAN,
                        false,
                        Importance.LOW,
                        "Resubscribe after an ERROR event (the Mesos docs recommend stopping; an operator restarts).")
                .define(
                        SHARD,
                        Type.STRING,
                        "0",
                        new ConfigDef.NonEmptyString(),
                        Importance.LOW,
                        "Key of every record on the offers topic: the scheduling shard. One shard today, so every offer and"
                                + " rescind lands in one partition, in the order the master sent them.")
                .define(
                        CALLS_GROUP,
                        Type.STRING,
                        DEFAULT_CALLS_GROUP,
                        new ConfigDef.NonEmptyString(),
                        Importance.LOW,
                        "Consumer group of the call executor on the mesos-calls topic.")
                .define(
                        CALLS_POLL,
                        Type.LONG,
                        500L,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        "Poll timeout of the call executor, in milliseconds.")
                .define(
                        CLOCK_TICK,
                        Type.LONG,
                        1000L,
                        ConfigDef.Range.atLeast(0),
                        Importance.LOW,
                        "Period of the ClockTick records on the clock topic, in milliseconds, so that the scheduler's"
                                + " time advances while the master is silent; 0 writes none.");
    }

    private static ConfigDef.Validator nonEmpty(String form) {
        return (name, value) -> {
            if (value == null || ((List<?>) value).isEmpty()) {
                throw new ConfigException(name, value, "expected " + form);
            }
        };
    }

    private static void validateMasters(String name, Object value) {
        if (value == null || ((List<?>) value).isEmpty()) {
            throw new ConfigException(name, value, "expected http(s)://host:port[,http(s)://host:port...]");
        }
        for (Object o : (List<?>) value) {
            parseMaster(name, String.valueOf(o));
        }
    }

    private static URI parseMaster(String key, String s) {
        try {
            URI u = URI.create(s.trim());
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || u.getHost() == null) {
                throw new ConfigException(key, s, "expected an http(s)://host:port URL");
            }
            return u;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, s, "expected an http(s)://host:port URL (" + e.getMessage() + ")");
        }
    }

    public K8smConfig base() {
        return base;
    }

    public List<URI> masters() {
        List<URI> out = new ArrayList<>();
        for (String s : base.getList(MASTER)) {
            out.add(parseMaster(MASTER, s));
        }
        return out;
    }

    public String frameworkName() {
        return base.getString(FRAMEWORK_NAME);
    }

    public List<String> roles() {
        return base.getList(ROLES);
    }

    public Optional<String> principal() {
        return Optional.ofNullable(base.getString(PRINCIPAL)).filter(s -> !s.isBlank());
    }

    public Duration failoverTimeout() {
        return Duration.ofSeconds(base.getLong(FAILOVER_TIMEOUT));
    }

    public Encoding encoding() {
        return Encoding.valueOf(base.getString(ENCODING).toUpperCase(Locale.ROOT));
    }

    /** The trust store, when one is configured. */
    public Optional<Path> truststore() {
        String loc = base.getString(TRUSTSTORE_LOCATION);
        if (loc == null || loc.isBlank()) {
            return Optional.empty();
        }
        Path p = Path.of(loc);
        if (!p.toFile().isFile()) {
            throw new ConfigException(TRUSTSTORE_LOCATION, loc, "no such file");
        }
        return Optional.of(p);
    }

    public String offersShard() {
        return base.getString(SHARD);
    }

    public String callsGroup() {
        return base.getString(CALLS_GROUP);
    }

    public Duration callsPoll() {
        return Duration.ofMillis(base.getLong(CALLS_POLL));
    }

    /** How often a ClockTick is written; zero for never. */
    public Duration clockTick() {
        return Duration.ofMillis(base.getLong(CLOCK_TICK));
    }

    /**
     * The Mesos client's configuration; {@code frameworkId} (read back from the framework-id topic)
     * makes the SUBSCRIBE a failover that keeps the framework's tasks.
     */
    public MesosClientConfig mesosClientConfig(Optional<String> frameworkId) {
        var info =
                MesosClientConfig.frameworkInfo(frameworkName(), roles(), failoverTimeout(), principal()).toBuilder();
        frameworkId.ifPresent(id ->
                info.setId(org.apache.mesos.v1.Protos.FrameworkID.newBuilder().setValue(id)));
        MesosClientConfig.Builder b = MesosClientConfig.builder(info.build())
                .masters(masters())
                .encoding(encoding())
                .missedHeartbeats(base.getInt(MISSED_HEARTBEATS))
                .backoff(Duration.ofMillis(base.getLong(BACKOFF_INITIAL)), Duration.ofMillis(base.getLong(BACKOFF_MAX)))
                .requestTimeout(Duration.ofMillis(base.getLong(REQUEST_TIMEOUT)))
                .reconnectAfterError(base.getBoolean(RECONNECT_AFTER_ERROR));
        Password secret = base.getPassword(SECRET);
        if (secret != null) {
            b.credentials(principal().orElseThrow(), secret.value());
        }
        truststore().ifPresent(p -> {
            Password pw = base.getPassword(TRUSTSTORE_PASSWORD);
            try {
                b.sslContext(MesosClientConfig.trustStore(
                        p,
                        pw == null ? new char[0] : pw.value().toCharArray(),
                        base.getString(TRUSTSTORE_TYPE).toUpperCase(Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(TRUSTSTORE_LOCATION, p.toString(), e.getMessage());
            }
        });
        return b.build();
    }
}
