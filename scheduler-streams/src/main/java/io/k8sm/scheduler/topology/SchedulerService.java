package io.k8sm.scheduler.topology;

import io.k8sm.scheduler.query.QueryServer;
import io.k8sm.service.K8smService;
import io.k8sm.service.metrics.ServiceMetrics;
import io.micrometer.core.instrument.Gauge;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler's front door: the topology in a {@link KafkaStreams} instance. {@code k8sm run
 * scheduler} and the demo use it.
 *
 * <p>It lives in {@code topology/}, not in the module's root package: the root package holds the
 * pure state machine that {@code topology/} drives, and a front door there would make the two
 * packages import each other.
 */
public final class SchedulerService implements K8smService {

    private static final Logger log = LoggerFactory.getLogger(SchedulerService.class);

    private final SchedulerConfig config;
    private final Topology topology;
    private final KafkaStreams streams;
    private final Optional<QueryServer> queries;
    private final ServiceMetrics metrics = new ServiceMetrics("scheduler");
    private final SchedulerMetrics observed;
    private final SchedulerView view;

    /**
     * The scheduler with the production serdes: Confluent wire format through the configured schema
     * registry.
     */
    public SchedulerService(SchedulerConfig config) {
        this(config, SchedulerSerdes.registry(config.kafka()));
    }

    public SchedulerService(SchedulerConfig config, SchedulerSerdes serdes) {
        this.config = config;
        // the clocks of the metrics only (durations, snapshot age); the topology never reads them
        this.observed = new SchedulerMetrics(metrics.registry(), System::nanoTime);
        this.topology = SchedulerTopology.build(config, serdes, observed);
        this.streams = new KafkaStreams(topology, config.streamsProperties());
        this.streams.setUncaughtExceptionHandler(new ThreadReplacement());
        this.queries = config.query().map(q -> new QueryServer(streams, q, SchedulerStores.QUERIED));
        this.view = new SchedulerView(streams, System::currentTimeMillis);
        metrics.bind(streams);
        view.bindTo(metrics.registry());
        metrics.beforeScrape(() -> view.registerAgentGauges(metrics.registry()));
        for (boolean active : new boolean[] {true, false}) {
            Gauge.builder("k8sm.scheduler.shards", streams, k -> shards(k, active))
                    .tag("role", active ? "active" : "standby")
                    .description("Scheduling shards (Streams tasks) this instance holds, active or as a hot standby")
                    .register(metrics.registry());
        }
    }

    /** The shards this instance holds, active or standby (0 while the client is not running). */
    static int shards(KafkaStreams streams, boolean active) {
        try {
            return streams.metadataForLocalThreads().stream()
                    .mapToInt(t -> (active ? t.activeTasks() : t.standbyTasks()).size())
                    .sum();
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * Starts the Streams client, after checking that the input topics are co-partitioned.
     *
     * @throws org.apache.kafka.common.config.ConfigException when their partition counts differ
     */
    @Override
    public void start() {
        Properties p = config.streamsProperties();
        log.info(
                "starting the scheduler: application.id {}, processing.guarantee {}, state dir {}, bootstrap {}, registry {},"
                        + " topics {}",
                p.get(StreamsConfig.APPLICATION_ID_CONFIG),
                p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG),
                stateDir(),
                config.kafka().bootstrapServers(),
                config.kafka().schemaRegistryUrl(),
                config.schedulerTopics());
        CoPartitioning.check(config.kafka().kafkaProperties(), config.schedulerTopics());
        queries.ifPresent(QueryServer::start);
        streams.start();
    }

    /** Running or rebalancing: the Streams client neither failed nor stopped. */
    @Override
    public boolean isHealthy() {
        return streams.state().isRunningOrRebalancing();
    }

    /**
     * RUNNING (every store restored and the shards assigned, not while rebalancing or restoring), and
     * every hot standby's stores within {@code acceptable.recovery.lag} of their changelogs: a standby
     * counts as ready once it could take over without a long restore.
     */
    @Override
    public boolean isReady() {
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return false;
        }
        long acceptable =
                new StreamsConfig(config.streamsProperties()).getLong(StreamsConfig.ACCEPTABLE_RECOVERY_LAG_CONFIG);
        try {
            return streams.allLocalStorePartitionLags().values().stream()
                    .flatMap(m -> m.values().stream())
                    .allMatch(l -> l.offsetLag() <= acceptable);
        } catch (RuntimeException e) {
            return false; // the lags are not known (the broker does not answer): not ready
        }
    }

    @Override
    public String status() {
        return "Kafka Streams " + streams.state() + ", bootstrap "
                + config.kafka().bootstrapServers();
    }

    @Override
    public ServiceMetrics metrics() {
        return metrics;
    }

    /** The scheduler's state read from its local stores (the dashboard, the gauges). */
    public SchedulerView view() {
        return view;
    }

    /** What the processor decided lately (the dashboard's events). */
    public SchedulerMetrics observed() {
        return observed;
    }

    /**
     * The local state directory Kafka Streams uses (its default when {@code scheduler.state.dir} is
     * unset).
     */
    public String stateDir() {
        Object dir = config.streamsProperties().get(StreamsConfig.STATE_DIR_CONFIG);
        return dir != null
                ? dir.toString()
                : new StreamsConfig(config.streamsProperties()).getString(StreamsConfig.STATE_DIR_CONFIG);
    }

    public SchedulerConfig config() {
        return config;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    public KafkaStreams streams() {
        return streams;
    }

    public Topology topology() {
        return topology;
    }

    /**
     * Stops processing and leaves the consumer group, so that another instance takes over at once.
     */
    @Override
    public void close() {
        queries.ifPresent(QueryServer::close);
        streams.close(new KafkaStreams.CloseOptions().leaveGroup(true).timeout(Duration.ofSeconds(30)));
        metrics.close();
    }
}
