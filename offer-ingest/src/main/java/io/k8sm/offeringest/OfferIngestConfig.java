package io.k8sm.offeringest;

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
 * Settings of offer-ingest: the shared k8sm configuration ({@link K8smConfig}: Kafka, registry,
 * topic names) plus the keys under {@code mesos.} (how to reach and subscribe to the master) and
 * {@code ingest.} (how the gateway uses Kafka). Built with {@link #from(K8smConfig)} from a
 * configuration of {@link #definition()}, or {@link #fromMap(Map)}.
 *
 * @param kafka the shared configuration (bootstrap servers, registry, topic catalogue, {@code
 *     kafka.*})
 * @param masters the master URLs, tried in turn
 * @param secret the principal's secret for HTTP basic authentication; needs a principal
 * @param truststore the trust store for https masters (an existing file), or empty for the JDK's
 * @param offersShard the key of every record on the offers topic
 * @param callsGroup the consumer group of the call executor
 * @param callsPoll the call executor's poll timeout
 * @param clockTick how often a ClockTick is written; zero for never
 * @param leaderGroup the consumer group whose owner of partition 0 of {@code framework-id} is the leader
 * @param leaderSession the session timeout of the leader group (and the calls group): how soon a dead leader is seen
 * @param leaderHeartbeat the heartbeat interval of both groups, and how often the leader renews its lease
 */
public record OfferIngestConfig(
        K8smConfig kafka,
        List<URI> masters,
        String frameworkName,
        List<String> roles,
        Optional<String> principal,
        Optional<Password> secret,
        Duration failoverTimeout,
        Encoding encoding,
        Optional<Path> truststore,
        Optional<Password> truststorePassword,
        String truststoreType,
        int missedHeartbeats,
        Duration reconnectBackoffInitial,
        Duration reconnectBackoffMax,
        Duration requestTimeout,
        boolean reconnectAfterError,
        boolean newFramework,
        String offersShard,
        String callsGroup,
        Duration callsPoll,
        Duration clockTick,
        String leaderGroup,
        Duration leaderSession,
        Duration leaderHeartbeat) {

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
    public static final String NEW_FRAMEWORK = "mesos.framework.new";
    public static final String SHARD = "ingest.offers.shard";
    public static final String CALLS_GROUP = "ingest.calls.group";
    public static final String CALLS_POLL = "ingest.calls.poll.ms";
    public static final String CLOCK_TICK = "ingest.clock.tick.ms";
    public static final String LEADER_GROUP = "ingest.leader.group";
    public static final String LEADER_SESSION = "ingest.leader.session.timeout.ms";
    public static final String LEADER_HEARTBEAT = "ingest.leader.heartbeat.interval.ms";

    /** The consumer group of the call executor. */
    public static final String DEFAULT_CALLS_GROUP = "k8sm-offer-ingest";

    /**
     * 28 days: long enough that a restart or an upgrade of offer-ingest never loses the framework's
     * tasks.
     */
    public static final long DEFAULT_FAILOVER_SECONDS = Duration.ofDays(28).toSeconds();

    public OfferIngestConfig {
        masters = List.copyOf(masters);
        roles = List.copyOf(roles);
        principal = principal.filter(p -> !p.isBlank());
        if (principal.isEmpty() && secret.isPresent()) {
            throw new ConfigException(SECRET, "(hidden)", "a secret needs " + PRINCIPAL);
        }
        if (leaderHeartbeat.multipliedBy(3).compareTo(leaderSession) > 0) {
            throw new ConfigException(
                    LEADER_HEARTBEAT,
                    leaderHeartbeat.toMillis(),
                    "must be at most a third of " + LEADER_SESSION + " (" + leaderSession.toMillis()
                            + "): the leader steps down two heartbeats before its session could expire");
        }
    }

    /** Reads the settings from a configuration built with {@link #definition()}. */
    public static OfferIngestConfig from(K8smConfig c) {
        List<URI> masters = new ArrayList<>();
        for (String s : c.getList(MASTER)) {
            masters.add(parseMaster(MASTER, s));
        }
        return new OfferIngestConfig(
                c,
                masters,
                c.getString(FRAMEWORK_NAME),
                c.getList(ROLES),
                Optional.ofNullable(c.getString(PRINCIPAL)),
                Optional.ofNullable(c.getPassword(SECRET)),
                Duration.ofSeconds(c.getLong(FAILOVER_TIMEOUT)),
                Encoding.valueOf(c.getString(ENCODING).toUpperCase(Locale.ROOT)),
                truststore(c.getString(TRUSTSTORE_LOCATION)),
                Optional.ofNullable(c.getPassword(TRUSTSTORE_PASSWORD)),
                c.getString(TRUSTSTORE_TYPE).toUpperCase(Locale.ROOT),
                c.getInt(MISSED_HEARTBEATS),
                Duration.ofMillis(c.getLong(BACKOFF_INITIAL)),
                Duration.ofMillis(c.getLong(BACKOFF_MAX)),
                Duration.ofMillis(c.getLong(REQUEST_TIMEOUT)),
                c.getBoolean(RECONNECT_AFTER_ERROR),
                c.getBoolean(NEW_FRAMEWORK),
                c.getString(SHARD),
                c.getString(CALLS_GROUP),
                Duration.ofMillis(c.getLong(CALLS_POLL)),
                Duration.ofMillis(c.getLong(CLOCK_TICK)),
                c.getString(LEADER_GROUP).isBlank() ? c.getString(CALLS_GROUP) + "-leader" : c.getString(LEADER_GROUP),
                Duration.ofMillis(c.getLong(LEADER_SESSION)),
                Duration.ofMillis(c.getLong(LEADER_HEARTBEAT)));
    }

    /** Parses raw key/values (file, environment, flags) with the full definition. */
    public static OfferIngestConfig fromMap(Map<String, ?> values) {
        return from(new K8smConfig(definition(), values));
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
                        OfferIngestConfig::validateMasters,
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
                        NEW_FRAMEWORK,
                        Type.BOOLEAN,
                        false,
                        Importance.LOW,
                        "Subscribe as a new framework even though framework-id holds an unreadable or tombstoned"
                                + " record (the operator's word: the old framework's tasks are given up).")
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
                                + " time advances while the master is silent; 0 writes none.")
                .define(
                        LEADER_GROUP,
                        Type.STRING,
                        "",
                        Importance.LOW,
                        "Consumer group of the leader election: the member that owns partition 0 of the framework-id"
                                + " topic is the one instance subscribed to Mesos; empty means <ingest.calls.group>-leader.")
                .define(
                        LEADER_SESSION,
                        Type.LONG,
                        6000L,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        "Session timeout of the leader group and the calls group, in milliseconds: a killed leader is"
                                + " replaced after about this long (6000 is the brokers' default minimum).")
                .define(
                        LEADER_HEARTBEAT,
                        Type.LONG,
                        1000L,
                        ConfigDef.Range.atLeast(1),
                        Importance.LOW,
                        "Heartbeat interval of both groups and the leader's lease renewal period, in milliseconds; at"
                                + " most a third of the session timeout.");
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

    private static Optional<Path> truststore(String loc) {
        if (loc == null || loc.isBlank()) {
            return Optional.empty();
        }
        Path p = Path.of(loc);
        if (!p.toFile().isFile()) {
            throw new ConfigException(TRUSTSTORE_LOCATION, loc, "no such file");
        }
        return Optional.of(p);
    }

    /**
     * The Mesos client's configuration; {@code frameworkId} (read back from the framework-id topic)
     * makes the SUBSCRIBE a failover that keeps the framework's tasks.
     */
    public MesosClientConfig mesosClientConfig(Optional<String> frameworkId) {
        var info = MesosClientConfig.frameworkInfo(frameworkName, roles, failoverTimeout, principal).toBuilder();
        frameworkId.ifPresent(id ->
                info.setId(org.apache.mesos.v1.Protos.FrameworkID.newBuilder().setValue(id)));
        MesosClientConfig.Builder b = MesosClientConfig.builder(info.build())
                .masters(masters)
                .encoding(encoding)
                .missedHeartbeats(missedHeartbeats)
                .backoff(reconnectBackoffInitial, reconnectBackoffMax)
                .requestTimeout(requestTimeout)
                .reconnectAfterError(reconnectAfterError);
        secret.ifPresent(pw -> b.credentials(principal.orElseThrow(), pw.value()));
        truststore.ifPresent(p -> {
            try {
                b.sslContext(MesosClientConfig.trustStore(
                        p,
                        truststorePassword.map(pw -> pw.value().toCharArray()).orElse(new char[0]),
                        truststoreType));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(TRUSTSTORE_LOCATION, p.toString(), e.getMessage());
            }
        });
        return b.build();
    }
}
