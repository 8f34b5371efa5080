package io.k8sm.offeringest;

import io.k8sm.avro.FrameworkId;
import io.k8sm.avro.MesosCall;
import io.k8sm.config.K8smConfig;
import io.k8sm.config.Secrets;
import io.k8sm.deadletter.DeadLetterPublisher;
import io.k8sm.offeringest.gateway.AllocationRoles;
import io.k8sm.offeringest.gateway.CallExecutor;
import io.k8sm.offeringest.gateway.CallTranslator;
import io.k8sm.offeringest.gateway.ClockTicker;
import io.k8sm.offeringest.gateway.EventPublisher;
import io.k8sm.offeringest.gateway.FrameworkIdStore;
import io.k8sm.offeringest.gateway.MesosCalls;
import io.k8sm.offeringest.leader.LeaderElection;
import io.k8sm.offeringest.mesos.MesosClientConfig;
import io.k8sm.offeringest.mesos.MesosSchedulerClient;
import io.k8sm.schemaregistry.SchemaRegistryClient;
import io.k8sm.schemaregistry.SchemaRegistryClients;
import io.k8sm.serde.AvroDeserializer;
import io.k8sm.serde.AvroSerializer;
import io.k8sm.service.K8smService;
import io.k8sm.service.metrics.ServiceMetrics;
import io.k8sm.topics.Topic;
import io.k8sm.topics.TopicCatalogue;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * offer-ingest as a whole: reads the stored framework id, subscribes to the Mesos master, writes
 * its events to Kafka ({@link EventPublisher}), executes the calls of {@code mesos-calls}
 * ({@link CallExecutor}) and ticks the {@code clock} ({@link ClockTicker}). {@link #close()} stops it gracefully.
 *
 * <p>Only the leader does that: several instances may run, and the one that owns partition 0 of {@code framework-id}
 * in the leader group ({@link LeaderElection}) is the one subscribed. The others are standbys: they poll the group
 * and neither subscribe, write events, tick nor execute calls. On election an instance reads the stored framework id
 * again (the previous leader may have stored it) and subscribes with it; deposed, it ends the subscription and stops
 * its call loop and ticker before another can be given the partition. A single instance is a leader once the group
 * assigned it the partition.
 */
public final class OfferIngestService implements K8smService {
    private static final Logger LOG = LoggerFactory.getLogger(OfferIngestService.class);

    private final SchemaRegistryClient registry;
    private final Producer<byte[], byte[]> producer;
    private final DeadLetterPublisher deadLetters;
    private final EventPublisher events;
    private final MesosSchedulerClient client;
    private final CallExecutor calls;
    private final ClockTicker ticker;
    private final LeaderElection election;
    private final String instance;
    private final Object term = new Object();
    private final OfferIngestConfig cfg;
    private final AvroDeserializer<FrameworkId> frameworkIds;
    private volatile Optional<String> storedFrameworkId;
    private final ServiceMetrics metrics = new ServiceMetrics("offer-ingest");
    private boolean started;
    private volatile boolean closed;

    private OfferIngestService(Builder b) {
        OfferIngestConfig cfg = b.config;
        K8smConfig base = cfg.kafka();
        TopicCatalogue topics = base.topics();
        this.registry = SchemaRegistryClients.fromConfig(base.serdeConfig());
        boolean autoRegister = base.getBoolean(K8smConfig.AUTO_REGISTER_SCHEMAS);
        boolean useLatest = base.getBoolean(K8smConfig.USE_LATEST_VERSION);
        this.producer = b.producerWrapper.apply(new KafkaProducer<>(
                OfferIngestClients.producer(base), new ByteArraySerializer(), new ByteArraySerializer()));
        this.deadLetters = new DeadLetterPublisher(producer, topics.name(Topic.DEAD_LETTERS), registry);
        AllocationRoles memory = new AllocationRoles(cfg.roles());
        this.cfg = cfg;
        this.frameworkIds = AvroDeserializer.specific(FrameworkId.class, registry);
        this.storedFrameworkId = readFrameworkId(); // refused here (exit 2) if unreadable, standby or not
        MesosClientConfig mesosConfig = b.mesosConfigOverride.apply(cfg.mesosClientConfig(storedFrameworkId));
        MesosSchedulerClient[] holder = new MesosSchedulerClient[1];
        this.events = new EventPublisher(
                producer,
                new AvroSerializer<>(registry, false, autoRegister, useLatest),
                deadLetters,
                topics,
                cfg.frameworkName(),
                cfg.offersShard(),
                memory,
                () -> holder[0] == null
                        ? Optional.empty()
                        : holder[0].currentMaster().map(URI::toString));
        this.client = new MesosSchedulerClient(mesosConfig, events);
        holder[0] = client;
        EventPublisher.Acknowledger acks = b.acknowledger == null ? client::acknowledge : b.acknowledger.apply(client);
        events.acknowledgeWith(acks);
        MesosCalls mesos = b.callsWrapper == null ? MesosCalls.of(client) : b.callsWrapper.apply(MesosCalls.of(client));
        KafkaConsumer<byte[], byte[]> callsConsumer = new KafkaConsumer<>(
                OfferIngestClients.calls(base, cfg), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.calls = new CallExecutor(
                callsConsumer,
                topics.name(Topic.MESOS_CALLS),
                AvroDeserializer.specific(MesosCall.class, registry),
                deadLetters,
                new CallTranslator(memory),
                mesos,
                events,
                cfg.callsPoll());
        this.ticker = new ClockTicker(
                producer,
                new AvroSerializer<>(registry, false, autoRegister, useLatest),
                topics.name(Topic.CLOCK),
                "offer-ingest:" + cfg.frameworkName(),
                cfg.clockTick(),
                Clock.systemUTC());
        this.instance = b.instanceId != null ? b.instanceId : instanceId();
        KafkaConsumer<byte[], byte[]> leaderConsumer = new KafkaConsumer<>(
                OfferIngestClients.leader(base, cfg, instance),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        this.election = new LeaderElection(
                leaderConsumer,
                topics.name(Topic.FRAMEWORK_ID),
                cfg.leaderSession(),
                cfg.leaderHeartbeat(),
                new LeaderElection.Listener() {
                    @Override
                    public void elected() {
                        lead();
                    }

                    @Override
                    public void deposed(String why) {
                        standBy(why);
                    }
                },
                instance);
        metrics.bind(producer);
        metrics.bind(callsConsumer);
        metrics.bind(leaderConsumer);
        OfferIngestMetrics.bind(metrics.registry(), events, calls, client, election::isLeader);
    }

    private Optional<String> readFrameworkId() {
        return FrameworkIdStore.read(
                        cfg.kafka().kafkaProperties(),
                        cfg.kafka().topics().name(Topic.FRAMEWORK_ID),
                        cfg.frameworkName(),
                        frameworkIds,
                        Duration.ofSeconds(60),
                        cfg.newFramework())
                .map(FrameworkId::getFrameworkId);
    }

    /** Elected: the stored id as the last leader left it, then the subscription, the calls and the clock. */
    private void lead() {
        synchronized (term) {
            if (closed) {
                return; // elected while closing: nothing is started, close() deposes it at once
            }
            storedFrameworkId = readFrameworkId();
            LOG.info(
                    "offer-ingest {}: leader (partition assigned), subscribing ({})",
                    instance,
                    storedFrameworkId.map(id -> "failing over framework " + id).orElse("new framework"));
            client.start(storedFrameworkId.map(id -> org.apache.mesos.v1.Protos.FrameworkID.newBuilder()
                    .setValue(id)
                    .build()));
            calls.resume();
            ticker.start();
        }
    }

    /**
     * Deposed (or closing): when this returns the subscription is ended (no event of it is published any more, no call
     * can use it), the call loop holds no partition and sends nothing, and the clock stopped.
     */
    private void standBy(String why) {
        synchronized (term) {
            LOG.warn(
                    "offer-ingest {}: standby ({}): ending the Mesos subscription, the calls and the clock",
                    instance,
                    why);
            client.stop();
            calls.pause();
            if (!calls.awaitPaused(Duration.ofSeconds(5))) {
                LOG.warn(
                        "offer-ingest {}: a call still in progress after 5 s; the master refuses it once the next"
                                + " leader subscribed (its stream id is stale)",
                        instance);
            }
            ticker.close();
        }
    }

    private static String instanceId() {
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        return host + "-" + ProcessHandle.current().pid() + "-"
                + UUID.randomUUID().toString().substring(0, 4);
    }

    public static Builder builder(OfferIngestConfig config) {
        return new Builder(config);
    }

    /** Starts subscribing and executing calls. */
    @Override
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("offer-ingest already started");
        }
        started = true;
        calls.pause(); // until elected
        calls.start();
        election.start();
        LOG.info(
                "offer-ingest {} started: standby until it owns partition 0 of {} in group {}",
                instance,
                cfg.kafka().topics().name(Topic.FRAMEWORK_ID),
                cfg.leaderGroup());
    }

    /**
     * Started, not closed, the call executor still running, and the client not stopped by an ERROR event (the
     * subscription reconnects on its own otherwise); {@code k8sm run offer-ingest} exits non-zero when this turns false.
     */
    @Override
    public boolean isHealthy() {
        return started && !closed && calls.isRunning() && election.isRunning() && !client.isStoppedByError();
    }

    /** Healthy and either the leader subscribed to a master (offers and status updates flow) or a standby. */
    @Override
    public boolean isReady() {
        return isHealthy() && (election.isLeader() ? client.isSubscribed() : election.isStandby());
    }

    /** True while this instance is the leader (the one subscribed to Mesos). */
    public boolean isLeader() {
        return election.isLeader();
    }

    @Override
    public String status() {
        if (!election.isLeader()) {
            return (election.isStandby() ? "standby: another instance leads" : "joining the leader group")
                    + " (" + cfg.leaderGroup() + ")"
                    + (election.failure() == null ? "" : "; " + election.failure());
        }
        String master = client.currentMaster().map(URI::toString).orElse("no master");
        String status = client.isSubscribed()
                ? "subscribed to " + master + (isHealthy() ? "" : ", but a part failed")
                : "not subscribed (" + master + ")"
                        + client.lastFailure().map(f -> ": " + f).orElse("");
        return Secrets.hideUrlPasswords(status); // /healthz shows it; mesos.master may hold user:password@
    }

    @Override
    public ServiceMetrics metrics() {
        return metrics;
    }

    /** The framework id read back from the framework-id topic at start, and again at each election, if any. */
    public Optional<String> storedFrameworkId() {
        return storedFrameworkId;
    }

    public MesosSchedulerClient client() {
        return client;
    }

    public EventPublisher events() {
        return events;
    }

    public CallExecutor calls() {
        return calls;
    }

    /**
     * Stops executing calls, waits for the writes in flight and their acknowledgements, then ends the
     * subscription and closes the Kafka clients.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ticker.close();
        calls.close();
        try {
            producer.flush();
            events.drainAcknowledgements(Duration.ofSeconds(5));
        } catch (RuntimeException e) {
            LOG.warn("flushing before close: {}", e.toString());
        }
        election.close(); // steps down (ends the subscription) and leaves the group: a standby takes over
        client.close();
        try {
            producer.flush();
        } catch (RuntimeException e) {
            LOG.debug("final flush: {}", e.toString());
        }
        events.close();
        deadLetters.close();
        producer.close(Duration.ofSeconds(10));
        registry.close();
        metrics.close();
    }

    /** The producer's properties: acks=all and idempotence, which the gateway's guarantees rest on. */
    public static Properties producerProperties(K8smConfig base) {
        return OfferIngestClients.producer(base);
    }

    /** How a gateway is put together; the hooks exist for fault-injection tests. */
    public static final class Builder {
        private final OfferIngestConfig config;
        private UnaryOperator<Producer<byte[], byte[]>> producerWrapper = UnaryOperator.identity();
        private UnaryOperator<MesosClientConfig> mesosConfigOverride = UnaryOperator.identity();
        private java.util.function.Function<MesosSchedulerClient, EventPublisher.Acknowledger> acknowledger;
        private UnaryOperator<MesosCalls> callsWrapper;
        private String instanceId;

        private Builder(OfferIngestConfig config) {
            this.config = config;
        }

        /** Wraps the producer (e.g. to make writes fail). */
        public Builder producer(UnaryOperator<Producer<byte[], byte[]>> wrapper) {
            this.producerWrapper = wrapper;
            return this;
        }

        /** Adjusts the Mesos client's configuration (e.g. shorter backoffs in tests). */
        public Builder mesosConfig(UnaryOperator<MesosClientConfig> override) {
            this.mesosConfigOverride = override;
            return this;
        }

        /** Replaces how acknowledgements are sent. */
        public Builder acknowledger(java.util.function.Function<MesosSchedulerClient, EventPublisher.Acknowledger> a) {
            this.acknowledger = a;
            return this;
        }

        /** Wraps how calls reach Mesos (e.g. to make the master refuse some). */
        public Builder calls(UnaryOperator<MesosCalls> wrapper) {
            this.callsWrapper = wrapper;
            return this;
        }

        /** Names this instance in the logs and the leader group's client id (default: host, pid and a suffix). */
        public Builder instanceId(String id) {
            this.instanceId = id;
            return this;
        }

        public OfferIngestService build() {
            return new OfferIngestService(this);
        }

        /** Builds and starts. */
        public OfferIngestService start() {
            OfferIngestService s = build();
            s.start();
            return s;
        }
    }
}
