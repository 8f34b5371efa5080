package io.k8sm.scheduler.topology;

import io.k8sm.config.K8smConfig;
import io.k8sm.scheduler.matching.Matcher;
import io.k8sm.scheduler.matching.ProcurementMatcher;
import io.k8sm.scheduler.procurement.PlacementPolicy;
import io.k8sm.scheduler.procurement.PortMappingMode;
import io.k8sm.scheduler.procurement.ProcurementConfig;
import io.k8sm.scheduler.query.QueryEndpoint;
import io.k8sm.scheduler.settings.Backoff;
import io.k8sm.scheduler.settings.DeletionBudget;
import io.k8sm.scheduler.settings.SchedulerSettings;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The scheduler's configuration: the shared keys plus {@code scheduler.*}. Built with {@link
 * #from(K8smConfig)} from a configuration of {@link #definition()}, or {@link #fromMap(Map)}.
 *
 * @param kafka the shared configuration (bootstrap servers, registry, topic catalogue, {@code
 *     kafka.*})
 * @param applicationId the Kafka Streams application.id (consumer group, changelog prefix)
 * @param processingGuarantee exactly_once_v2 or at_least_once
 * @param numStandbyReplicas hot standbys of the state stores
 * @param stateDir the local state directory, or empty for Kafka Streams' default
 * @param storeKind rocksdb or in-memory stores
 * @param settings what the state machine decides with (offer TTL, backoff, reconciliation, roles)
 * @param procurement how placement matches pods to offers
 */
public record SchedulerConfig(
        K8smConfig kafka,
        String applicationId,
        String processingGuarantee,
        int numStandbyReplicas,
        Optional<String> stateDir,
        SchedulerStores.Kind storeKind,
        SchedulerSettings settings,
        ProcurementConfig procurement) {

    public static final String APPLICATION_ID = "scheduler.application.id";
    public static final String PROCESSING_GUARANTEE = "scheduler.processing.guarantee";
    public static final String NUM_STANDBY_REPLICAS = "scheduler.num.standby.replicas";
    public static final String STATE_DIR = "scheduler.state.dir";
    public static final String STATE_STORE = "scheduler.state.store";
    public static final String PLACEMENT_POLICY = "scheduler.placement.policy";
    public static final String PORT_MAPPING = "scheduler.port.mapping";
    public static final String OFFER_TTL_MS = "scheduler.offer.ttl.ms";
    public static final String OFFER_LINGER_MS = "scheduler.offer.linger.ms";
    public static final String OFFER_REFUSE_SECONDS = "scheduler.offer.refuse.seconds";
    public static final String BACKOFF_INITIAL_MS = "scheduler.backoff.initial.ms";
    public static final String BACKOFF_MAX_MS = "scheduler.backoff.max.ms";
    public static final String MAX_ATTEMPTS = "scheduler.max.attempts";
    public static final String RECONCILE_MIN_INTERVAL_MS = "scheduler.reconcile.min.interval.ms";
    public static final String RECONCILE_EXPLICIT_INITIAL_MS = "scheduler.reconcile.explicit.backoff.initial.ms";
    public static final String RECONCILE_EXPLICIT_MAX_MS = "scheduler.reconcile.explicit.backoff.max.ms";
    public static final String RECONCILE_IMPLICIT_DELAY_MS = "scheduler.reconcile.implicit.initial.delay.ms";
    public static final String RECONCILE_IMPLICIT_INTERVAL_MS = "scheduler.reconcile.implicit.interval.ms";
    public static final String FRAMEWORK_ROLES = "scheduler.framework.roles";
    public static final String DEFAULT_POD_ROLES = "scheduler.default.pod.roles";
    public static final String EXECUTOR_ID = "scheduler.executor.id";
    public static final String EXECUTOR_CPUS = "scheduler.executor.cpus";
    public static final String EXECUTOR_MEM_MB = "scheduler.executor.mem.mb";
    public static final String DEFAULT_CONTAINER_CPUS = "scheduler.default.container.cpus";
    public static final String DEFAULT_CONTAINER_MEM_MB = "scheduler.default.container.mem.mb";
    public static final String FINISHED_RETAINED = "scheduler.finished.retained";
    public static final String DELETION_GUARD_MAX_SHARE = "scheduler.deletion.guard.max.share";
    public static final String DELETION_GUARD_WINDOW_MS = "scheduler.deletion.guard.window.ms";
    public static final String DELETION_GUARD_MIN_COUNT = "scheduler.deletion.guard.min.count";
    public static final String RECONCILE_MAX_TASKS_PER_CALL = "scheduler.reconcile.max.tasks.per.call";
    public static final String CLOCK_MAX_SKEW_MS = "scheduler.clock.max.skew.ms";
    public static final String MAX_RECORD_BYTES = "scheduler.max.record.bytes";
    public static final String QUERY_LISTEN = QueryEndpoint.LISTEN;
    public static final String QUERY_ADVERTISED = QueryEndpoint.ADVERTISED;
    public static final String QUERY_URL = QueryEndpoint.URL;

    private static final ConfigDef DEFINITION = definition();

    /** Reads the settings from a configuration built with {@link #definition()}. */
    public static SchedulerConfig from(K8smConfig c) {
        long initial = c.getLong(BACKOFF_INITIAL_MS);
        long max = c.getLong(BACKOFF_MAX_MS);
        if (max < initial) {
            throw new ConfigException(BACKOFF_MAX_MS, max, "must be >= " + BACKOFF_INITIAL_MS);
        }
        SchedulerSettings settings = new SchedulerSettings(
                c.getLong(OFFER_TTL_MS),
                c.getLong(OFFER_LINGER_MS),
                c.getDouble(OFFER_REFUSE_SECONDS),
                new Backoff(initial, max, c.getInt(MAX_ATTEMPTS)),
                c.getString(EXECUTOR_ID),
                c.getInt(FINISHED_RETAINED),
                c.getLong(RECONCILE_MIN_INTERVAL_MS),
                c.getLong(RECONCILE_EXPLICIT_INITIAL_MS),
                c.getLong(RECONCILE_EXPLICIT_MAX_MS),
                c.getLong(RECONCILE_IMPLICIT_DELAY_MS),
                c.getLong(RECONCILE_IMPLICIT_INTERVAL_MS),
                c.getList(FRAMEWORK_ROLES),
                c.getList(DEFAULT_POD_ROLES),
                new DeletionBudget(
                        c.getDouble(DELETION_GUARD_MAX_SHARE),
                        c.getLong(DELETION_GUARD_WINDOW_MS),
                        c.getInt(DELETION_GUARD_MIN_COUNT)),
                c.getInt(RECONCILE_MAX_TASKS_PER_CALL),
                c.getLong(CLOCK_MAX_SKEW_MS));
        ProcurementConfig procurement = new ProcurementConfig(
                c.getList(FRAMEWORK_ROLES),
                c.getList(DEFAULT_POD_ROLES),
                PortMappingMode.parse(c.getString(PORT_MAPPING)).orElseThrow(),
                c.getDouble(DEFAULT_CONTAINER_CPUS),
                c.getDouble(DEFAULT_CONTAINER_MEM_MB),
                c.getDouble(EXECUTOR_CPUS),
                c.getDouble(EXECUTOR_MEM_MB),
                c.getString(EXECUTOR_ID),
                PlacementPolicy.parse(c.getString(PLACEMENT_POLICY)));
        return new SchedulerConfig(
                c,
                c.getString(APPLICATION_ID),
                c.getString(PROCESSING_GUARANTEE),
                c.getInt(NUM_STANDBY_REPLICAS),
                Optional.ofNullable(c.getString(STATE_DIR)),
                SchedulerStores.Kind.parse(c.getString(STATE_STORE)),
                settings,
                procurement);
    }

    /** Parses raw key/values (file, environment, flags) with the full definition. */
    public static SchedulerConfig fromMap(Map<String, ?> values) {
        return from(new K8smConfig(DEFINITION, values));
    }

    /** The shared definition plus the scheduler's keys. */
    public static ConfigDef definition() {
        return QueryEndpoint.define(K8smConfig.baseDefinition()
                .define(
                        APPLICATION_ID,
                        Type.STRING,
                        "k8sm-scheduler",
                        Importance.HIGH,
                        "Kafka Streams application.id: the consumer group, and the prefix of the changelog topics.")
                .define(
                        PROCESSING_GUARANTEE,
                        Type.STRING,
                        StreamsConfig.EXACTLY_ONCE_V2,
                        ValidString.in(StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE),
                        Importance.MEDIUM,
                        "exactly_once_v2 (default) or at_least_once.")
                .define(
                        NUM_STANDBY_REPLICAS,
                        Type.INT,
                        1,
                        Range.atLeast(0),
                        Importance.MEDIUM,
                        "Hot standbys of the scheduler's state stores (Kafka Streams num.standby.replicas); one by"
                                + " default, which a second instance holds (a single instance holds none).")
                .define(
                        STATE_DIR,
                        Type.STRING,
                        null,
                        Importance.MEDIUM,
                        "Directory of the local state stores; default: Kafka Streams' default.")
                .define(
                        STATE_STORE,
                        Type.STRING,
                        SchedulerStores.Kind.ROCKSDB.configValue(),
                        ValidString.in(
                                SchedulerStores.Kind.ROCKSDB.configValue(),
                                SchedulerStores.Kind.IN_MEMORY.configValue()),
                        Importance.LOW,
                        "Local store of the scheduler's state: rocksdb (on disk; a restart restores only the"
                                + " changelog's tail) or in-memory (the whole changelog is restored on every start).")
                .define(
                        PLACEMENT_POLICY,
                        Type.STRING,
                        "first-fit",
                        ValidString.in("first-fit", "bin-pack"),
                        Importance.MEDIUM,
                        "How a pod chooses among fitting agents: first-fit or bin-pack.")
                .define(
                        PORT_MAPPING,
                        Type.STRING,
                        "wildcard",
                        ValidString.in("wildcard", "fixed"),
                        Importance.LOW,
                        "Host port mapping of pods without the k8s.mesosphere.io/portMapping annotation.")
                .define(
                        OFFER_TTL_MS,
                        Type.LONG,
                        5_000L,
                        Range.atLeast(1),
                        Importance.MEDIUM,
                        "How long an offer may be used; an unused offer is declined after this (event time).")
                .define(
                        OFFER_LINGER_MS,
                        Type.LONG,
                        120_000L,
                        Range.atLeast(0),
                        Importance.LOW,
                        "How long a gone offer id is remembered (so a second delivery is not reused).")
                .define(
                        OFFER_REFUSE_SECONDS,
                        Type.DOUBLE,
                        5.0,
                        Range.atLeast(0),
                        Importance.LOW,
                        "Refuse seconds sent with every Decline.")
                .define(
                        BACKOFF_INITIAL_MS,
                        Type.LONG,
                        1_000L,
                        Range.atLeast(1),
                        Importance.MEDIUM,
                        "First scheduling backoff of a pod that found no fit; doubles per failure.")
                .define(
                        BACKOFF_MAX_MS,
                        Type.LONG,
                        60_000L,
                        Range.atLeast(1),
                        Importance.MEDIUM,
                        "Largest scheduling backoff.")
                .define(
                        MAX_ATTEMPTS,
                        Type.INT,
                        Backoff.DEFAULT_MAX_ATTEMPTS,
                        Range.atLeast(0),
                        Importance.MEDIUM,
                        "Failed attempts (no fit, or a launch that failed before it started) after which a pod is"
                                + " parked: one FAILED_SCHEDULING event says so, then it is retried every"
                                + " scheduler.backoff.max.ms, no longer on every new offer. 0 = no cap.")
                .define(
                        RECONCILE_MIN_INTERVAL_MS,
                        Type.LONG,
                        15_000L,
                        Range.atLeast(0),
                        Importance.LOW,
                        "At least this long between two Reconcile calls (explicit or implicit).")
                .define(
                        RECONCILE_EXPLICIT_INITIAL_MS,
                        Type.LONG,
                        1_000L,
                        Range.atLeast(1),
                        Importance.LOW,
                        "First retry delay of an explicit reconciliation that is still waiting for statuses.")
                .define(
                        RECONCILE_EXPLICIT_MAX_MS,
                        Type.LONG,
                        120_000L,
                        Range.atLeast(1),
                        Importance.LOW,
                        "Largest retry delay of an explicit reconciliation.")
                .define(
                        RECONCILE_IMPLICIT_DELAY_MS,
                        Type.LONG,
                        15_000L,
                        Range.atLeast(0),
                        Importance.LOW,
                        "First implicit reconciliation this long after the subscription.")
                .define(
                        RECONCILE_IMPLICIT_INTERVAL_MS,
                        Type.LONG,
                        300_000L,
                        Range.atLeast(1),
                        Importance.LOW,
                        "Period of implicit reconciliation.")
                .define(FRAMEWORK_ROLES, Type.LIST, "*", Importance.MEDIUM, "The framework's Mesos roles.")
                .define(
                        DEFAULT_POD_ROLES,
                        Type.LIST,
                        "*",
                        Importance.MEDIUM,
                        "Roles of a pod without the k8s.mesosphere.io/roles annotation.")
                .define(
                        EXECUTOR_ID,
                        Type.STRING,
                        ProcurementConfig.DEFAULT_EXECUTOR_ID,
                        Importance.MEDIUM,
                        "The id of our executor; offers naming another executor are declined.")
                .define(
                        EXECUTOR_CPUS,
                        Type.DOUBLE,
                        0.25,
                        Range.atLeast(0),
                        Importance.LOW,
                        "cpus charged for our executor on an agent that does not run it yet.")
                .define(
                        EXECUTOR_MEM_MB,
                        Type.DOUBLE,
                        128.0,
                        Range.atLeast(0),
                        Importance.LOW,
                        "mem (MB) charged for our executor on an agent that does not run it yet.")
                .define(
                        DEFAULT_CONTAINER_CPUS,
                        Type.DOUBLE,
                        0.25,
                        Range.atLeast(0),
                        Importance.LOW,
                        "cpus of a container without a cpu limit.")
                .define(
                        DEFAULT_CONTAINER_MEM_MB,
                        Type.DOUBLE,
                        64.0,
                        Range.atLeast(0),
                        Importance.LOW,
                        "mem (MB) of a container without a memory limit.")
                .define(
                        FINISHED_RETAINED,
                        Type.INT,
                        1024,
                        Range.atLeast(1),
                        Importance.LOW,
                        "How many finished tasks the registry keeps.")
                .define(
                        DELETION_GUARD_MAX_SHARE,
                        Type.DOUBLE,
                        0.1,
                        Range.between(0.0, 1.0),
                        Importance.MEDIUM,
                        "The share of the bound pods the scheduler deletes in one window without an operator's word;"
                                + " beyond it deletions are held and an ALARM event is raised.")
                .define(
                        DELETION_GUARD_WINDOW_MS,
                        Type.LONG,
                        600_000L,
                        Range.atLeast(1),
                        Importance.MEDIUM,
                        "The deletion guard's window, in event time, from its first deletion.")
                .define(
                        DELETION_GUARD_MIN_COUNT,
                        Type.INT,
                        3,
                        Range.atLeast(0),
                        Importance.MEDIUM,
                        "Deletions always allowed per window, whatever the share, so that tiny clusters still heal.")
                .define(
                        RECONCILE_MAX_TASKS_PER_CALL,
                        Type.INT,
                        SchedulerSettings.DEFAULT_RECONCILE_MAX_TASKS_PER_CALL,
                        Range.atLeast(1),
                        Importance.LOW,
                        "At most this many tasks in one explicit Reconcile call; a larger reconciliation is"
                                + " several calls, so that no mesos-calls record outgrows the broker's limit.")
                .define(
                        CLOCK_MAX_SKEW_MS,
                        Type.LONG,
                        SchedulerSettings.DEFAULT_CLOCK_MAX_SKEW_MS,
                        Range.atLeast(0),
                        Importance.LOW,
                        "How far a clock tick's value may be ahead of its record's (broker append) time;"
                                + " a tick further ahead is dead-lettered and time follows the record's time.")
                .define(
                        MAX_RECORD_BYTES,
                        Type.INT,
                        1_000_000,
                        Range.atLeast(1024),
                        Importance.LOW,
                        "Largest encoded value the scheduler writes; a larger output (a launch request with"
                                + " a huge manifest) is dead-lettered, truncated, instead. Keep it below the"
                                + " producer's max.request.size and the topics' max.message.bytes."));
    }

    /** Where the scheduler serves queries ({@value #QUERY_LISTEN}), or empty when it does not. */
    public Optional<QueryEndpoint> query() {
        return QueryEndpoint.of(
                QUERY_LISTEN, kafka.getString(QUERY_LISTEN), QUERY_ADVERTISED, kafka.getString(QUERY_ADVERTISED));
    }

    /** The scheduler's topic names, from the shared catalogue (prefix and per-topic overrides). */
    public SchedulerTopics schedulerTopics() {
        return SchedulerTopics.from(kafka.topics());
    }

    public Matcher matcher() {
        return new ProcurementMatcher(procurement);
    }

    /** Kafka Streams properties: the shared client properties plus the scheduler's ({@link StreamsProperties}). */
    public Properties streamsProperties() {
        return StreamsProperties.of(this);
    }

    /** The largest encoded output value the scheduler writes ({@value #MAX_RECORD_BYTES}). */
    public int maxRecordBytes() {
        return kafka.getInt(MAX_RECORD_BYTES);
    }

    static List<String> keys() {
        return List.copyOf(DEFINITION.names());
    }
}
